package org.netvlad.common.eval;

import java.util.Arrays;

/**
 * Recall@N by exhaustive search, the paper's measure: a query is correctly localised at N if at
 * least one of its N nearest database descriptors (Euclidean; ties to the lower index) lies within
 * {@code radiusM} of the query's position. Meant for small sets and as the oracle of the
 * distributed evaluation.
 */
public final class RecallAtN {
  private RecallAtN() {}

  /** Per query, the database indices of its {@code n} nearest descriptors, nearest first. */
  public static int[][] nearest(float[][] queries, float[][] database, int n) {
    int[][] out = new int[queries.length][];
    Integer[] order = new Integer[database.length];
    double[] dist = new double[database.length];
    for (int q = 0; q < queries.length; q++) {
      for (int d = 0; d < database.length; d++) {
        dist[d] = squaredDistance(queries[q], database[d]);
        order[d] = d;
      }
      Arrays.sort(
          order,
          (a, b) -> dist[a] != dist[b] ? Double.compare(dist[a], dist[b]) : Integer.compare(a, b));
      out[q] =
          Arrays.stream(order, 0, Math.min(n, database.length))
              .mapToInt(Integer::intValue)
              .toArray();
    }
    return out;
  }

  /**
   * The fraction of queries correct at each N of {@code ns}.
   *
   * @param queryXy query positions {x, y} in metres
   * @param databaseXy database positions in metres
   */
  public static double[] recall(
      float[][] queries,
      double[][] queryXy,
      float[][] database,
      double[][] databaseXy,
      int[] ns,
      double radiusM) {
    int maxN = Arrays.stream(ns).max().orElseThrow();
    int[][] top = nearest(queries, database, maxN);
    double[] correct = new double[ns.length];
    for (int q = 0; q < queries.length; q++) {
      int firstCorrectRank = Integer.MAX_VALUE;
      for (int r = 0; r < top[q].length; r++) {
        double[] p = databaseXy[top[q][r]];
        if (Math.hypot(p[0] - queryXy[q][0], p[1] - queryXy[q][1]) <= radiusM) {
          firstCorrectRank = r;
          break;
        }
      }
      for (int i = 0; i < ns.length; i++) {
        correct[i] += firstCorrectRank < ns[i] ? 1 : 0;
      }
    }
    for (int i = 0; i < ns.length; i++) {
      correct[i] /= queries.length;
    }
    return correct;
  }

  /** Squared Euclidean distance, each difference taken in double precision. */
  public static double squaredDistance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double e = (double) a[i] - b[i];
      sum += e * e;
    }
    return sum;
  }
}
