package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvManifestTest {
  private final CsvManifest csv = CsvManifest.fromHeader("m.csv", "\uFEFFImage_ID, path ,lat,lon");

  @Test
  void readsQuotedFieldsWithCommasAndQuotes() {
    assertEquals(
        List.of("a", "b,c", "say \"hi\"", ""), CsvManifest.split("a,\"b,c\",\"say \"\"hi\"\"\","));
    RawRow row = csv.parse(7, "img-1,\"dir, with comma/x.jpg\",40.1,-79.9");
    assertNull(row.malformed());
    assertEquals("img-1", row.field("image_id"));
    assertEquals("dir, with comma/x.jpg", row.field("path"));
    assertEquals(7, row.rowNumber());
    assertEquals("m.csv:7", row.where());
  }

  @Test
  void malformedLinesAreRowsWithTheirProblem() {
    assertTrue(csv.parse(3, "a,b,c").malformed().contains("3 fields, the header has 4"));
    assertTrue(csv.parse(4, "a,\"unterminated,1,2").malformed().contains("unterminated"));
    assertTrue(csv.parse(5, "a,b\"c,1,2").malformed().contains("stray quote"));
    assertTrue(csv.parse(6, "a,\"b\"x,1,2").malformed().contains("after a closing quote"));
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
