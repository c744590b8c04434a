package org.netvlad.common.data;

import java.util.Locale;

/** The data split an image belongs to. */
public enum Split {
  TRAIN,
  VAL,
  TEST;

  private final String text = name().toLowerCase(Locale.ROOT); // asked for every row

  /** The lower-case name used in manifests, tables and folder names. */
  public String text() {
    return text;
  }

  /** Parses {@code train}, {@code val} or {@code test} (any case); null when the text is none. */
  public static Split parseOrNull(String text) {
    for (Split s : values()) {
      if (s.text().equalsIgnoreCase(text.trim())) {
        return s;
      }
    }
    return null;
  }
}
