package org.netvlad.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the pipeline, in the order {@code conf/pipeline.conf} documents them; each topic
 * declares its own ({@link RunSettings}, {@link IngestSettings}, {@link GeoSettings}, {@link
 * MiningSettings}, {@link RenderSettings}, {@link ModelSettings}, {@link TrainSettings}, {@link
 * EvalSettings}, {@link NightlySettings}).
 *
 * <p>Cross-setting rules live in {@link #checkConsistency(PipelineConfig)} so that an inconsistent
 * configuration is refused before any job touches data.
 */
public final class Settings {
  private static final List<Setting<?>> ALL = concat(RunSettings.ALL, IngestSettings.ALL, GeoSettings.ALL, MiningSettings.ALL,
      RenderSettings.ALL, ModelSettings.ALL, TrainSettings.ALL, EvalSettings.ALL, NightlySettings.ALL);

  @SafeVarargs
  private static List<Setting<?>> concat(List<Setting<?>>... lists) {
    List<Setting<?>> all = new ArrayList<>();
    for (List<Setting<?>> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  private static final Map<String, Setting<?>> BY_KEY = index();

  private Settings() {}

  /** Every setting, in documentation order. */
  public static List<Setting<?>> all() {
    return ALL;
  }

  /** The setting with this key, or a {@link ConfigException} that names the key. */
  public static Setting<?> byKey(String key, String origin) {
    Setting<?> setting = BY_KEY.get(key);
    if (setting == null) {
      throw new ConfigException(
          "unknown setting '" + key + "' (" + origin + "); see conf/pipeline.conf for the list");
    }
    return setting;
  }

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
          RenderSettings.STREET_WIDTH_M.key() + " (" + street + ") must be 10 m below " + RenderSettings.BLOCK_M.key() + " (" + block + ")");
    }
    problems.addAll(modelProblems(config));
    long watched = config.get(NightlySettings.RECALL_AT);
    if (java.util.Arrays.stream(TrainSettings.recallAt(config)).noneMatch(n -> n == watched)) {
      problems.add(NightlySettings.RECALL_AT.key() + " (" + watched + ") must be one of " + TrainSettings.RECALL_AT.key() + " ("
          + config.get(TrainSettings.RECALL_AT) + ")");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("inconsistent settings: " + String.join("; ", problems));
    }
  }

  private static List<String> modelProblems(PipelineConfig config) {
    List<String> problems = new ArrayList<>();
    try {
      modelSpec(config);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage() + " (model.backbone, model.height-px, model.width-px, model.train-from)");
    }
    if (config.get(ModelSettings.BACKBONE).equals("vgg16") && config.get(ModelSettings.BACKBONE_WEIGHTS).isEmpty()) {
      problems.add("model.backbone = vgg16 needs model.backbone-weights (a DL4J model zip or a Keras HDF5 file of VGG16; nothing is downloaded)");
    }
    return problems;
  }

  /** The network the model.* settings describe. */
  public static org.netvlad.common.model.ModelSpec modelSpec(PipelineConfig config) {
    return new org.netvlad.common.model.ModelSpec(
        org.netvlad.common.model.Backbone.parse(config.get(ModelSettings.BACKBONE)),
        org.netvlad.common.model.Pooling.parse(config.get(ModelSettings.POOLING)),
        Math.toIntExact(config.get(ModelSettings.CLUSTERS)),
        Math.toIntExact(config.get(ModelSettings.HEIGHT_PX)),
        Math.toIntExact(config.get(ModelSettings.WIDTH_PX)),
        config.get(ModelSettings.MARGIN),
        config.get(ModelSettings.TRAIN_FROM),
        config.get(ModelSettings.INTRA_NORM_EPS));
  }

  private static Map<String, Setting<?>> index() {
    Map<String, Setting<?>> map = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      if (map.put(s.key(), s) != null) {
        throw new IllegalStateException("setting declared twice: " + s.key());
      }
    }
    return Collections.unmodifiableMap(map);
  }
}
