package org.netvlad.common.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TupleMinerTest {

  /** Brute force over every (query, database) pair: the definition, written out plainly. */
  static QueryTuple bruteForce(SitePoint q, List<SitePoint> db, MiningParams p) {
    double pos2 = p.positiveRadiusM() * p.positiveRadiusM();
    double neg2 = p.negativeRadiusM() * p.negativeRadiusM();
    List<SitePoint> positives = new ArrayList<>();
    List<Long> nonNegative = new ArrayList<>();
    int soft = 0;
    int withinPositive = 0;
    for (SitePoint d : db) {
      double dx = d.xM() - q.xM();
      double dy = d.yM() - q.yM();
      double d2 = dx * dx + dy * dy;
      if (d2 > neg2) {
        continue;
      }
      nonNegative.add(d.dbIndex());
      if (d2 > pos2) {
        soft++;
        continue;
      }
      withinPositive++;
      boolean datesDiffer =
          q.captureEpochDay() != SitePoint.NO_DATE
              && d.captureEpochDay() != SitePoint.NO_DATE
              && q.captureEpochDay() != d.captureEpochDay();
      if (!p.positiveNeedsOtherDate() || datesDiffer) {
        positives.add(d);
      }
    }
    positives.sort(
        Comparator.<SitePoint>comparingDouble(
                d -> (d.xM() - q.xM()) * (d.xM() - q.xM()) + (d.yM() - q.yM()) * (d.yM() - q.yM()))
            .thenComparingLong(SitePoint::dbIndex));
    return new QueryTuple(
        q.imageId(),
        positives.stream().map(SitePoint::imageId).toList(),
        positives.stream().mapToDouble(d -> Math.hypot(d.xM() - q.xM(), d.yM() - q.yM())).toArray(),
        positives.stream().mapToLong(SitePoint::dbIndex).toArray(),
        soft,
        nonNegative.stream().mapToLong(Long::longValue).sorted().toArray(),
        withinPositive);
  }

  static void assertSameTuple(QueryTuple expected, QueryTuple actual) {
    String q = expected.queryId();
    assertEquals(expected.queryId(), actual.queryId());
    assertEquals(expected.positiveIds(), actual.positiveIds(), q);
    assertArrayEquals(expected.positiveDbIndices(), actual.positiveDbIndices(), q);
    assertArrayEquals(expected.positiveDistancesM(), actual.positiveDistancesM(), 1e-9, q);
    assertEquals(expected.softPositiveCount(), actual.softPositiveCount(), q);
    assertArrayEquals(expected.nonNegativeDbIndices(), actual.nonNegativeDbIndices(), q);
    assertEquals(expected.pairsWithinPositiveRadius(), actual.pairsWithinPositiveRadius(), q);
  }

  /** A layout with clusters, exact 10 m and 25 m offsets (3-4-5 triangles) and stacked points. */
  static List<SitePoint> layout(long seed, int places, double extentM, double originM) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SitePoint> out = new ArrayList<>();
    int day0 = 14_000;
    for (int i = 0; i < places; i++) {
      double x = originM + r.nextDouble(extentM);
      double y = originM + r.nextDouble(extentM);
      int kind = r.nextInt(5);
      int date = r.nextInt(4) == 0 ? SitePoint.NO_DATE : day0 + r.nextInt(3);
      out.add(new SitePoint("p" + out.size(), 0, x, y, date));
      if (kind == 0) { // exactly 10 m and exactly 25 m away
        out.add(new SitePoint("p" + out.size(), 0, x + 6, y + 8, day0));
        out.add(new SitePoint("p" + out.size(), 0, x - 15, y + 20, day0 + 1));
        out.add(new SitePoint("p" + out.size(), 0, x, y - 25, day0 + 2));
        out.add(new SitePoint("p" + out.size(), 0, x + 10, y, day0 + 2));
      } else if (kind == 1) { // duplicates at the same position
        for (int k = 0; k < 3; k++) {
          out.add(new SitePoint("p" + out.size(), 0, x, y, day0 + k));
        }
      } else if (kind == 2) { // a dense cluster
        for (int k = 0; k < 6; k++) {
          out.add(
              new SitePoint(
                  "p" + out.size(),
                  0,
                  x + r.nextGaussian() * 8,
                  y + r.nextGaussian() * 8,
                  day0 + r.nextInt(3)));
        }
      }
    }
    return out;
  }

  @Test
  void equalsBruteForceOnRandomLayoutsWithExactThresholdsAndDuplicates() {
    for (boolean otherDate : new boolean[] {false, true}) {
      for (long seed = 1; seed <= 5; seed++) {
        MiningParams params = new MiningParams(10, 25, otherDate);
        List<SitePoint> all = layout(seed, 400, 600, seed % 2 == 0 ? 585_000 : -300);
        List<SitePoint> db = new ArrayList<>();
        List<SitePoint> queries = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (SitePoint p : all) {
          if (r.nextInt(3) == 0) {
            queries.add(p);
          } else {
            db.add(new SitePoint(p.imageId(), db.size(), p.xM(), p.yM(), p.captureEpochDay()));
          }
        }
        List<QueryTuple> mined = new TupleMiner(params).mine(db, queries);
        assertEquals(queries.size(), mined.size());
        for (int i = 0; i < queries.size(); i++) {
          assertSameTuple(bruteForce(queries.get(i), db, params), mined.get(i));
        }
      }
    }
  }

  @Test
  void pointsExactlyOnTheRadiiAreInside() {
    MiningParams params = new MiningParams(10, 25, false);
    SitePoint q = new SitePoint("q", -1, 1000, 1000, SitePoint.NO_DATE);
    List<SitePoint> db =
        List.of(
            new SitePoint("at10", 0, 1006, 1008, SitePoint.NO_DATE),
            new SitePoint("at25", 1, 985, 1020, SitePoint.NO_DATE),
            new SitePoint("beyond25", 2, 1000, 1025.000001, SitePoint.NO_DATE),
            new SitePoint("same", 3, 1000, 1000, SitePoint.NO_DATE));
    QueryTuple t = new TupleMiner(params).mine(db, List.of(q)).get(0);
    assertEquals(List.of("same", "at10"), t.positiveIds());
    assertArrayEquals(new double[] {0, 10}, t.positiveDistancesM(), 0);
    assertEquals(1, t.softPositiveCount());
    assertArrayEquals(new long[] {0, 1, 3}, t.nonNegativeDbIndices());
  }

  @Test
  void gridIndexFindsExactlyThePointsWithinTheRadius() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 3000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble(-500, 500);
      y[i] = r.nextDouble(-500, 500);
    }
    GridIndex index = new GridIndex(x, y, 30);
    for (int k = 0; k < 300; k++) {
      double qx = r.nextDouble(-600, 600);
      double qy = r.nextDouble(-600, 600);
      double radius = r.nextDouble(1, 30);
      List<Integer> found = new ArrayList<>();
      index.forEachWithin(qx, qy, radius, (i, d2) -> found.add(i));
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if ((x[i] - qx) * (x[i] - qx) + (y[i] - qy) * (y[i] - qy) <= radius * radius) {
          expected.add(i);
        }
      }
      found.sort(Integer::compare);
      assertEquals(expected, found);
    }
  }
}
