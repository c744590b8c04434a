package org.netvlad.common.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CSV manifests: a header line naming the columns, then one image a line. Fields follow RFC 4180
 * (double quotes around fields that hold commas, {@code ""} for a quote); a quoted field may not
 * span lines.
 */
public final class CsvManifest implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> columns;

  private CsvManifest(String source, List<String> columns) {
    this.source = source;
    this.columns = columns;
  }

  /**
   * Reads the header line.
   *
   * @throws ManifestFormatException when the header is unreadable or lacks a required column
   */
  public static CsvManifest fromHeader(String source, String headerLine) {
    List<String> names;
    try {
      names = split(stripBom(headerLine));
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException(source + ": header line is not CSV: " + e.getMessage());
    }
    List<String> columns = new ArrayList<>();
    for (String n : names) {
      columns.add(n.trim().toLowerCase(Locale.ROOT));
    }
    ManifestColumns.requireIdentity(source, columns);
    return new CsvManifest(source, columns);
  }

  public List<String> columns() {
    return columns;
  }

  /** Parses a data line (lineNumber is 1-based, the header being line 1). */
  public RawRow parse(long lineNumber, String line) {
    List<String> values;
    try {
      values = split(line);
    } catch (IllegalArgumentException e) {
      return RawRow.malformed(source, lineNumber, e.getMessage());
    }
    if (values.size() != columns.size()) {
      return RawRow.malformed(
          source,
          lineNumber,
          "line has " + values.size() + " fields, the header has " + columns.size());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      fields.put(columns.get(i), values.get(i));
    }
    return RawRow.of(source, lineNumber, fields);
  }

  /** Splits one CSV line into fields. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException("unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        if (i < n && line.charAt(i) != ',') {
          throw new IllegalArgumentException("text after a closing quote at column " + (i + 1));
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw new IllegalArgumentException("stray quote at column " + i);
          }
          field.append(c);
        }
      }
      out.add(field.toString());
      if (i >= n) {
        return out;
      }
      i++; // the comma
    }
  }

  static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }
}
