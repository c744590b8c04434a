package org.netvlad.common.data;

import java.util.Locale;

/** Whether an image belongs to the searchable database or is a query localised against it. */
public enum Role {
  DATABASE,
  QUERY;

  private final String text = name().toLowerCase(Locale.ROOT); // asked for every row

  /** The lower-case name used in manifests and tables. */
  public String text() {
    return text;
  }

  /** Parses {@code database} or {@code query} (any case); null when the text is neither. */
  public static Role parseOrNull(String text) {
    for (Role r : values()) {
      if (r.text().equalsIgnoreCase(text.trim())) {
        return r;
      }
    }
    return null;
  }
}
