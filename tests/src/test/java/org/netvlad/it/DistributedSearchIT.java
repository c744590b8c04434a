package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.netvlad.common.data.DbStruct;
import org.netvlad.common.eval.TopList;
import org.netvlad.jobs.descriptors.DistributedRecall;

/**
 * The distributed exact search (query blocks x database blocks, GEMM distances, bounded top lists
 * merged per query) against brute force: on random descriptors with exact ties and partitions
 * smaller than N, and on the real Pittsburgh 30k val positions with stand-in descriptors whose
 * answer the test knows.
 */
class DistributedSearchIT extends SparkTestBase {
  private static final double RADIUS_M = 25;

  /**
   * The n nearest database indices by brute force: squared distance in double, ties to the lower
   * index.
   */
  private static long[] bruteTopN(float[] q, float[][] db, long[] dbIndex, int n) {
    int k = Math.min(n, db.length);
    long[] best = new long[k];
    double[] bestD2 = new double[k];
    Arrays.fill(bestD2, Double.POSITIVE_INFINITY);
    Arrays.fill(best, Long.MAX_VALUE);
    for (int j = 0; j < db.length; j++) {
      double d2 = 0;
      for (int t = 0; t < q.length; t++) {
        double diff = (double) q[t] - db[j][t];
        d2 += diff * diff;
      }
      // insertion into the sorted best list, if it belongs there
      int at = k;
      while (at > 0 && (d2 < bestD2[at - 1] || d2 == bestD2[at - 1] && dbIndex[j] < best[at - 1])) {
        at--;
      }
      if (at < k) {
        System.arraycopy(bestD2, at, bestD2, at + 1, k - at - 1);
        System.arraycopy(best, at, best, at + 1, k - at - 1);
        bestD2[at] = d2;
        best[at] = dbIndex[j];
      }
    }
    return best;
  }

