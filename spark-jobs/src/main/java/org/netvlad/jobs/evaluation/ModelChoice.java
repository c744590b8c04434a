package org.netvlad.jobs.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.config.EvalSettings;
import org.netvlad.common.config.ModelSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.training.CheckpointFolder;
import org.netvlad.jobs.training.Checkpoints;

/**
 * The checkpoint {@code eval.checkpoint} names: the best by validation Recall@5, the untrained
 * network of epoch 0, or one epoch's. Its network is described by the settings it was trained with
 * (its sidecar), not by today's, so the image size always matches the weights.
 */
public final class ModelChoice {
  private final CheckpointFolder checkpoint;
  private final ModelSpec spec;
  private final String label;
  private final String id;
  private final String trainingId;

  private ModelChoice(
      CheckpointFolder checkpoint, ModelSpec spec, String label, String id, String trainingId) {
    this.checkpoint = checkpoint;
    this.spec = spec;
    this.label = label;
    this.id = id;
    this.trainingId = trainingId;
  }

  /**
   * The checkpoint {@code eval.checkpoint} names: one of the run's own, or a checkpoint folder
   * elsewhere.
   */
  public static ModelChoice resolve(RunFolder run, String checkpoint, String label) {
    if (EvalSettings.isFolder(checkpoint)) {
      return fromFolder(CheckpointFolder.at(checkpoint, run.fs().getConf()), label);
    }
    Checkpoints checkpoints = new Checkpoints(run);
    OptionalInt newest = checkpoints.newest();
    if (newest.isEmpty()) {
      throw new JobFailure(
          "no checkpoint in "
              + run.resolve("model")
              + ": run train-netvlad first (its model/epoch=0 is the"
              + " initialised, untrained network that eval.checkpoint=untrained evaluates)");
    }
    int epoch =
        switch (checkpoint) {
          case "best" ->
              ((Number) checkpoints.sidecar(newest.getAsInt()).get("best_epoch")).intValue();
          case "untrained" -> 0;
          default -> Integer.parseInt(checkpoint);
        };
    if (!run.exists(new Path(checkpoints.folder(epoch), Checkpoints.SIDECAR))) {
      throw new JobFailure(
          "eval.checkpoint = "
              + checkpoint
              + ": no complete checkpoint "
              + checkpoints.folder(epoch)
              + " (the newest is epoch "
              + newest.getAsInt()
              + ")");
    }
    return fromFolder(checkpoints.at(epoch), label);
  }

  private static ModelChoice fromFolder(CheckpointFolder folder, String label) {
    if (!folder.complete()) {
      throw new JobFailure(
          "eval.checkpoint = "
              + folder.path()
              + ": not a complete checkpoint (no "
              + Checkpoints.MODEL
              + " and "
              + Checkpoints.SIDECAR
              + " there)");
    }
    Map<String, Object> sidecar = folder.sidecar();
    ModelSpec spec = spec(sidecar, folder.path());
    int epoch = sidecar.get("epoch") instanceof Number n ? n.intValue() : -1;
    String name = spec.pooling().name().toLowerCase(java.util.Locale.ROOT);
    String pooled = name.equals("netvlad") ? "NetVLAD" : name;
    // epoch 0 is the initialised network, or the model a warm-started training began from
    String first = sidecar.get("warm_start") != null ? ", warm start" : ", untrained";
    String chosen =
        label.isEmpty() ? (epoch == 0 ? pooled + first : pooled + ", epoch " + epoch) : label;
    // the run folder's name and the checkpoint's: model/epoch=E of run r is "r/model/epoch=E"
    Path runFolder =
        folder.path().getParent() == null ? null : folder.path().getParent().getParent();
    String id =
        (runFolder == null ? "" : runFolder.getName() + "/")
            + folder.path().getParent().getName()
            + "/"
            + folder.path().getName();
    return new ModelChoice(folder, spec, chosen, id, (String) sidecar.get(Lineage.ID));
  }

  /** The network the checkpoint's own model.* settings describe. */
  private static ModelSpec spec(Map<String, Object> sidecar, Path folder) {
    @SuppressWarnings("unchecked")
    Map<String, String> settings = (Map<String, String>) sidecar.get("settings");
    List<String> model = new ArrayList<>();
    if (settings != null) {
      settings.forEach(
          (k, v) -> {
            if (k.startsWith("model.")) {
              model.add(k + "=" + v);
            }
          });
    }
    try {
      return ModelSettings.spec(PipelineConfig.load("", folder + "/" + Checkpoints.SIDECAR, model));
    } catch (RuntimeException e) {
      throw new JobFailure(
          "cannot read the model settings of checkpoint " + folder + ": " + e.getMessage(), e);
    }
  }

  public MultiLayerNetwork load() {
    return checkpoint.load();
  }

  public Path folder() {
    return checkpoint.path();
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

  /**
   * The id of the training the checkpoint belongs to; null for checkpoints written before ids were
   * recorded.
   */
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
    return label
        + " ("
        + folder()
        + ", "
        + spec.backbone().name().toLowerCase(java.util.Locale.ROOT)
        + " backbone, "
        + spec.widthPx()
        + "x"
        + spec.heightPx()
        + " px, "
        + spec.descriptorLength()
        + "-dim descriptors)";
  }
}
