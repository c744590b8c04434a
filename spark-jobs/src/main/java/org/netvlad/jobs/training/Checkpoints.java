package org.netvlad.jobs.training;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;

/**
 * {@code model/epoch=E/}: {@code model.zip} (DL4J model with its updater state) and {@code
 * checkpoint.json} (settings, epoch, iteration, metrics so far). A checkpoint is written in the
 * job's staging folder and renamed into place whole, so every {@code epoch=E} folder is complete;
 * epoch 0 is the initialised, untrained network.
 */
public final class Checkpoints {
  public static final String MODEL = "model.zip";
  public static final String SIDECAR = "checkpoint.json";

  private final RunFolder run;

  public Checkpoints(RunFolder run) {
    this.run = run;
  }

  public Path folder(int epoch) {
    return run.resolve("model/epoch=" + epoch);
  }

  /** The newest complete checkpoint's epoch. */
  public OptionalInt newest() {
    Path models = run.resolve("model");
    OptionalInt newest = OptionalInt.empty();
    try {
      if (!run.fs().exists(models)) {
        return newest;
      }
      for (FileStatus s : run.fs().listStatus(models)) {
        String name = s.getPath().getName();
        if (s.isDirectory()
            && name.matches("epoch=\\d+")
            && run.fs().exists(new Path(s.getPath(), SIDECAR))) {
          int epoch = Integer.parseInt(name.substring("epoch=".length()));
          if (newest.isEmpty() || epoch > newest.getAsInt()) {
            newest = OptionalInt.of(epoch);
          }
        }
      }
    } catch (IOException e) {
      throw IoFailures.failure("listing", models, e, e);
    }
    return newest;
  }

  /** Writes a checkpoint under {@code staging}, then renames it into {@code model/epoch=E/}. */
  public void save(int epoch, MultiLayerNetwork net, Map<String, Object> sidecar, Path staging) {
    publish(epoch, stage(epoch, net, sidecar, staging));
  }

  /** Writes a checkpoint whole under {@code staging}; returns its folder there. */
  public Path stage(int epoch, MultiLayerNetwork net, Map<String, Object> sidecar, Path staging) {
    Path tmp = new Path(staging, "model-epoch=" + epoch);
    try {
      run.fs().delete(tmp, true);
      run.fs().mkdirs(tmp);
      try (OutputStream out = run.fs().create(new Path(tmp, MODEL))) {
        ModelSerializer.writeModel(net, out, true);
      }
      run.writeText(new Path(tmp, SIDECAR), JobMain.toJson(sidecar));
      return tmp;
    } catch (IOException e) {
      throw IoFailures.failure("writing checkpoint", tmp, e, e);
    }
  }

  /**
   * Renames a staged checkpoint into {@code model/epoch=E/}, replacing one left there by a failed
   * attempt.
   */
  public void publish(int epoch, Path staged) {
    Path target = folder(epoch);
    try {
      run.fs().delete(target, true);
      run.fs().mkdirs(target.getParent());
      if (!run.fs().rename(staged, target)) {
        throw new IOException("rename " + staged + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw IoFailures.failure("writing checkpoint", target, e, e);
    }
  }

  public MultiLayerNetwork load(int epoch) {
    return at(epoch).load();
  }

  public Map<String, Object> sidecar(int epoch) {
    return at(epoch).sidecar();
  }

  /** The checkpoint folder of one epoch. */
  public CheckpointFolder at(int epoch) {
    return new CheckpointFolder(run.fs(), folder(epoch));
  }
}
