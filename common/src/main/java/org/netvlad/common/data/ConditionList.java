package org.netvlad.common.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A list of capture conditions kept apart from the images' rows (ingest.conditions): a CSV file
 * with a header naming {@code path} or {@code image_id}, and {@code condition}. Datasets whose spec
 * has no condition column, such as Tokyo 24/7's dbStruct (day, sunset and night queries), get
 * theirs this way; a listed condition wins over a row's own.
 *
 * <p>A plain class rather than a record: Spark broadcasts it with Kryo, which cannot set the fields
 * of a record.
 */
public final class ConditionList implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private static final List<String> KEYS = List.of("path", "image_id");

  private final String key;
  private final LinkedHashMap<String, String> conditions;

  private ConditionList(String key, LinkedHashMap<String, String> conditions) {
    this.key = key;
    this.conditions = conditions;
  }

  /** The column images are named by: path or image_id. */
  public String key() {
    return key;
  }

  /** Listed image to its condition, in file order. */
  public Map<String, String> conditions() {
    return java.util.Collections.unmodifiableMap(conditions);
  }

  /**
   * Reads the file's bytes (UTF-8).
   *
   * @throws ManifestFormatException naming the file and line of anything wrong: a missing column, a
   *     malformed line, a bad label, an image listed twice
   */
  public static ConditionList parse(String source, byte[] bytes) {
    List<String> lines = lines(source, bytes);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new ManifestFormatException(
          source + ": empty file, expected a header such as path,condition");
    }
    List<String> header = fields(source, 1, CsvManifest.stripBom(lines.get(0)));
    header.replaceAll(h -> h.trim().toLowerCase(Locale.ROOT));
    String key = KEYS.stream().filter(header::contains).findFirst().orElse(null);
    if (key == null || !header.contains("condition")) {
      throw new ManifestFormatException(
          source
              + ": the header "
              + header
              + " needs a path (or image_id) column and a condition column");
    }
    int keyAt = header.indexOf(key);
    int conditionAt = header.indexOf("condition");
    LinkedHashMap<String, String> conditions = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      List<String> values = fields(source, i + 1, lines.get(i));
      if (values.size() != header.size()) {
        throw new ManifestFormatException(
            source
                + ":"
                + (i + 1)
                + ": line has "
                + values.size()
                + " fields, the header has "
                + header.size());
      }
      String image = values.get(keyAt).trim();
      String condition = label(source, i + 1, values.get(conditionAt).trim());
      if (image.isEmpty()) {
        throw new ManifestFormatException(source + ":" + (i + 1) + ": empty " + key);
      }
      String before = conditions.putIfAbsent(image, condition);
      if (before != null) {
        throw new ManifestFormatException(
            source
                + ":"
                + (i + 1)
                + ": "
                + key
                + " "
                + image
                + " is listed twice ("
                + before
                + ", "
                + condition
                + ")");
      }
    }
    return new ConditionList(key, conditions);
  }

  /** The listed image a row is, by its path or image id as this list is keyed, or null. */
  public String listedImage(RawRow row) {
    String image = row.field(key);
    return image != null && conditions.containsKey(image) ? image : null;
  }

  /** The row with its listed condition, or the row itself when this list does not name it. */
  public RawRow labelled(RawRow row) {
    String image = listedImage(row);
    return image == null ? row : row.with("condition", conditions.get(image));
  }

  private static String label(String source, int line, String text) {
    if (text.isEmpty()) {
      throw new ManifestFormatException(source + ":" + line + ": empty condition");
    }
    String problem = PanoramaParser.conditionProblem(text);
    if (problem != null) {
      throw new ManifestFormatException(source + ":" + line + ": " + problem);
    }
    return text;
  }

  private static List<String> fields(String source, int line, String text) {
    try {
      return new ArrayList<>(
          CsvManifest.split(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException(source + ":" + line + ": not CSV: " + e.getMessage());
    }
  }

  /**
   * The file's lines, each decoded strictly as UTF-8 ({@link Utf8Line}); a line that is not fails
   * naming it.
   */
  private static List<String> lines(String source, byte[] bytes) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int end = 0; end <= bytes.length; end++) {
      if (end == bytes.length || bytes[end] == '\n') {
        Utf8Line line =
            Utf8Line.decode(java.util.Arrays.copyOfRange(bytes, start, end), end - start);
        if (line.problem() != null) {
          throw new ManifestFormatException(
              source + ":" + (out.size() + 1) + ": " + line.problem());
        }
        out.add(line.text());
        start = end + 1;
      }
    }
    return out;
  }
}
