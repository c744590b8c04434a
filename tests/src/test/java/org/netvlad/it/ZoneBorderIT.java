package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.sf.geographiclib.Geodesic;
import net.sf.geographiclib.GeodesicData;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;

/**
 * A city that straddles the border of UTM zones 17 and 18 (78 degrees west), in a manifest that
 * mixes lat/lon rows with UTM rows of both zones, loses no pair: checked against true geodesic
 * distances (Karney's algorithm, GeographicLib), independent of the projection the job uses.
 */
class ZoneBorderIT extends SparkTestBase {
  /** UTM distances stretch by at most 0.1% near a zone's edge: 25 m by 2.5 cm. */
  private static final double TOLERANCE_M = 0.05;

  @TempDir Path dir;

  record Point(String id, double lat, double lon, String role) {}

  @Test
  void pairsAcrossTheZoneBorderAreAllFound() {
    SplittableRandom r = new SplittableRandom(17);
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      // Anchors within about 150 m of the border; neighbours at 3-30 m in any direction.
      GeodesicData anchor =
          Geodesic.WGS84.Direct(40.44, -78.0, r.nextDouble(360), r.nextDouble(150));
      points.add(
          new Point("a" + i, anchor.lat2, anchor.lon2, r.nextBoolean() ? "query" : "database"));
      for (int k = 0; k < 3; k++) {
        GeodesicData n =
            Geodesic.WGS84.Direct(anchor.lat2, anchor.lon2, r.nextDouble(360), r.nextDouble(3, 30));
        points.add(
            new Point("a" + i + "n" + k, n.lat2, n.lon2, r.nextBoolean() ? "query" : "database"));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("image_id,path,lat,lon,utm_easting,utm_northing,utm_zone,role");
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      if (i % 3 == 0) { // a lat/lon row
        lines.add(
            String.format(
                Locale.ROOT, "%s,%s.jpg,%.10f,%.10f,,,,%s", p.id, p.id, p.lat, p.lon, p.role));
      } else { // a UTM row in the point's own zone: 17T west of the border, 18T east of it
        UtmZone zone = UtmZone.containing(p.lat, p.lon);
        double[] en = new UtmProjection(zone).toGrid(p.lat, p.lon);
        lines.add(
            String.format(
                Locale.ROOT,
                "%s,%s.jpg,,,%.4f,%.4f,%s,%s",
                p.id,
                p.id,
                en[0],
                en[1],
                zone,
                p.role));
      }
    }
    Path csv = Jobs.writeLines(dir.resolve("border.csv"), lines);
    String run = dir.resolve("run").toUri().toString();
    Map<String, Object> summary = Jobs.mine(spark, run, List.of(csv.toString()), false);
    assertEquals(0L, summary.get("rows_rejected"));

    Map<Long, String> idByIndex = new HashMap<>();
    Set<String> zones = new HashSet<>();
    for (Row row : spark.read().parquet(run + "/panoramas").collectAsList()) {
      zones.add(row.getAs("utm_zone"));
      if (!row.isNullAt(row.fieldIndex("db_index"))) {
        idByIndex.put(row.getAs("db_index"), row.getAs("image_id"));
      }
    }
    assertEquals(Set.of("17T", "18T"), zones);
    Map<String, Row> tuples = Jobs.tuples(spark, run, "train");
    int crossBorderPairs = 0;
    for (Point q : points) {
      if (!q.role.equals("query")) {
        continue;
      }
      Row t = tuples.get(q.id);
      Set<String> positives = t == null ? Set.of() : new HashSet<>(Jobs.ids(t, "positive_ids"));
      Set<String> nonNegative = new HashSet<>();
      if (t != null) {
        for (Object i : t.getList(t.fieldIndex("non_negative_db_indices"))) {
          nonNegative.add(idByIndex.get((Long) i));
        }
      }
      for (Point d : points) {
        if (!d.role.equals("database")) {
          continue;
        }
        double metres = Geodesic.WGS84.Inverse(q.lat, q.lon, d.lat, d.lon).s12;
        String pair = q.id + " - " + d.id + " at " + metres + " m";
        if (metres <= 10 - TOLERANCE_M) {
          assertTrue(positives.contains(d.id), "missed positive " + pair);
          if ((q.lon < -78) != (d.lon < -78)) {
            crossBorderPairs++;
          }
        }
        if (metres > 10 + TOLERANCE_M) {
          assertFalse(positives.contains(d.id), "false positive " + pair);
        }
        if (metres <= 25 - TOLERANCE_M && t != null) {
          assertTrue(
              nonNegative.contains(d.id), "pair within 25 m not excluded from negatives: " + pair);
        }
        if (metres > 25 + TOLERANCE_M) {
          assertFalse(nonNegative.contains(d.id), "definite negative excluded: " + pair);
        }
      }
    }
    assertTrue(
        crossBorderPairs >= 10, "too few cross-border positive pairs to test: " + crossBorderPairs);
  }

  /**
   * With {@code geo.frame-zone=auto} the frame is the zone most rows lie in, even when the first
   * rows (all a guess reads) lie elsewhere: the result equals a run with that zone set.
   */
  @Test
  void theFrameIsTheZoneMostRowsLieInWhenTheFirstRowsLieElsewhere() {
    SplittableRandom r = new SplittableRandom(5);
    List<String> lines = new ArrayList<>();
    lines.add("image_id,path,lat,lon,role");
    for (int i = 0; i < 1200; i++) { // Tokyo, zone 54S: more rows than the guess reads
      lines.add(
          String.format(
              Locale.ROOT,
              "t%d,t%d.jpg,%.7f,%.7f,%s",
              i,
              i,
              35.68 + r.nextDouble(0.002),
              139.76 + r.nextDouble(0.002),
              i % 2 == 0 ? "query" : "database"));
    }
    for (int i = 0; i < 2000; i++) { // Pittsburgh, zone 17T
      lines.add(
          String.format(
              Locale.ROOT,
              "p%d,p%d.jpg,%.7f,%.7f,%s",
              i,
              i,
              40.44 + r.nextDouble(0.003),
              -79.99 + r.nextDouble(0.003),
              i % 2 == 0 ? "query" : "database"));
    }
    Path csv = Jobs.writeLines(dir.resolve("two-cities.csv"), lines);
    String auto = dir.resolve("auto").toUri().toString();
    String set = dir.resolve("set").toUri().toString();
    Map<String, Object> autoSummary =
        Jobs.mine(spark, auto, List.of(csv.toString()), false, "ingest.max-rejected-fraction=0.5");
    Map<String, Object> setSummary =
        Jobs.mine(
            spark,
            set,
            List.of(csv.toString()),
            false,
            "ingest.max-rejected-fraction=0.5",
            "geo.frame-zone=17T");

    assertEquals("17T", autoSummary.get("frame_zone"));
    assertEquals(Map.of("outside_frame", 1200L), autoSummary.get("rejected_by_reason"));
    assertEquals(setSummary.get("rejected_by_reason"), autoSummary.get("rejected_by_reason"));
    assertEquals(2000L, autoSummary.get("rows_accepted"));
    assertEquals(
        sorted(spark.read().parquet(set + "/panoramas").collectAsList()),
        sorted(spark.read().parquet(auto + "/panoramas").collectAsList()));
    assertEquals(
        sorted(spark.read().parquet(set + "/tuples/train").collectAsList()),
        sorted(spark.read().parquet(auto + "/tuples/train").collectAsList()));
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().toList();
  }
}
