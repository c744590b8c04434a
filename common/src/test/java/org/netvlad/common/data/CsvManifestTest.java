package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CsvManifestTest {
  private final CsvManifest csv = CsvManifest.fromHeader("m.csv", "\uFEFFImage_ID, path ,lat,lon");

  @Test
  void readsQuotedFieldsWithCommasAndQuotes() {
    assertEquals(
        List.of("a", "b,c", "say \"hi\"", ""), CsvManifest.split("a,\"b,c\",\"say \"\"hi\"\"\","));
    RawRow row = row(7, "img-1,\"dir, with comma/x.jpg\",40.1,-79.9");
    assertNull(row.malformed());
    assertEquals("img-1", row.field("image_id"));
    assertEquals("dir, with comma/x.jpg", row.field("path"));
    assertEquals(7, row.rowNumber());
    assertEquals("m.csv:7", row.where());
  }

  @Test
  void malformedLinesAreRowsWithTheirProblem() {
    assertTrue(row(3, "a,b,c").malformed().contains("3 fields, the header has 4"));
    assertTrue(row(4, "a,\"unterminated,1,2").malformed().contains("unterminated"));
    assertTrue(row(5, "a,b\"c,1,2").malformed().contains("stray quote"));
    assertTrue(row(6, "a,\"b\"x,1,2").malformed().contains("after a closing quote"));
  }

  @Test
  void quotedFieldsHoldLineBreaksAndRowsTakeTheirFirstLinesNumber() {
    List<RawRow> rows =
        rows("a,\"first\n\nthird, \"\"quoted\"\"\",1,2", "", "b,b.jpg,3,4", "c,\"x", "y\",5,6");
    assertEquals(3, rows.size());
    assertEquals("first\n\nthird, \"quoted\"", rows.get(0).field("path"));
    assertEquals(List.of(2L, 6L, 7L), rows.stream().map(RawRow::rowNumber).toList());
    assertEquals("x\ny", rows.get(2).field("path"));
    assertEquals("6", rows.get(2).field("lon"));
  }

  @Test
  void aQuoteThatNeverClosesIsOneMalformedLineAndTheLinesAfterItAreRows() {
    List<RawRow> rows = rows("a,\"open,1,2", "b,b.jpg,3,4", "c,c.jpg,5,6");
    assertEquals(List.of(2L, 3L, 4L), rows.stream().map(RawRow::rowNumber).toList());
    assertTrue(rows.get(0).malformed().contains("before the end of the file"));
    assertEquals("b", rows.get(1).field("image_id"));
    assertNull(rows.get(2).malformed());
    // closed only by a line that makes no well-formed row: the opening line alone is malformed
    rows = rows("a,\"open,1,2", "b,\"b\"x,3,4");
    assertTrue(rows.get(0).malformed().contains("well-formed"));
    assertEquals(3L, rows.get(1).rowNumber());
    assertTrue(rows.get(1).malformed().contains("after a closing quote"));
  }

  @Test
  void aQuoteOpenForMoreThanTheLimitIsAMalformedLine() {
    List<String> lines = new ArrayList<>();
    lines.add("a,\"open,1,2");
    for (int i = 0; i < CsvManifest.MAX_ROW_LINES; i++) {
      lines.add("r" + i + ",p.jpg,3,4");
    }
    lines.add("z\",5,6"); // would close the field, one line too far
    List<RawRow> rows = rows(lines.toArray(new String[0]));
    assertTrue(rows.get(0).malformed().contains("within " + CsvManifest.MAX_ROW_LINES + " lines"));
    for (int i = 1; i <= CsvManifest.MAX_ROW_LINES; i++) {
      assertEquals("r" + (i - 1), rows.get(i).field("image_id"));
      assertEquals(i + 2L, rows.get(i).rowNumber());
    }
    assertEquals(1 + CsvManifest.MAX_ROW_LINES + 1, rows.size());
    // two lines fewer and the field closes on the last line a row may span: one row
    lines.subList(lines.size() - 3, lines.size() - 1).clear();
    assertEquals(CsvManifest.MAX_ROW_LINES, lines.size());
    rows = rows(lines.toArray(new String[0]));
    assertEquals(1, rows.size());
    assertNull(rows.get(0).malformed());
    assertEquals("5", rows.get(0).field("lat"));
  }

  @Test
  void aLineThatIsNotUtf8InsideAQuotedFieldEndsIt() {
    byte[] bad = {'x', (byte) 0xC3, '"', ',', '1', ',', '2'};
    List<Utf8Line> lines =
        List.of(line("a,\"open"), Utf8Line.decode(bad, bad.length), line("b,b.jpg,3,4"));
    List<RawRow> rows = new ArrayList<>();
    csv.rows(lines.iterator(), 2).forEachRemaining(rows::add);
    assertTrue(rows.get(0).malformed().contains("not UTF-8"));
    assertEquals(3L, rows.get(1).rowNumber());
    assertEquals(RejectReason.NOT_UTF8, rows.get(1).malformedReason());
    assertEquals("b", rows.get(2).field("image_id"));
  }

  /**
   * Random rows written by an RFC 4180 writer (fields with commas, quotes and line breaks quoted),
   * with blank lines and stray quotes between them, read back line by line: the same fields, each
   * row numbered by its first line, every stray-quote line malformed alone.
   */
  @Test
  void readsBackWhatAnRfc4180WriterWrites() {
    Random random = new Random(7);
    String alphabet = "ab,\"\n x";
    for (int trial = 0; trial < 200; trial++) {
      StringBuilder text = new StringBuilder();
      List<List<String>> written = new ArrayList<>();
      List<Long> firstLines = new ArrayList<>();
      List<Long> strayLines = new ArrayList<>();
      long line = 2;
      for (int r = random.nextInt(30); r > 0; r--) {
        if (random.nextInt(5) == 0) {
          boolean stray = random.nextBoolean();
          text.append(stray ? "s,t\"u,1,2\n" : "\n");
          if (stray) {
            strayLines.add(line);
          }
          line++;
          continue;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder record = new StringBuilder();
        for (int f = 0; f < 4; f++) {
          StringBuilder field = new StringBuilder(f == 0 ? "id" : "");
          for (int c = random.nextInt(6); c > 0; c--) {
            field.append(alphabet.charAt(random.nextInt(alphabet.length())));
          }
          String v = field.toString();
          fields.add(v.trim().isEmpty() ? null : v.trim()); // as RawRow.field gives it
          boolean quote =
              v.contains(",") || v.contains("\"") || v.contains("\n") || random.nextInt(4) == 0;
          record.append(f > 0 ? "," : "").append(quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
        }
        written.add(fields);
        firstLines.add(line);
        line += record.chars().filter(ch -> ch == '\n').count() + 1;
        text.append(record).append('\n');
      }
      String body = text.length() > 0 ? text.substring(0, text.length() - 1) : "";
      List<RawRow> rows = text.length() > 0 ? rows(body.split("\n", -1)) : List.of();
      List<List<String>> read = new ArrayList<>(); // lists that hold nulls
      List<Long> readLines = new ArrayList<>();
      List<Long> malformedLines = new ArrayList<>();
      for (RawRow row : rows) {
        if (row.malformed() != null) {
          malformedLines.add(row.rowNumber());
        } else {
          read.add(
              java.util.Arrays.asList(
                  row.field("image_id"), row.field("path"), row.field("lat"), row.field("lon")));
          readLines.add(row.rowNumber());
        }
      }
      assertEquals(written, read, body);
      assertEquals(firstLines, readLines, body);
      assertEquals(strayLines, malformedLines, body);
    }
  }

  @Test
  void aLineOpensAFieldWhenItsQuotesAreOdd() {
    for (String line : List.of("a,\"b", "\"é\"\"ü,", "x\"")) {
      byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
      assertTrue(CsvManifest.opensField(utf8, utf8.length), line);
    }
    for (String line : List.of("", "a,b", "\"é\",\"\"", "a,\"b\"\"c\"")) {
      byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
      assertFalse(CsvManifest.opensField(utf8, utf8.length), line);
    }
  }

  /** The one row of a line numbered {@code number}. */
  private RawRow row(long number, String line) {
    Iterator<RawRow> rows = csv.rows(List.of(line(line)).iterator(), number);
    RawRow row = rows.next();
    assertFalse(rows.hasNext());
    return row;
  }

  /** The rows of these lines, each split at its line breaks. */
  private List<RawRow> rows(String... lines) {
    List<Utf8Line> decoded = new ArrayList<>();
    for (String l : lines) {
      for (String physical : l.split("\n", -1)) {
        decoded.add(line(physical));
      }
    }
    List<RawRow> out = new ArrayList<>();
    Iterator<RawRow> it = csv.rows(decoded.iterator(), 2);
    it.forEachRemaining(out::add);
    return out;
  }

  private static Utf8Line line(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return Utf8Line.decode(utf8, utf8.length);
  }

  @Test
  void headerWithoutIdentityOrCoordinatesIsAFileError() {
    ManifestFormatException e =
        assertThrows(
            ManifestFormatException.class, () -> CsvManifest.fromHeader("x.csv", "path,lat,lon"));
    assertTrue(e.getMessage().contains("x.csv") && e.getMessage().contains("image_id"));
    e =
        assertThrows(
            ManifestFormatException.class,
            () -> CsvManifest.fromHeader("y.csv", "image_id,path,lat"));
    assertTrue(e.getMessage().contains("coordinate"));
    e =
        assertThrows(
            ManifestFormatException.class,
            () -> CsvManifest.fromHeader("z.csv", "image_id,path,lat,lon,LAT"));
    assertTrue(e.getMessage().contains("z.csv: columns 'lat' and 'LAT'"), e.getMessage());
  }

  @Test
  void jsonLinesRowsAndMalformedOnes() {
    RawRow ok =
        JsonLinesManifest.parse(
            "m.jsonl", 2, "{\"image_id\":\"a\",\"LAT\":40.5,\"lon\":-80,\"path\":null}");
    assertEquals("40.5", ok.field("lat"));
    assertNull(ok.field("path"));
    assertTrue(
        JsonLinesManifest.parse("m.jsonl", 3, "{\"image_id\":").malformed().startsWith("not JSON"));
    assertTrue(
        JsonLinesManifest.parse("m.jsonl", 4, "[1,2]").malformed().contains("not a JSON object"));
    assertTrue(
        JsonLinesManifest.parse("m.jsonl", 5, "{\"lat\":[1]}")
            .malformed()
            .contains("not a scalar"));
  }
}
