package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.netvlad.jobs.training.NegativeRefresh;
import org.netvlad.jobs.training.SplitData;
import scala.Tuple2;

/**
 * The distributed hard-negative refresh equals a brute-force selection over the same descriptors:
 * with candidates covering every definite negative, each query's kept negatives are exactly the (at
 * most 10) nearest database images beyond 25 m that violate the margin, ties by database index, and
 * its best positive is its nearest image within 10 m. The layout has exact descriptor ties, queries
 * with fewer than 10 violating negatives, and near images that must never be negatives. Unreadable
 * images (no descriptor) are left out of the choice, the same brute force over the readable ones
 * says which.
 */
class HardNegativeRefreshIT extends SparkTestBase {
  private static final double MARGIN = 0.1;
  private static final int KEEP = 10;

  /**
   * Database images and queries with positions and descriptors, as the refresh's inputs and the
   * brute force's.
   */
  private record Layout(
      double[][] dbXy,
      float[][] dbDesc,
      List<SplitData.DbImage> db,
      List<SplitData.Query> queries,
      Map<String, float[]> queryDesc,
      Map<String, double[]> queryXy) {}

  private static Layout layout(Random random, int dbCount, int queryCount, int dims) {
    double[][] dbXy = new double[dbCount][];
    float[][] dbDesc = new float[dbCount][];
    for (int i = 0; i < dbCount; i++) {
      dbXy[i] = new double[] {random.nextDouble() * 200, random.nextDouble() * 200};
      // Every fourth image repeats the previous one's descriptor: exact distance ties.
      dbDesc[i] = i % 4 == 3 ? dbDesc[i - 1].clone() : unit(random, dims);
    }
    List<SplitData.DbImage> db = new ArrayList<>();
    for (int i = 0; i < dbCount; i++) {
      SplitData.DbImage d = new SplitData.DbImage();
      d.dbIndex = i;
      d.imageId = "db" + i;
      d.path = "db" + i + ".png";
      d.eastingM = dbXy[i][0];
      d.northingM = dbXy[i][1];
      db.add(d);
    }
    List<SplitData.Query> queries = new ArrayList<>();
    Map<String, float[]> queryDesc = new HashMap<>();
    Map<String, double[]> queryXy = new HashMap<>();
    while (queries.size() < queryCount) {
      double[] xy = {random.nextDouble() * 200, random.nextDouble() * 200};
      long[] positives =
          IntStream.range(0, dbCount).filter(i -> dist(xy, dbXy[i]) <= 10).asLongStream().toArray();
      if (positives.length == 0) {
        continue;
      }
      SplitData.Query q = new SplitData.Query();
      q.queryId = "q" + queries.size();
      q.path = q.queryId + ".png";
      q.eastingM = xy[0];
      q.northingM = xy[1];
      q.positiveDbIndices = positives;
      q.nonNegativeDbIndices =
          IntStream.range(0, dbCount).filter(i -> dist(xy, dbXy[i]) <= 25).asLongStream().toArray();
      q.databaseCount = dbCount;
      queries.add(q);
      // Queries alternate between near a positive's descriptor (few violating negatives) and
      // random.
      float[] d =
          queries.size() % 2 == 0
              ? jitter(dbDesc[(int) positives[0]], random, 0.05f)
              : unit(random, dims);
      queryDesc.put(q.queryId, d);
      queryXy.put(q.queryId, xy);
    }
    return new Layout(dbXy, dbDesc, db, queries, queryDesc, queryXy);
  }

