package org.netvlad.common.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * CSV manifests: a header line naming the columns, then one image a line. Fields follow RFC 4180
 * (double quotes around fields that hold commas or line breaks, {@code ""} for a quote).
 */
public final class CsvManifest implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The most lines one row may span: a quote that does not close within them is a malformed line,
   * and reading goes on at the line after it, so one stray quote cannot swallow a whole file.
   */
  public static final int MAX_ROW_LINES = 100;

  private final String source;
  private final List<String> columns;
  // Where each column is in a row's values, shared by the file's rows.
  private final HashMap<String, Integer> columnIndex = new HashMap<>();

  private CsvManifest(String source, List<String> columns) {
    this.source = source;
    this.columns = columns;
    for (int i = 0; i < columns.size(); i++) {
      columnIndex.put(columns.get(i), i);
    }
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
      String column = n.trim().toLowerCase(Locale.ROOT);
      int before = columns.indexOf(column);
      if (before >= 0) {
        throw new ManifestFormatException(
            source
                + ": columns '"
                + names.get(before)
                + "' and '"
                + n
                + "' name the same field (names are read without case)");
      }
      columns.add(column);
    }
    ManifestColumns.requireIdentity(source, columns);
    return new CsvManifest(source, columns);
  }

  public List<String> columns() {
    return columns;
  }

  /**
   * Parses consecutive data lines, the first numbered {@code firstLineNumber}, into rows: a quoted
   * field that holds line breaks goes on over the lines after it (RFC 4180), and its row takes the
   * number of its first line. Blank lines between rows are skipped; a line that is not UTF-8 is a
   * row of its own.
   */
  public Iterator<RawRow> rows(Iterator<Utf8Line> lines, long firstLineNumber) {
    return new Rows(lines, firstLineNumber);
  }

  /**
   * True when a line's double quotes are odd in number: a quoted field opens on it and does not
   * close (or the line is malformed). Counted on UTF-8 bytes, where 0x22 is never part of another
   * character.
   */
  public static boolean opensField(byte[] utf8, int length) {
    int quotes = 0;
    for (int i = 0; i < length; i++) {
      if (utf8[i] == '"') {
        quotes++;
      }
    }
    return (quotes & 1) == 1;
  }

  private RawRow row(long lineNumber, List<String> values) {
    if (values.size() != columns.size()) {
      return RawRow.malformed(
          source,
          lineNumber,
          "line has " + values.size() + " fields, the header has " + columns.size());
    }
    return RawRow.typed(source, lineNumber, columnIndex, values.toArray());
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
            throw new UnterminatedField();
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

  /** A line ends inside a quoted field. */
  private static final class UnterminatedField extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnterminatedField() {
      super("unterminated quoted field");
    }
  }

  /** The rows of consecutive lines; lines looked at for a row that did not close are read again. */
  private final class Rows implements Iterator<RawRow> {
    private final Iterator<Utf8Line> lines;
    private final Deque<Utf8Line> again = new ArrayDeque<>();
    private long nextLineNumber;
    private RawRow next;

    Rows(Iterator<Utf8Line> lines, long firstLineNumber) {
      this.lines = lines;
      this.nextLineNumber = firstLineNumber;
    }

    @Override
    public boolean hasNext() {
      while (next == null && (!again.isEmpty() || lines.hasNext())) {
        long number = nextLineNumber;
        Utf8Line line = take();
        if (line.problem() != null) {
          next = RawRow.notUtf8(source, number, line.problem());
        } else if (!line.isBlank()) {
          next = row(number, line.text());
        }
      }
      return next != null;
    }

    @Override
    public RawRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      RawRow row = next;
      next = null;
      return row;
    }

    private Utf8Line take() {
      nextLineNumber++;
      return again.isEmpty() ? lines.next() : again.poll();
    }

    /** The row starting with this line, joined with the lines after it while a quote is open. */
    private RawRow row(long number, String first) {
      List<Utf8Line> more = new ArrayList<>();
      StringBuilder text = new StringBuilder(first);
      while (true) {
        try {
          return CsvManifest.this.row(number, split(text.toString()));
        } catch (UnterminatedField e) {
          boolean ends = again.isEmpty() && !lines.hasNext();
          if (ends || more.size() + 1 >= MAX_ROW_LINES) {
            return openLine(
                number,
                more,
                ends ? "before the end of the file" : "within " + MAX_ROW_LINES + " lines");
          }
          Utf8Line line = take();
          more.add(line);
          if (line.problem() != null) {
            return openLine(number, more, "before a line that is not UTF-8");
          }
          text.append('\n').append(line.text());
        } catch (IllegalArgumentException e) {
          return more.isEmpty()
              ? RawRow.malformed(source, number, e.getMessage())
              : openLine(number, more, "that makes a well-formed row");
        }
      }
    }

    /** The first line alone is malformed; the lines read after it are read again as rows. */
    private RawRow openLine(long number, List<Utf8Line> more, String where) {
      for (int i = more.size() - 1; i >= 0; i--) {
        again.addFirst(more.get(i));
      }
      nextLineNumber = number + 1;
      return RawRow.malformed(
          source, number, "unterminated quoted field: no closing quote " + where);
    }
  }

  static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }
}
