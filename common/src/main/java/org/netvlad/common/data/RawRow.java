package org.netvlad.common.data;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One input row before validation: its fields as text (or, from a typed file such as Parquet, as
 * their values), and where it came from.
 *
 * <p>A plain class rather than a record: Spark ships these between JVMs with Kryo, which cannot set
 * the fields of a record.
 */
public final class RawRow implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long rowNumber;
  private final HashMap<String, Object> fields;
  // A typed row's values by column, and where each column is (shared by the rows of a file).
  private final Map<String, Integer> columns;
  private final Object[] values;
  private final String malformed;
  private final RejectReason malformedReason;

  /**
   * @param source the file (URI) the row was read from
   * @param rowNumber 1-based line number for text manifests, 1-based row number otherwise
   * @param fields column name (lower case) to text; a null or absent value means "not given"
   * @param malformed a parse problem of the line itself (bad quoting, wrong field count, not JSON),
   *     or null
   */
  public RawRow(String source, long rowNumber, Map<String, String> fields, String malformed) {
    this(source, rowNumber, fields, malformed, RejectReason.MALFORMED_ROW);
  }

  private RawRow(
      String source,
      long rowNumber,
      Map<String, ?> fields,
      String malformed,
      RejectReason malformedReason) {
    this(source, rowNumber, new HashMap<>(fields), malformed, malformedReason);
  }

  private RawRow(
      String source,
      long rowNumber,
      HashMap<String, Object> fields,
      String malformed,
      RejectReason malformedReason) {
    this.source = source;
    this.rowNumber = rowNumber;
    this.fields = fields;
    this.columns = null;
    this.values = null;
    this.malformed = malformed;
    this.malformedReason = malformedReason;
  }

  private RawRow(String source, long rowNumber, Map<String, Integer> columns, Object[] values) {
    this.source = source;
    this.rowNumber = rowNumber;
    this.fields = null;
    this.columns = columns;
    this.values = values;
    this.malformed = null;
    this.malformedReason = RejectReason.MALFORMED_ROW;
  }

  public static RawRow of(String source, long rowNumber, Map<String, String> fields) {
    return new RawRow(source, rowNumber, fields, null);
  }

  /**
   * A row of a typed file: its values as read (a {@link Double}, {@link java.sql.Date}, ...), which
   * the parser takes without a round trip through text. {@code columns} maps each lower-case column
   * name to its index in {@code values} (null: not given) and is shared by a file's rows, so that a
   * row holds no map of its own.
   */
  public static RawRow typed(
      String source, long rowNumber, Map<String, Integer> columns, Object[] values) {
    return new RawRow(source, rowNumber, columns, values);
  }

  public static RawRow malformed(String source, long rowNumber, String problem) {
    return new RawRow(source, rowNumber, Map.of(), problem);
  }

  /** A line whose bytes are not UTF-8 ({@link Utf8Line#problem()} says where). */
  public static RawRow notUtf8(String source, long rowNumber, String problem) {
    return new RawRow(source, rowNumber, Map.of(), problem, RejectReason.NOT_UTF8);
  }

  public String source() {
    return source;
  }

  public long rowNumber() {
    return rowNumber;
  }

  public String malformed() {
    return malformed;
  }

  /**
   * Why a malformed row is rejected: {@link RejectReason#MALFORMED_ROW} or {@link
   * RejectReason#NOT_UTF8}.
   */
  public RejectReason malformedReason() {
    return malformedReason;
  }

  private Object get(String name) {
    if (fields != null) {
      return fields.get(name);
    }
    Integer column = columns.get(name);
    return column == null ? null : values[column];
  }

  /** The trimmed value of a field, or null when absent or blank. */
  public String field(String name) {
    Object value = get(name);
    if (value == null) {
      return null;
    }
    String v = value.toString().trim();
    return v.isEmpty() ? null : v;
  }

  /** Whether a field is given: present and, as text, not blank. */
  public boolean has(String name) {
    Object value = get(name);
    return value instanceof String ? field(name) != null : value != null;
  }

  /**
   * A field's value as read: text as {@link #field}, or a typed file's value; null when absent or
   * blank.
   */
  public Object value(String name) {
    Object value = get(name);
    return value instanceof String ? field(name) : value;
  }

  /** This row with one field set (a copy: rows are shared between Spark stages). */
  public RawRow with(String name, String value) {
    HashMap<String, Object> copied = new HashMap<>();
    if (fields != null) {
      copied.putAll(fields);
    } else {
      columns.forEach(
          (column, i) -> {
            if (values[i] != null) {
              copied.put(column, values[i]);
            }
          });
    }
    RawRow copy = new RawRow(source, rowNumber, copied, malformed, malformedReason);
    copy.fields.put(name, value);
    return copy;
  }

  /** "file:row" for error messages. */
  public String where() {
    return source + ":" + rowNumber;
  }
}