  /** The refresh over the readable images only: those without a descriptor are unreadable. */
  private Map<String, NegativeRefresh.Entry> refresh(
      Layout l, Set<Integer> unreadableDb, Set<String> unreadableQueries) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SplitData data =
        new SplitData("train", sc.parallelize(l.db(), 3), sc.parallelize(l.queries(), 2));
    float[][] dbDesc = l.dbDesc();
    List<SplitData.DbImage> readable =
        l.db().stream().filter(d -> !unreadableDb.contains((int) d.dbIndex)).toList();
    JavaPairRDD<Long, float[]> dbDescriptors =
        sc.parallelize(readable, 2)
            .mapToPair(d -> new Tuple2<>(d.dbIndex, dbDesc[(int) d.dbIndex]));
    List<Tuple2<String, float[]>> qd =
        l.queryDesc().entrySet().stream()
            .filter(e -> !unreadableQueries.contains(e.getKey()))
            .map(e -> new Tuple2<>(e.getKey(), e.getValue()))
            .toList();
    JavaPairRDD<String, float[]> queryDescriptors = sc.parallelizePairs(qd, 2);
    JavaPairRDD<String, long[]> noCache = sc.<Tuple2<String, long[]>>emptyRDD().mapToPair(t -> t);
    NegativeRefresh.Params params = new NegativeRefresh.Params(5, 1, l.db().size(), KEEP, MARGIN);
    return NegativeRefresh.refresh(data, dbDescriptors, queryDescriptors, noCache, params, 3)
        .collect()
        .stream()
        .collect(Collectors.toMap(e -> e.queryId, e -> e));
  }

  @Test
  void refreshEqualsBruteForceSelection() {
    Layout l = layout(new Random(11), 240, 40, 6);
    Map<String, NegativeRefresh.Entry> got = refresh(l, Set.of(), Set.of());
    assertEquals(l.queries().size(), got.size(), "one entry per query");
    int fewer = 0;
    for (SplitData.Query q : l.queries()) {
      fewer += checkAgainstBruteForce(l, q, got.get(q.queryId), Set.of()) < KEEP ? 1 : 0;
    }
    assertTrue(
        fewer > 0 && fewer < l.queries().size(),
        "the layout has queries with fewer than 10 violating negatives, and others ("
            + fewer
            + ")");
  }

  /**
   * Unreadable images: a database image without a descriptor is neither a candidate nor a positive;
   * a query without one, or whose positives are all unreadable, gets no entry; the others are the
   * brute-force choice over the readable images.
   */
  @Test
  void unreadableImagesAreLeftOutOfCandidatesAndPositives() {
    Layout l = layout(new Random(12), 240, 40, 6);
    Set<Integer> unreadable = new HashSet<>();
    for (int i = 0; i < 240; i += 9) {
      unreadable.add(i);
    }
    SplitData.Query allPositivesGone = l.queries().get(3);
    for (long p : allPositivesGone.positiveDbIndices) {
      unreadable.add((int) p);
    }
    String unreadableQuery = l.queries().get(4).queryId;
    Map<String, NegativeRefresh.Entry> got = refresh(l, unreadable, Set.of(unreadableQuery));
    Set<String> expectedQueries = new HashSet<>();
    for (SplitData.Query q : l.queries()) {
      boolean hasPositive =
          Arrays.stream(q.positiveDbIndices).anyMatch(p -> !unreadable.contains((int) p));
      if (hasPositive && !q.queryId.equals(unreadableQuery)) {
        expectedQueries.add(q.queryId);
        checkAgainstBruteForce(l, q, got.get(q.queryId), unreadable);
      }
    }
    assertEquals(expectedQueries, got.keySet());
    assertTrue(
        expectedQueries.size() >= l.queries().size() / 2,
        "most queries keep a readable positive: " + expectedQueries.size());
  }

  /**
   * Asserts one query's entry against a brute-force choice over the readable images; returns how
   * many negatives it kept.
   */
  private static int checkAgainstBruteForce(
      Layout l, SplitData.Query q, NegativeRefresh.Entry e, Set<Integer> unreadable) {
    float[] qv = l.queryDesc().get(q.queryId);
    double[] xy = l.queryXy().get(q.queryId);
    float[][] dbDesc = l.dbDesc();
    double[][] dbXy = l.dbXy();
    Comparator<Integer> nearestFirst =
        Comparator.<Integer>comparingDouble(i -> d2(qv, dbDesc[i])).thenComparingInt(i -> i);
    IntStream readable = IntStream.range(0, dbDesc.length).filter(i -> !unreadable.contains(i));
    int best =
        readable.filter(i -> dist(xy, dbXy[i]) <= 10).boxed().min(nearestFirst).orElseThrow();
    double limit = d2(qv, dbDesc[best]) + MARGIN;
    long[] expected =
        IntStream.range(0, dbDesc.length)
            .filter(i -> !unreadable.contains(i))
            .filter(i -> dist(xy, dbXy[i]) > 25)
            .filter(i -> d2(qv, dbDesc[i]) < limit)
            .boxed()
            .sorted(nearestFirst)
            .limit(KEEP)
            .mapToLong(Integer::longValue)
            .toArray();
    assertEquals(best, e.bestPositiveDbIndex, q.queryId + " best positive");
    assertEquals("db" + best, e.bestPositiveId);
    assertArrayEquals(expected, e.hardNegativeDbIndices, q.queryId + " hard negatives");
    for (int k = 0; k < expected.length; k++) {
      assertEquals(d2(qv, dbDesc[(int) expected[k]]), e.hardNegativeSqDistances[k], 1e-9);
      assertEquals("db" + expected[k], e.hardNegativeIds[k]);
      assertTrue(dist(xy, dbXy[(int) expected[k]]) > 25, "a negative is beyond 25 m");
    }
    // The tuple: the violating ones, then the nearest of the others: the KEEP nearest definite
    // negatives.
    String[] expectedTuple =
        IntStream.range(0, dbDesc.length)
            .filter(i -> !unreadable.contains(i))
            .filter(i -> dist(xy, dbXy[i]) > 25)
            .boxed()
            .sorted(nearestFirst)
            .limit(KEEP)
            .map(i -> "db" + i + ".png")
            .toArray(String[]::new);
    assertArrayEquals(expectedTuple, e.tupleNegativePaths, q.queryId + " tuple negatives");
    return expected.length;
  }

  private static float[] unit(Random random, int dims) {
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dims; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private static float[] jitter(float[] v, Random random, float amount) {
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += (float) random.nextGaussian() * amount;
    }
    return out;
  }

  private static double d2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  private static double dist(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}
