package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed mining equals a brute-force search over every (query, database) pair, on random
 * layouts with points exactly at 10 m and 25 m, stacked duplicates, dense clusters, and tiles small
 * enough that many pairs straddle tile borders.
 */
class MiningMatchesBruteForceIT extends SparkTestBase {
  @TempDir Path dir;

  record Point(String id, double e, double n, String role, String split, LocalDate date) {}

  static List<Point> layout(long seed, int places) {
    SplittableRandom r = new SplittableRandom(seed);
    List<double[]> xy = new ArrayList<>();
    for (int i = 0; i < places; i++) {
      double x = 585_000 + r.nextDouble(700);
      double y = 4_477_000 + r.nextDouble(700);
      xy.add(new double[] {x, y});
      switch (r.nextInt(4)) {
        case 0 -> { // exactly 10 m and 25 m away (3-4-5 triangles), and 10 m along an axis
          xy.add(new double[] {x + 6, y + 8});
          xy.add(new double[] {x - 15, y + 20});
          xy.add(new double[] {x, y - 25});
          xy.add(new double[] {x + 10, y});
        }
        case 1 -> { // stacked at the same position
          xy.add(new double[] {x, y});
          xy.add(new double[] {x, y});
        }
        case 2 -> { // a dense cluster
          for (int k = 0; k < 5; k++) {
            xy.add(new double[] {x + r.nextGaussian() * 7, y + r.nextGaussian() * 7});
          }
        }
        default -> {}
      }
    }
    List<Point> out = new ArrayList<>();
    for (double[] p : xy) {
      String role = r.nextInt(3) == 0 ? "query" : "database";
      String split = p[0] < 585_450 ? "train" : "val";
      LocalDate date = r.nextInt(5) == 0 ? null : LocalDate.of(2010 + r.nextInt(3), 1, 1);
      out.add(
          new Point(
              String.format("img%06d", r.nextInt(1_000_000)) + "_" + out.size(),
              p[0],
              p[1],
              role,
              split,
              date));
    }
    return out;
  }

  static Path writeCsv(Path file, List<Point> points) {
    List<String> lines = new ArrayList<>();
    lines.add("image_id,path,utm_easting,utm_northing,utm_zone,role,split,captured_at");
    for (Point p : points) {
      lines.add(
          String.join(
              ",",
              p.id,
              p.id + ".jpg",
              Double.toString(p.e),
              Double.toString(p.n),
              "17T",
              p.role,
              p.split,
              p.date == null ? "" : p.date.toString()));
    }
    return Jobs.writeLines(file, lines);
  }

  /**
   * Expected positives (nearest first, ties in input order), soft count and non-negatives of a
   * query.
   */
  record Expected(
      List<String> positives,
      List<Double> distances,
      int soft,
      TreeSet<String> nonNegative,
      int withinPositive) {}

  static Expected bruteForce(
      Point q, List<Point> points, double pos, double neg, boolean otherDate) {
    List<Point> positives = new ArrayList<>();
    Map<String, Double> d2ById = new HashMap<>();
    TreeSet<String> nonNegative = new TreeSet<>();
    int soft = 0;
    int withinPositive = 0;
    for (Point d : points) {
      if (!d.role.equals("database") || !d.split.equals(q.split)) {
        continue;
      }
      double d2 = (d.e - q.e) * (d.e - q.e) + (d.n - q.n) * (d.n - q.n);
      if (d2 > neg * neg) {
        continue;
      }
      nonNegative.add(d.id);
      if (d2 > pos * pos) {
        soft++;
      } else {
        withinPositive++;
        if (!otherDate || (q.date != null && d.date != null && !q.date.equals(d.date))) {
          positives.add(d);
          d2ById.put(d.id, d2);
        }
      }
    }
    positives.sort(
        Comparator.<Point>comparingDouble(p -> d2ById.get(p.id)).thenComparingInt(points::indexOf));
    return new Expected(
        positives.stream().map(Point::id).toList(),
        positives.stream().map(p -> Math.sqrt(d2ById.get(p.id))).toList(),
        soft,
        nonNegative,
        withinPositive);
  }

