package org.netvlad.jobs.training;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;

/**
 * One checkpoint folder on any file system: {@code model.zip} (the DL4J model with its updater
 * state) and {@code checkpoint.json} (settings, epoch, metrics, lineage); a run's {@code
 * model/epoch=E/}, or one named by a URI (a warm start, a model evaluated on another run).
 */
public record CheckpointFolder(FileSystem fs, Path path) {
  /**
   * The folder a URI names; on a local disk read without Hadoop's checksums, as run folders are.
   */
  public static CheckpointFolder at(String uri, Configuration hadoop) {
    Path path = new Path(uri);
    try {
      FileSystem opened = path.getFileSystem(hadoop);
      return new CheckpointFolder(
          opened instanceof LocalFileSystem local ? local.getRaw() : opened, path);
    } catch (IOException e) {
      throw IoFailures.failure("opening checkpoint", uri, e, e);
    }
  }

  /** True when the folder holds a whole checkpoint (its sidecar is written last). */
  public boolean complete() {
    try {
      return fs.exists(new Path(path, Checkpoints.SIDECAR))
          && fs.exists(new Path(path, Checkpoints.MODEL));
    } catch (IOException e) {
      throw IoFailures.failure("reading", path, e, e);
    }
  }

  public Map<String, Object> sidecar() {
    return JobMain.fromJson(
        new String(
            RunFolder.readBytes(fs, new Path(path, Checkpoints.SIDECAR)),
            java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The settings the checkpoint was trained with (empty when its sidecar has none). */
  @SuppressWarnings("unchecked")
  public Map<String, String> settings() {
    Object settings = sidecar().get("settings");
    return settings instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
  }

  /**
   * The id of the training the checkpoint belongs to; null when written before ids were recorded.
   */
  public String trainingId() {
    return sidecar().get(Lineage.ID) instanceof String id ? id : null;
  }

  public MultiLayerNetwork load() {
    Path zip = new Path(path, Checkpoints.MODEL);
    try (InputStream in = fs.open(zip)) {
      return ModelBytes.read(in, true);
    } catch (IOException | RuntimeException e) {
      throw new JobFailure("cannot load checkpoint " + zip + ": " + e.getMessage(), e);
    }
  }
}
