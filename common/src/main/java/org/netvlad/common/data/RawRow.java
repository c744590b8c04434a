package org.netvlad.common.data;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * One input row before validation: its fields as text, and where it came from.
 *
 * <p>A plain class rather than a record: Spark ships these between JVMs with Kryo, which cannot
 * set the fields of a record.
 */
public final class RawRow implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long rowNumber;
  private final HashMap<String, String> fields;
  private final String malformed;

  /**
   * @param source the file (URI) the row was read from
   * @param rowNumber 1-based line number for text manifests, 1-based row number otherwise
   * @param fields column name (lower case) to text; a null or absent value means "not given"
   * @param malformed a parse problem of the line itself (bad quoting, wrong field count, not
   *     JSON), or null
   */
  public RawRow(String source, long rowNumber, Map<String, String> fields, String malformed) {
    this.source = source;
    this.rowNumber = rowNumber;
    this.fields = new HashMap<>(fields);
    this.malformed = malformed;
  }

  public static RawRow of(String source, long rowNumber, Map<String, String> fields) {
    return new RawRow(source, rowNumber, fields, null);
  }

  public static RawRow malformed(String source, long rowNumber, String problem) {
    return new RawRow(source, rowNumber, Map.of(), problem);
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

  /** The trimmed value of a field, or null when absent or blank. */
  public String field(String name) {
    String v = fields.get(name);
    if (v == null) {
      return null;
    }
    v = v.trim();
    return v.isEmpty() ? null : v;
  }

  /** "file:row" for error messages. */
  public String where() {
    return source + ":" + rowNumber;
  }
}