  @Test
  void equalsBruteForceWithSmallTilesAndWithTheTimeMachineRule() {
    List<Point> points = layout(42, 700);
    Path csv = writeCsv(dir.resolve("in/layout.csv"), points);
    check(points, csv, "small-tiles", false, "mining.tile-size-m=50");
    check(points, csv, "time-machine", true, "mining.positive-needs-other-date=true");
    check(
        points,
        csv,
        "radii",
        false,
        "mining.positive-radius-m=6",
        "mining.negative-radius-m=15.5",
        "mining.tile-size-m=31");
  }

  private void check(
      List<Point> points, Path csv, String name, boolean otherDate, String... settings) {
    String run = dir.resolve(name).toUri().toString();
    Map<String, Object> summary = Jobs.mine(spark, run, List.of(csv.toString()), false, settings);
    double pos = 10;
    double neg = 25;
    for (String s : settings) {
      if (s.startsWith("mining.positive-radius-m=")) {
        pos = Double.parseDouble(s.substring(s.indexOf('=') + 1));
      }
      if (s.startsWith("mining.negative-radius-m=")) {
        neg = Double.parseDouble(s.substring(s.indexOf('=') + 1));
      }
    }
    long queriesKept = 0;
    long pairsPositive = 0;
    long pairsNegative = 0;
    for (String split : List.of("train", "val")) {
      // Database indices are dense and in input order within the split.
      List<String> dbIds =
          points.stream()
              .filter(p -> p.role.equals("database") && p.split.equals(split))
              .map(Point::id)
              .toList();
      Map<Long, String> idByIndex = new HashMap<>();
      for (Row r :
          spark
              .read()
              .parquet(run + "/panoramas")
              .filter("role = 'database' and split = '" + split + "'")
              .collectAsList()) {
        idByIndex.put(r.getAs("db_index"), r.getAs("image_id"));
      }
      for (int i = 0; i < dbIds.size(); i++) {
        assertEquals(dbIds.get(i), idByIndex.get((long) i), "db_index " + i);
      }
      Map<String, Row> tuples = Jobs.tuples(spark, run, split);
      for (Point q : points) {
        if (!q.role.equals("query") || !q.split.equals(split)) {
          continue;
        }
        Expected e = bruteForce(q, points, pos, neg, otherDate);
        pairsPositive += e.withinPositive;
        pairsNegative += e.nonNegative.size();
        Row t = tuples.get(q.id);
        if (e.positives.isEmpty()) {
          assertEquals(null, t, q.id + " has no positive and must be dropped");
          continue;
        }
        queriesKept++;
        assertEquals(e.positives, Jobs.ids(t, "positive_ids"), q.id);
        List<Double> distances = t.getList(t.fieldIndex("positive_distances_m"));
        for (int i = 0; i < distances.size(); i++) {
          assertEquals(e.distances.get(i), distances.get(i), 1e-9, q.id);
        }
        assertEquals(e.positives.size(), (int) t.getAs("positive_count"));
        assertEquals(e.soft, (int) t.getAs("soft_positive_count"), q.id);
        TreeSet<String> nonNegative = new TreeSet<>();
        for (Object index : t.getList(t.fieldIndex("non_negative_db_indices"))) {
          nonNegative.add(idByIndex.get((Long) index));
        }
        assertEquals(e.nonNegative, nonNegative, q.id);
        assertEquals((long) dbIds.size(), (long) t.getAs("database_count"));
      }
    }
    assertTrue(queriesKept > 100, "the layout should keep many queries, kept " + queriesKept);
    assertEquals(queriesKept, summary.get("queries_kept"));
    assertEquals(
        points.stream().filter(p -> p.role.equals("query")).count() - queriesKept,
        summary.get("queries_without_positive"));
    assertEquals(pairsPositive, summary.get("pairs_within_positive_radius"));
    assertEquals(pairsNegative, summary.get("pairs_within_negative_radius"));
  }
}
