package org.netvlad.common.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules across settings, each of which is valid alone: {@link PipelineConfig} applies them so that
 * an inconsistent configuration is refused before any job touches data.
 */
public final class SettingChecks {
  private SettingChecks() {}

  /**
   * Refuses settings that are each valid but do not make sense together.
   *
   * @throws ConfigException naming every setting involved
   */
  public static void checkConsistency(PipelineConfig config) {
    List<String> problems = new ArrayList<>();
    double positive = config.get(MiningSettings.POSITIVE_RADIUS_M);
    double negative = config.get(MiningSettings.NEGATIVE_RADIUS_M);
    if (!(positive < negative)) {
      problems.add(
          MiningSettings.POSITIVE_RADIUS_M.key()
              + " ("
              + positive
              + ") must be below "
              + MiningSettings.NEGATIVE_RADIUS_M.key()
              + " ("
              + negative
              + ")");
    }
    double tile = config.get(MiningSettings.TILE_SIZE_M);
    if (tile < 2 * negative) {
      problems.add(
          MiningSettings.TILE_SIZE_M.key()
              + " ("
              + tile
              + ") must be at least twice "
              + MiningSettings.NEGATIVE_RADIUS_M.key()
              + " ("
              + negative
              + ")");
    }
    double block = config.get(RenderSettings.BLOCK_M);
    double street = config.get(RenderSettings.STREET_WIDTH_M);
    if (!(street + 10 < block)) {
      problems.add(
          RenderSettings.STREET_WIDTH_M.key()
              + " ("
              + street
              + ") must be 10 m below "
              + RenderSettings.BLOCK_M.key()
              + " ("
              + block
              + ")");
    }
    problems.addAll(modelProblems(config));
    long watched = config.get(NightlySettings.RECALL_AT);
    if (java.util.Arrays.stream(TrainSettings.recallAt(config)).noneMatch(n -> n == watched)) {
      problems.add(
          NightlySettings.RECALL_AT.key()
              + " ("
              + watched
              + ") must be one of "
              + TrainSettings.RECALL_AT.key()
              + " ("
              + config.get(TrainSettings.RECALL_AT)
              + ")");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("inconsistent settings: " + String.join("; ", problems));
    }
  }

  private static List<String> modelProblems(PipelineConfig config) {
    List<String> problems = new ArrayList<>();
    try {
      ModelSettings.spec(config);
    } catch (IllegalArgumentException e) {
      problems.add(
          e.getMessage() + " (model.backbone, model.height-px, model.width-px, model.train-from)");
    }
    if (config.get(ModelSettings.BACKBONE).equals("vgg16")
        && config.get(ModelSettings.BACKBONE_WEIGHTS).isEmpty()) {
      problems.add(
          "model.backbone = vgg16 needs model.backbone-weights (a DL4J model zip or a Keras HDF5"
              + " file of VGG16; nothing is downloaded)");
    }
    return problems;
  }
}
