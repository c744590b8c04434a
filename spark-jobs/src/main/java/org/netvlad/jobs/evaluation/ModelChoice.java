package org.netvlad.jobs.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.Settings;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.training.Checkpoints;

/**
 * The checkpoint {@code eval.checkpoint} names: the best by validation Recall@5, the untrained
 * network of epoch 0, or one epoch's. Its network is described by the settings it was trained
 * with (its sidecar), not by today's, so the image size always matches the weights.
 */
public final class ModelChoice {
  private final Checkpoints checkpoints;
  private final int epoch;
  private final ModelSpec spec;
  private final String label;
  private final String id;
  private final String trainingId;

  private ModelChoice(Checkpoints checkpoints, int epoch, ModelSpec spec, String label, String id, String trainingId) {
    this.checkpoints = checkpoints;
    this.epoch = epoch;
    this.spec = spec;
    this.label = label;
    this.id = id;
    this.trainingId = trainingId;
  }

  public static ModelChoice resolve(RunFolder run, String checkpoint, String label) {
    Checkpoints checkpoints = new Checkpoints(run);
    OptionalInt newest = checkpoints.newest();
    if (newest.isEmpty()) {
      throw new JobFailure("no checkpoint in " + run.resolve("model") + ": run train-netvlad first (its model/epoch=0 is the"
          + " initialised, untrained network that eval.checkpoint=untrained evaluates)");
    }
    int epoch = switch (checkpoint) {
      case "best" -> ((Number) checkpoints.sidecar(newest.getAsInt()).get("best_epoch")).intValue();
      case "untrained" -> 0;
      default -> Integer.parseInt(checkpoint);
    };
    if (!run.exists(new Path(checkpoints.folder(epoch), Checkpoints.SIDECAR))) {
      throw new JobFailure("eval.checkpoint = " + checkpoint + ": no complete checkpoint " + checkpoints.folder(epoch)
          + " (the newest is epoch " + newest.getAsInt() + ")");
    }
    Map<String, Object> sidecar = checkpoints.sidecar(epoch);
    ModelSpec spec = spec(sidecar, checkpoints.folder(epoch));
    String name = spec.pooling().name().toLowerCase(java.util.Locale.ROOT);
    String pooled = name.equals("netvlad") ? "NetVLAD" : name;
    String chosen = label.isEmpty() ? (epoch == 0 ? pooled + ", untrained" : pooled + ", epoch " + epoch) : label;
    return new ModelChoice(checkpoints, epoch, spec, chosen, run.root().getName() + "/model/epoch=" + epoch,
        (String) sidecar.get(Lineage.ID));
  }

  /** The network the checkpoint's own model.* settings describe. */
  private static ModelSpec spec(Map<String, Object> sidecar, Path folder) {
    @SuppressWarnings("unchecked")
    Map<String, String> settings = (Map<String, String>) sidecar.get("settings");
    List<String> model = new ArrayList<>();
    if (settings != null) {
      settings.forEach((k, v) -> {
        if (k.startsWith("model.")) {
          model.add(k + "=" + v);
        }
      });
    }
    try {
      return Settings.modelSpec(PipelineConfig.load("", folder + "/" + Checkpoints.SIDECAR, model));
    } catch (RuntimeException e) {
      throw new JobFailure("cannot read the model settings of checkpoint " + folder + ": " + e.getMessage(), e);
    }
  }

  public MultiLayerNetwork load() {
    return checkpoints.load(epoch);
  }

  public Path folder() {
    return checkpoints.folder(epoch);
  }

  public int widthPx() {
    return spec.widthPx();
  }

  public int heightPx() {
    return spec.heightPx();
  }

  public long descriptorLength() {
    return spec.descriptorLength();
  }

  /** The id of the training the checkpoint belongs to; null for checkpoints written before ids were recorded. */
  public String trainingId() {
    return trainingId;
  }

  /** Short name in reports, e.g. "NetVLAD, epoch 3". */
  public String label() {
    return label;
  }

  /** The model id stored with every descriptor: run folder name and checkpoint. */
  public String id() {
    return id;
  }

  public String about() {
    return label + " (" + folder() + ", " + spec.backbone().name().toLowerCase(java.util.Locale.ROOT) + " backbone, "
        + spec.widthPx() + "x" + spec.heightPx() + " px, " + spec.descriptorLength() + "-dim descriptors)";
  }
}
