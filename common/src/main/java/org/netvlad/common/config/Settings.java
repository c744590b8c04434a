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
 * <p>Cross-setting rules live in {@link SettingChecks}.
 */
public final class Settings {
  private static final List<Setting<?>> ALL =
      concat(
          RunSettings.ALL,
          IngestSettings.ALL,
          GeoSettings.ALL,
          MiningSettings.ALL,
          RenderSettings.ALL,
          ModelSettings.ALL,
          TrainSettings.ALL,
          EvalSettings.ALL,
          NightlySettings.ALL);

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
