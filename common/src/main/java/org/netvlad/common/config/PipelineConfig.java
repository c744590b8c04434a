package org.netvlad.common.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated, immutable settings of one job: defaults, then the configuration file, then {@code
 * --set key=value} overrides, each value parsed and checked, then the cross-setting rules.
 */
public final class PipelineConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Map<String, String> textByKey;
  private final Map<String, String> originByKey;

  private PipelineConfig(Map<String, String> textByKey, Map<String, String> originByKey) {
    this.textByKey = Collections.unmodifiableMap(new LinkedHashMap<>(textByKey));
    this.originByKey = Collections.unmodifiableMap(new LinkedHashMap<>(originByKey));
  }

  /** Every setting at its default. */
  public static PipelineConfig defaults() {
    return load("", "defaults", List.of());
  }

  /**
   * Builds a configuration.
   *
   * @param fileText the text of a configuration file ({@code key = value} lines, {@code #}
   *     comments)
   * @param fileName the file's name, used in error messages
   * @param overrides {@code key=value} strings, applied in order after the file
   * @throws ConfigException naming the setting, file line or override that is wrong
   */
  public static PipelineConfig load(String fileText, String fileName, List<String> overrides) {
    Map<String, String> text = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (Setting<?> s : Settings.all()) {
      text.put(s.key(), s.defaultText());
      origin.put(s.key(), "default");
    }
    String[] lines = fileText.split("\r?\n", -1);
    Map<String, String> lineOfKey = new LinkedHashMap<>();
    for (int i = 0; i < lines.length; i++) {
      String line = stripComment(lines[i]).trim();
      if (line.isEmpty()) {
        continue;
      }
      String where = fileName + ":" + (i + 1);
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("expected 'key = value' at " + where + ", found '" + line + "'");
      }
      String key = line.substring(0, eq).trim();
      String first = lineOfKey.putIfAbsent(key, where);
      if (first != null) {
        // the last value would win unseen: the reader of the file may well believe the first
        throw new ConfigException(
            "setting '"
                + key
                + "' is given twice, at "
                + first
                + " and at "
                + where
                + "; keep one");
      }
      put(text, origin, key, line.substring(eq + 1).trim(), where);
    }
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set expects key=value, found '" + override + "'");
      }
      put(
          text,
          origin,
          override.substring(0, eq).trim(),
          override.substring(eq + 1).trim(),
          "--set " + override);
    }
    PipelineConfig config = new PipelineConfig(text, origin);
    for (Setting<?> s : Settings.all()) {
      config.get(s); // parses and range-checks every value once, up front
    }
    SettingChecks.checkConsistency(config);
    return config;
  }

  /**
   * These settings with some replaced, e.g. by a job that runs others with settings of its own.
   *
   * @param overrides {@code key=value} strings
   * @param origin where the overrides come from, for error messages
   * @throws ConfigException when a value is not allowed or the result is inconsistent
   */
  public PipelineConfig with(List<String> overrides, String origin) {
    Map<String, String> text = new LinkedHashMap<>(textByKey);
    Map<String, String> origins = new LinkedHashMap<>(originByKey);
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("expected key=value, found '" + override + "' (" + origin + ")");
      }
      put(
          text,
          origins,
          override.substring(0, eq).trim(),
          override.substring(eq + 1).trim(),
          origin);
    }
    PipelineConfig config = new PipelineConfig(text, origins);
    SettingChecks.checkConsistency(config);
    return config;
  }

  /** The value of a setting. */
  public <T> T get(Setting<T> setting) {
    return setting.parse(textByKey.get(setting.key()), originByKey.get(setting.key()));
  }

  /** Every setting's value as text, in documentation order (for summaries and logs). */
  public Map<String, String> asText() {
    return textByKey;
  }

  private static void put(
      Map<String, String> text,
      Map<String, String> origin,
      String key,
      String value,
      String where) {
    Setting<?> setting = Settings.byKey(key, where);
    setting.parse(value, where);
    text.put(key, value);
    origin.put(key, where);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return hash < 0 ? line : line.substring(0, hash);
  }
}
