package org.netvlad.jobs.evaluation;

import java.util.Base64;

/** What the report needs to put text and pictures into a page safely. */
final class Html {
  private Html() {}

  /**
   * Text safe in element content and in quoted attributes: labels, ids and paths may hold markup.
   */
  static String escape(Object value) {
    String s = String.valueOf(value);
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** A data: URI, so that the page is one self-contained file. */
  static String dataUri(String mediaType, byte[] bytes) {
    return "data:" + mediaType + ";base64," + Base64.getEncoder().encodeToString(bytes);
  }
}
