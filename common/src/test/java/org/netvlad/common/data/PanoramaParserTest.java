package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;

class PanoramaParserTest {
  private final PanoramaParser parser =
      new PanoramaParser(
          Role.DATABASE, Split.TRAIN, new ImagePaths("/data/images", java.util.List.of()));

  private static RawRow row(String... keyValues) {
    Map<String, String> f = new HashMap<>();
    f.put("image_id", "img");
    f.put("path", "000/000000_pitch2_yaw4.jpg");
    for (int i = 0; i < keyValues.length; i += 2) {
      f.put(keyValues[i], keyValues[i + 1]);
    }
    return RawRow.of("m.csv", 12, f);
  }

  private RejectReason reason(RawRow r) {
    PanoramaParser.Outcome o = parser.parse(r);
    assertNull(o.panorama(), "expected a rejection");
    assertEquals("m.csv", o.rejection().source());
    assertEquals(12, o.rejection().rowNumber());
    return o.rejection().reason();
  }

  @Test
  void acceptsLatLonAndFillsUtmDefaultsAndTheHeadingFromThePittsburghName() {
    Panorama p =
        parser
            .parse(row("lat", "40.4406", "lon", "-79.9959", "captured_at", "2015-07-01"))
            .panorama();
    assertNotNull(p);
    assertEquals("17T", p.utmZone());
    double[] en = new UtmProjection(UtmZone.parse("17T")).toGrid(40.4406, -79.9959);
    assertEquals(en[0], p.utmEastingM(), 1e-9);
    assertEquals(Role.DATABASE, p.role());
    assertEquals(Split.TRAIN, p.split());
    assertEquals(LocalDate.of(2015, 7, 1), p.capturedAt());
    assertEquals(90.0, p.headingDeg()); // yaw4 = 3 steps of 30 degrees
    assertEquals(2, p.pitchIndex());
    assertTrue(Double.isNaN(p.frameEastingM()));
  }

  @Test
  void acceptsUtmAndAgreeingLatLon() {
    Panorama p =
        parser
            .parse(
                row(
                    "utm_easting",
                    "585088.30",
                    "utm_northing",
                    "4477425.18",
                    "utm_zone",
                    "17T",
                    "role",
                    "Query",
                    "split",
                    "val"))
            .panorama();
    assertNotNull(p);
    assertEquals(585088.30, p.utmEastingM());
    assertEquals(Role.QUERY, p.role());
    assertEquals(Split.VAL, p.split());
    assertTrue(p.latDeg() > 40.4 && p.latDeg() < 40.5 && p.lonDeg() < -79.9 && p.lonDeg() > -80.1);
    RawRow both =
        row(
            "utm_easting",
            "585088.30",
            "utm_northing",
            "4477425.18",
            "utm_zone",
            "17T",
            "lat",
            Double.toString(p.latDeg()),
            "lon",
            Double.toString(p.lonDeg()));
    assertNotNull(parser.parse(both).panorama());
  }