  @Test
  void topNEqualsBruteForceWithTiesAndPartitionsSmallerThanN() {
    Random random = new Random(17);
    int dims = 16;
    int n = 20;
    // values in quarters: every dot product and squared distance is exact in float, so ties are
    // exact
    float[][] db = new float[700][dims];
    for (float[] row : db) {
      for (int t = 0; t < dims; t++) {
        row[t] = (random.nextInt(7) - 3) / 4f;
      }
    }
    for (int j = 0; j < 100; j++) {
      db[600 + j] =
          db[random.nextInt(600)]
              .clone(); // exact duplicates: equal distances, the lower index first
    }
    float[][] queries = new float[120][];
    for (int i = 0; i < queries.length; i++) {
      queries[i] =
          db[random.nextInt(db.length)].clone(); // ties with the copy and with its duplicates
      if (i % 3 == 1) {
        queries[i][random.nextInt(dims)] += 0.25f;
      }
    }
    // database indices not in row order, positions in a 300 m square
    long[] dbIndex = new long[db.length];
    double[][] dbXy = new double[db.length][];
    for (int j = 0; j < db.length; j++) {
      dbIndex[j] = 5L * j + 3;
      dbXy[j] = new double[] {random.nextDouble() * 300, random.nextDouble() * 300};
    }
    double[][] qXy = new double[queries.length][];
    for (int i = 0; i < queries.length; i++) {
      qXy[i] = new double[] {random.nextDouble() * 300, random.nextDouble() * 300};
    }

    List<DistributedRecall.Item> dbItems = new ArrayList<>();
    for (int j = 0; j < db.length; j++) {
      dbItems.add(new DistributedRecall.Item(dbIndex[j], db[j], dbXy[j][0], dbXy[j][1]));
    }
    List<DistributedRecall.Item> queryItems = new ArrayList<>();
    for (int i = 0; i < queries.length; i++) {
      queryItems.add(new DistributedRecall.Item(i, queries[i], qXy[i][0], qXy[i][1]));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // 9 database partitions of uneven size: 350 rows with 7 blocks of 50 in one, 3 rows in another,
    // one empty
    int[] bounds = {0, 350, 353, 353, 370, 500, 501, 640, 690, 700};
    List<ArrayList<DistributedRecall.Item>> parts = new ArrayList<>();
    for (int p = 0; p + 1 < bounds.length; p++) {
      parts.add(new ArrayList<>(dbItems.subList(bounds[p], bounds[p + 1])));
    }
    JavaRDD<DistributedRecall.Item> dbRdd =
        sc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), 9).flatMap(p -> parts.get(p).iterator());
    JavaRDD<DistributedRecall.Item> queryRdd = sc.parallelize(queryItems, 3);
    // queries broadcast to the database's tasks (they fit), and paired block by block (broadcast
    // limit 0)
    int[] firstCorrect = null;
    for (long broadcastBytes : new long[] {DistributedRecall.BROADCAST_QUERY_BYTES, 0}) {
      firstCorrect =
          assertTopNIsBruteForce(
              DistributedRecall.topN(queryRdd, dbRdd, n, RADIUS_M, 50, broadcastBytes)
                  .collectAsMap(),
              queries,
              db,
              dbIndex,
              qXy,
              dbXy,
              n);
    }
    int[] ns = {1, 5, 10, 20};
    double[] recall = DistributedRecall.recall(queryRdd, dbRdd, ns, RADIUS_M, 50);
    for (int k = 0; k < ns.length; k++) {
      int hits = 0;
      for (int r : firstCorrect) {
        hits += r >= 1 && r <= ns[k] ? 1 : 0;
      }
      assertEquals((double) hits / queries.length, recall[k], 1e-12, "Recall@" + ns[k]);
    }
    assertTrue(
        Arrays.stream(firstCorrect).filter(r -> r > 1).count() > 5,
        "sanity: some queries are found below rank 1");
  }

  /**
   * Each query's list equals the brute-force top n (database index i at position (i - 3) / 5);
   * returns the first correct ranks.
   */
  private static int[] assertTopNIsBruteForce(
      Map<Long, TopList> top,
      float[][] queries,
      float[][] db,
      long[] dbIndex,
      double[][] qXy,
      double[][] dbXy,
      int n) {
    assertEquals(queries.length, top.size());
    int[] firstCorrect = new int[queries.length];
    for (int i = 0; i < queries.length; i++) {
      long[] expected = bruteTopN(queries[i], db, dbIndex, n);
      TopList got = top.get((long) i);
      assertArrayEquals(
          expected, got.dbIndices(), "query " + i + ": top " + n + " database indices");
      for (int r = 0; r < expected.length; r++) {
        int j = (int) ((expected[r] - 3) / 5);
        double dx = qXy[i][0] - dbXy[j][0];
        double dy = qXy[i][1] - dbXy[j][1];
        if (firstCorrect[i] == 0 && dx * dx + dy * dy <= RADIUS_M * RADIUS_M) {
          firstCorrect[i] = r + 1;
        }
      }
      assertEquals(firstCorrect[i], got.firstCorrectRank(), "query " + i + ": first correct rank");
    }
    return firstCorrect;
  }

  /**
   * Pittsburgh 30k val: real UTM positions of 10,000 database images and 7,608 queries. Database
   * descriptors are random unit vectors; each query's descriptor is a copy of one chosen database
   * image's: its geographically nearest for even queries, a random one over 200 m away for odd
   * ones. So the first neighbour is the chosen image (distance 0) and Recall@1 is the share of
   * queries whose chosen image lies within 25 m, counted from the positions alone; Recall@5..20 are
   * checked against a brute-force ranking.
   */
  @Test
  void recallOnPittsburgh30kValPositionsWithStandInDescriptors() throws Exception {
    Path mat = Jobs.pittsburghSpec("pitts30k_val.mat");
    DbStruct spec = DbStruct.read(mat.toString(), Files.readAllBytes(mat));
    double[][] dbXy = spec.dbUtm();
    double[][] qXy = spec.qUtm();
    Random random = new Random(23);
    int dims = 32;
    float[][] db = new float[dbXy.length][dims];
    for (float[] row : db) {
      double norm = 0;
      for (int t = 0; t < dims; t++) {
        row[t] = (float) random.nextGaussian();
        norm += row[t] * row[t];
      }
      for (int t = 0; t < dims; t++) {
        row[t] /= (float) Math.sqrt(norm);
      }
    }
    long[] dbIndex = new long[db.length];
    for (int j = 0; j < db.length; j++) {
      dbIndex[j] = j;
    }
    float[][] queries = new float[qXy.length][];
    int[] chosenOf = new int[qXy.length];
    int chosenWithin = 0;
    for (int i = 0; i < qXy.length; i++) {
      int chosen = -1;
      if (i % 2 == 0) {
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < db.length; j++) {
          double d2 = squared(qXy[i], dbXy[j]);
          if (d2 < best) {
            best = d2;
            chosen = j;
          }
        }
      } else {
        do {
          chosen = random.nextInt(db.length);
        } while (squared(qXy[i], dbXy[chosen]) <= 200 * 200);
      }
      queries[i] = db[chosen].clone();
      chosenOf[i] = chosen;
      chosenWithin += squared(qXy[i], dbXy[chosen]) <= RADIUS_M * RADIUS_M ? 1 : 0;
    }

    List<DistributedRecall.Item> dbItems = new ArrayList<>();
    for (int j = 0; j < db.length; j++) {
      dbItems.add(new DistributedRecall.Item(j, db[j], dbXy[j][0], dbXy[j][1]));
    }
    List<DistributedRecall.Item> queryItems = new ArrayList<>();
    for (int i = 0; i < queries.length; i++) {
      queryItems.add(new DistributedRecall.Item(i, queries[i], qXy[i][0], qXy[i][1]));
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int[] ns = {1, 5, 10, 20};
    double[] recall =
        DistributedRecall.recall(
            sc.parallelize(queryItems, 4), sc.parallelize(dbItems, 6), ns, RADIUS_M, 1024);

    assertEquals(
        (double) chosenWithin / queries.length,
        recall[0],
        1e-12,
        "Recall@1: the chosen image within 25 m");
    assertTrue(
        chosenWithin > queries.length * 0.4 && chosenWithin <= queries.length / 2 + 1,
        "sanity: most nearest database images lie within 25 m, no far one does");
    int[] hits = new int[ns.length];
    for (int i = 0; i < queries.length; i++) {
      long[] top = bruteTopN(queries[i], db, dbIndex, 20);
      assertEquals(
          chosenOf[i], top[0], "query " + i + ": its copy is its nearest database descriptor");
      int first = 0;
      for (int r = 0; r < top.length && first == 0; r++) {
        if (squared(qXy[i], dbXy[(int) top[r]]) <= RADIUS_M * RADIUS_M) {
          first = r + 1;
        }
      }
      for (int k = 0; k < ns.length; k++) {
        hits[k] += first >= 1 && first <= ns[k] ? 1 : 0;
      }
    }
    for (int k = 0; k < ns.length; k++) {
      assertEquals(
          (double) hits[k] / queries.length,
          recall[k],
          1e-12,
          "Recall@" + ns[k] + " against brute force");
    }
  }

  private static double squared(double[] a, double[] b) {
    return (a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]);
  }
}
