package org.netvlad.common.config;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One pipeline setting: its key, type, default, unit, meaning and the values it accepts.
 *
 * <p>Every setting of the pipeline is declared once in a topic's class and listed in {@link
 * Settings}; {@code conf/pipeline.conf} documents each of them and a test keeps the two in step.
 *
 * @param <T> the Java type of the value
 */
public final class Setting<T> {
  private final String key;
  private final String defaultText;
  private final String unit;
  private final String meaning;
  private final Function<String, T> parser;
  private final String allowed;

  private Setting(
      String key,
      String defaultText,
      String unit,
      String meaning,
      Function<String, T> parser,
      String allowed) {
    this.key = key;
    this.defaultText = defaultText;
    this.unit = unit;
    this.meaning = meaning;
    this.parser = parser;
    this.allowed = allowed;
  }

  /** A decimal number in the closed range [min, max]. */
  public static Setting<Double> decimal(
      String key, double defaultValue, double min, double max, String unit, String meaning) {
    String allowed = "a number in [" + fmt(min) + ", " + fmt(max) + "]";
    return new Setting<>(
        key,
        fmt(defaultValue),
        unit,
        meaning,
        text -> {
          double value;
          try {
            value = Double.parseDouble(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
          }
          if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException("out of range");
          }
          return value;
        },
        allowed);
  }

  /** A whole number in the closed range [min, max]. */
  public static Setting<Long> whole(
      String key, long defaultValue, long min, long max, String unit, String meaning) {
    String allowed = "a whole number in [" + min + ", " + max + "]";
    return new Setting<>(
        key,
        Long.toString(defaultValue),
        unit,
        meaning,
        text -> {
          long value;
          try {
            value = Long.parseLong(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
          }
          if (value < min || value > max) {
            throw new IllegalArgumentException("out of range");
          }
          return value;
        },
        allowed);
  }

  /** true or false. */
  public static Setting<Boolean> flag(String key, boolean defaultValue, String meaning) {
    return new Setting<>(
        key,
        Boolean.toString(defaultValue),
        "",
        meaning,
        text -> {
          String t = text.trim().toLowerCase(java.util.Locale.ROOT);
          if (t.equals("true")) {
            return true;
          }
          if (t.equals("false")) {
            return false;
          }
          throw new IllegalArgumentException("not true or false");
        },
        "true or false");
  }

  /** One of a fixed list of words. */
  public static Setting<String> choice(
      String key, String defaultValue, List<String> choices, String meaning) {
    return new Setting<>(
        key,
        defaultValue,
        "",
        meaning,
        text -> {
          String t = text.trim();
          if (!choices.contains(t)) {
            throw new IllegalArgumentException("not one of the allowed values");
          }
          return t;
        },
        "one of " + String.join(", ", choices));
  }

  /** Free text checked by a rule. */
  public static Setting<String> text(
      String key,
      String defaultValue,
      String allowed,
      Function<String, String> check,
      String meaning) {
    return new Setting<>(key, defaultValue, "", meaning, check, allowed);
  }

  /**
   * Parses a value of this setting.
   *
   * @throws ConfigException naming the setting, the value, where it came from and what is allowed
   */
  public T parse(String text, String origin) {
    Objects.requireNonNull(text, "text");
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "setting "
              + key
              + " = '"
              + text
              + "' ("
              + origin
              + ") is "
              + e.getMessage()
              + "; allowed: "
              + allowed);
    }
  }

  public String key() {
    return key;
  }

  public String defaultText() {
    return defaultText;
  }

  public String unit() {
    return unit;
  }

  public String meaning() {
    return meaning;
  }

  public String allowed() {
    return allowed;
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