  @Test
  void rejectsEachKindOfBadRowWithItsReason() {
    assertEquals(RejectReason.NAN_COORDINATE, reason(row("lat", "NaN", "lon", "1")));
    assertEquals(RejectReason.NAN_COORDINATE, reason(row("lat", "1", "lon", "Infinity")));
    assertEquals(RejectReason.NOT_A_NUMBER, reason(row("lat", "40,5", "lon", "1")));
    assertEquals(RejectReason.MISSING_COORDINATES, reason(row()));
    assertEquals(RejectReason.MISSING_COORDINATES, reason(row("lat", "40")));
    assertEquals(RejectReason.LATITUDE_OUT_OF_RANGE, reason(row("lat", "91", "lon", "1")));
    assertEquals(RejectReason.LATITUDE_OUT_OF_RANGE, reason(row("lat", "-85", "lon", "1")));
    assertEquals(RejectReason.LONGITUDE_OUT_OF_RANGE, reason(row("lat", "1", "lon", "180.5")));
    assertEquals(
        RejectReason.BAD_UTM_ZONE,
        reason(row("utm_easting", "5e5", "utm_northing", "4e6", "utm_zone", "17")));
    assertEquals(
        RejectReason.UTM_OUT_OF_RANGE,
        reason(row("utm_easting", "-5", "utm_northing", "4e6", "utm_zone", "17T")));
    // 6,000 km north in band H (30-40 degrees south) is impossible: a "S for south" mistake.
    assertEquals(
        RejectReason.UTM_BAND_MISMATCH,
        reason(row("utm_easting", "5e5", "utm_northing", "6.2e6", "utm_zone", "56S")));
    assertEquals(
        RejectReason.CONFLICTING_COORDINATES,
        reason(
            row(
                "utm_easting",
                "585088.30",
                "utm_northing",
                "4477425.18",
                "utm_zone",
                "17T",
                "lat",
                "40.5",
                "lon",
                "-79.9")));
    assertEquals(RejectReason.UNKNOWN_ROLE, reason(row("lat", "1", "lon", "1", "role", "db")));
    assertEquals(
        RejectReason.UNKNOWN_SPLIT, reason(row("lat", "1", "lon", "1", "split", "training")));
    assertEquals(
        RejectReason.BAD_CAPTURE_DATE,
        reason(row("lat", "1", "lon", "1", "captured_at", "2015-13-01")));
    assertEquals(
        RejectReason.BAD_HEADING, reason(row("lat", "1", "lon", "1", "heading_deg", "north")));
    assertEquals(
        RejectReason.MISSING_IMAGE_ID, reason(row("lat", "1", "lon", "1", "image_id", " ")));
    assertEquals(RejectReason.MISSING_PATH, reason(row("lat", "1", "lon", "1", "path", "")));
    assertEquals(RejectReason.MALFORMED_ROW, reason(RawRow.malformed("m.csv", 12, "bad quoting")));
    assertEquals(
        RejectReason.PATH_OUTSIDE_IMAGE_ROOT,
        reason(row("lat", "1", "lon", "1", "path", "../../../../etc/passwd")));
    assertEquals(
        RejectReason.PATH_OUTSIDE_IMAGE_ROOT,
        reason(row("lat", "1", "lon", "1", "path", "http://127.0.0.1:8765/secret.png")));
  }

  @Test
  void aConditionIsAShortLabelOrAbsent() {
    assertEquals(
        "night",
        parser.parse(row("lat", "1", "lon", "1", "condition", " night ")).panorama().condition());
    assertEquals(
        "Sonnenuntergang 2",
        parser
            .parse(row("lat", "1", "lon", "1", "condition", "Sonnenuntergang 2"))
            .panorama()
            .condition());
    assertNull(parser.parse(row("lat", "1", "lon", "1", "condition", "")).panorama().condition());
    assertNull(parser.parse(row("lat", "1", "lon", "1")).panorama().condition());
    assertEquals(
        RejectReason.BAD_CONDITION, reason(row("lat", "1", "lon", "1", "condition", "<b>day</b>")));
    assertEquals(
        RejectReason.BAD_CONDITION,
        reason(row("lat", "1", "lon", "1", "condition", "d".repeat(41))));
    assertNotNull(
        parser.parse(row("lat", "1", "lon", "1", "condition", "d".repeat(40))).panorama());
  }

  @Test
  void aPathOutsideTheImageRootIsRejectedNamingThePathAndTheRoot() {
    PanoramaParser.Outcome o =
        parser.parse(row("lat", "1", "lon", "1", "path", "/srv/elsewhere/secret.png"));
    assertEquals(RejectReason.PATH_OUTSIDE_IMAGE_ROOT, o.rejection().reason());
    assertEquals(
        "path '/srv/elsewhere/secret.png' is outside the image root /data/images and"
            + " ingest.allowed-image-roots (empty)",
        o.rejection().detail());
    assertEquals("img", o.rejection().imageId());
  }

  @Test
  void theFrameKeepsSameGridCoordinatesAndReprojectsOthers() {
    Panorama inZone =
        parser
            .parse(row("utm_easting", "585088.30", "utm_northing", "4477425.18", "utm_zone", "17S"))
            .panorama();
    FrameProjector frame = new FrameProjector(UtmZone.parse("17T"), 9);
    Panorama framed = frame.project(inZone).panorama();
    assertEquals(585088.30, framed.frameEastingM()); // bit for bit: same grid, other band
    assertEquals(4477425.18, framed.frameNorthingM());

    Panorama nextZone = parser.parse(row("lat", "40.0", "lon", "-77.9")).panorama();
    assertEquals("18T", nextZone.utmZone());
    Panorama reprojected = frame.project(nextZone).panorama();
    double[] expected = new UtmProjection(UtmZone.parse("17T")).toGrid(40.0, -77.9);
    assertEquals(expected[0], reprojected.frameEastingM(), 1e-6);

    Panorama far = parser.parse(row("lat", "40.0", "lon", "-60")).panorama();
    assertEquals(RejectReason.OUTSIDE_FRAME, frame.project(far).rejection().reason());
  }

