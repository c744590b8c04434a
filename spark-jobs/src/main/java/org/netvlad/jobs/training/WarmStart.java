package org.netvlad.jobs.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.Settings;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.jobs.cli.JobFailure;

/**
 * {@code train.warm-start}: the checkpoint a new training starts from instead of a new network (the
 * nightly's last good model). Its weights and optimiser state become the new training's epoch 0.
 */
public final class WarmStart {
  /** Its key in {@code built_from}: the id of the training the checkpoint came from. */
  public static final String LINEAGE_KEY = "warm-start";

  /**
   * Settings stored in the network's own file besides model.*: a warm start keeps them, so they
   * must not differ.
   */
  private static final List<String> NETWORK_SETTINGS =
      List.of(
          TrainSettings.OPTIMIZER.key(),
          TrainSettings.MOMENTUM.key(),
          TrainSettings.WEIGHT_DECAY.key());

  private final String uri;
  private final CheckpointFolder folder;

  private WarmStart(String uri, CheckpointFolder folder) {
    this.uri = uri;
    this.folder = folder;
  }

  /** The warm start {@code train.warm-start} names, or null when it is empty. */
  public static WarmStart of(PipelineConfig s, Configuration hadoop) {
    String uri = s.get(TrainSettings.WARM_START);
    return uri.isEmpty() ? null : new WarmStart(uri, CheckpointFolder.at(uri, hadoop));
  }

  /** The id of the training the checkpoint belongs to, or null when it is gone or has none. */
  public String trainingIdOrNull() {
    return folder.complete() ? folder.trainingId() : null;
  }

  /** Loads the network after {@link #check}ing it. */
  public MultiLayerNetwork load(PipelineConfig s) {
    check(s);
    return folder.load();
  }

  /**
   * Checks that the checkpoint is whole and was trained with the same network settings.
   *
   * @throws JobFailure naming the checkpoint and every setting that differs
   */
  public void check(PipelineConfig s) {
    if (!folder.complete()) {
      throw new JobFailure(
          "train.warm-start "
              + uri
              + " is not a complete checkpoint (no "
              + Checkpoints.MODEL
              + " and "
              + Checkpoints.SIDECAR
              + " there)");
    }
    List<String> changed = differences(folder.settings(), s);
    if (!changed.isEmpty()) {
      throw new JobFailure(
          "train.warm-start "
              + uri
              + " was trained with other network settings: "
              + String.join("; ", changed)
              + ". Use the checkpoint's settings, or start from scratch (train.warm-start empty;"
              + " nightly.warm-start=none)");
    }
  }

  /** What the summary and the checkpoints record of the warm start. */
  public Map<String, Object> describe() {
    Map<String, Object> sidecar = folder.sidecar();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("checkpoint", uri);
    m.put("training_id", sidecar.get(org.netvlad.jobs.io.Lineage.ID));
    m.put("epoch", sidecar.get("epoch"));
    m.put("iteration", sidecar.get("iteration"));
    return m;
  }

  /**
   * "key (checkpoint: a, now: b)" for each model.* setting, and each setting the network's file
   * carries, that differs; a setting newer than the checkpoint had its default then.
   */
  public static List<String> differences(Map<String, String> was, PipelineConfig now) {
    List<String> changed = new ArrayList<>();
    for (Map.Entry<String, String> e : now.asText().entrySet()) {
      String key = e.getKey();
      if (key.startsWith("model.") || NETWORK_SETTINGS.contains(key)) {
        String then = was.getOrDefault(key, Settings.byKey(key, "").defaultText());
        if (!e.getValue().equals(then)) {
          changed.add(key + " (checkpoint: " + then + ", now: " + e.getValue() + ")");
        }
      }
    }
    return changed;
  }
}