  @Test
  void autoFrameZoneIsTheMostCommonOneIndependentOfOrder() {
    assertEquals("18T", FrameProjector.chooseZone("auto", Map.of("17T", 3L, "18T", 5L)).toString());
    assertEquals("17T", FrameProjector.chooseZone("auto", Map.of("18T", 5L, "17T", 5L)).toString());
    assertEquals("54S", FrameProjector.chooseZone("54S", Map.of("17T", 5L)).toString());
  }

  /** A typed file's row (Parquet) parses exactly as the same values written as text do. */
  @Test
  void typedValuesParseAsTheirTextDoes() {
    Object[][] cases = {
      {
        "lat",
        40.4406,
        "lon",
        -79.9959,
        "heading_deg",
        450.5,
        "captured_at",
        java.sql.Date.valueOf("2015-07-01")
      },
      {"lat", 40, "lon", -80L, "heading_deg", -30},
      {"lat", 40.1f, "lon", -79.9f, "heading_deg", 0.1f}, // a float's text is not the float's value
      {"lat", new java.math.BigDecimal("40.4406000000000000001"), "lon", -79.9959},
      {
        "utm_easting",
        585088.30,
        "utm_northing",
        4477425.18,
        "utm_zone",
        "17T",
        "lat",
        40.44,
        "lon",
        -79.99
      },
      {"lat", Double.NaN, "lon", -79.99},
      {"lat", 40.44, "lon", Double.NEGATIVE_INFINITY},
      {"lat", 91.0, "lon", 1},
      {"lat", 40.44, "lon", -79.99, "heading_deg", Double.NaN},
      {"lat", 40.44, "lon", -79.99, "captured_at", java.time.LocalDate.of(2016, 2, 29)},
      {"lat", 40.44, "lon", -79.99, "captured_at", new java.sql.Timestamp(0)},
      {"lat", " ", "lon", -79.99},
    };
    for (Object[] values : cases) {
      HashMap<String, Object> typed =
          new HashMap<>(Map.of("image_id", 7, "path", "000/000000_pitch2_yaw4.jpg"));
      Map<String, String> text =
          new HashMap<>(Map.of("image_id", "7", "path", "000/000000_pitch2_yaw4.jpg"));
      for (int i = 0; i < values.length; i += 2) {
        typed.put((String) values[i], values[i + 1]);
        text.put((String) values[i], values[i + 1].toString());
      }
      PanoramaParser.Outcome fromTyped = parser.parse(typed("m.parquet", 3, typed));
      PanoramaParser.Outcome fromText = parser.parse(RawRow.of("m.parquet", 3, text));
      assertEquals(fromText, fromTyped, java.util.Arrays.toString(values));
    }
    assertEquals(
        450.5 - 360,
        parser
            .parse(
                typed(
                    "m.parquet",
                    3,
                    new HashMap<>(
                        Map.of(
                            "image_id",
                            "a",
                            "path",
                            "a.jpg",
                            "lat",
                            40.0,
                            "lon",
                            -80.0,
                            "heading_deg",
                            450.5))))
            .panorama()
            .headingDeg());
  }

  /**
   * A typed row of these values, positioned as a file's columns would be (an unused column too).
   */
  private static RawRow typed(String source, long rowNumber, Map<String, Object> byName) {
    Map<String, Integer> columns = new HashMap<>(Map.of("unused", 0));
    Object[] values = new Object[byName.size() + 1];
    byName.forEach(
        (name, value) -> {
          columns.put(name, columns.size());
          values[columns.get(name)] = value;
        });
    return RawRow.typed(source, rowNumber, columns, values);
  }

  /** One parser reads many rows: each row's zone is its own, whatever the rows before it named. */
  @Test
  void eachRowGetsItsOwnZoneInAnyOrder() {
    String[] zones = {"17T", "17T", "18T", "17", "17T", " 17t ", "18T", "99T", "18T"};
    for (String zone : zones) {
      PanoramaParser.Outcome o =
          parser.parse(row("utm_easting", "5e5", "utm_northing", "4.4e6", "utm_zone", zone));
      if (zone.equals("17") || zone.equals("99T")) {
        assertEquals(RejectReason.BAD_UTM_ZONE, o.rejection().reason(), zone);
      } else {
        assertEquals(UtmZone.parse(zone).toString(), o.panorama().utmZone(), zone);
      }
    }
  }
}
