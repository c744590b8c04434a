package org.netvlad.common.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockTopNTest {
  @Test
  void squaredNormsEqualPlainSumsForEveryRemainderOfFour() {
    Random r = new Random(5);
    for (int dims : new int[] {1, 2, 3, 4, 5, 7, 8, 4097}) {
      int rows = 3;
      float[] flat = new float[rows * dims];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = (float) r.nextGaussian();
      }
      float[] got =
          BlockTopN.squaredNorms(
              new BlockTopN.Block(flat, dims, new long[] {0, 1, 2}, new double[3], new double[3]));
      for (int i = 0; i < rows; i++) {
        double want = 0;
        for (int t = 0; t < dims; t++) {
          want += (double) flat[i * dims + t] * flat[i * dims + t];
        }
        assertEquals((float) want, got[i], 1e-6 * want, "dims " + dims + " row " + i);
      }
    }
  }

  @Test
  void rowsAddedOneByOneSearchAsTheBlockTheyMake() {
    float[][] db = {{0, 0}, {3, 4}, {1, 1}, {-2, 0}};
    double[] e = {0, 10, 20, 30};
    BlockTopN.Block block = new BlockTopN.Block(db, new long[] {7, 8, 9, 10}, e, new double[4]);
    BlockTopN.Block query =
        new BlockTopN.Block(
            new float[][] {{1, 0}}, new long[] {0}, new double[] {0}, new double[] {0});
    try (NativeRows rows = new NativeRows(4, 2);
        NativeRows q = NativeRows.of(query)) {
      for (int j = 0; j < db.length; j++) {
        rows.add(7 + j, db[j], e[j], 0);
      }
      assertTrue(rows.isFull());
      TopList byRows = BlockTopN.search(q, rows, 3, 15)[0];
      // squared distances from (1, 0): 1 (index 7, 0 m), 1 (index 9, 20 m), 9 (index 10); ties to
      // the lower index
      assertArrayEquals(new long[] {7, 9, 10}, byRows.dbIndices());
      assertArrayEquals(new double[] {1, 1, 9}, byRows.squaredDistances(), 1e-6);
      assertEquals(1, byRows.firstCorrectRank());
      assertArrayEquals(byRows.dbIndices(), BlockTopN.search(query, block, 3, 15)[0].dbIndices());
      IllegalStateException full =
          assertThrows(IllegalStateException.class, () -> rows.add(11, new float[] {0, 0}, 0, 0));
      assertEquals("all 4 rows are written", full.getMessage());
    }
    try (NativeRows rows = new NativeRows(2, 2)) {
      IllegalArgumentException e2 =
          assertThrows(
              IllegalArgumentException.class, () -> rows.add(5, new float[] {1, 2, 3}, 0, 0));
      assertEquals("descriptor of item 5 has 3 values, others 2", e2.getMessage());
    }
  }

  /**
   * Lists carried over database blocks in any order (searchInto) hold what a brute-force sort of
   * every distance gives: small integer descriptors make exact ties, which go to the lower index.
   */
  @Test
  void listsCarriedAcrossBlocksEqualBruteForce() {
    Random r = new Random(9);
    int dims = 8;
    int n = 6;
    for (int trial = 0; trial < 20; trial++) {
      float[][] q = new float[5][dims];
      float[][] x = new float[200][dims];
      for (float[][] m : new float[][][] {q, x}) {
        for (float[] row : m) {
          for (int t = 0; t < dims; t++) {
            row[t] = r.nextInt(3) - 1;
          }
        }
      }
      long[] qIdx = {0, 1, 2, 3, 4};
      BlockTopN.Block queries = new BlockTopN.Block(q, qIdx, new double[5], new double[5]);
      TopList[] lists = new TopList[5];
      for (int i = 0; i < lists.length; i++) {
        lists[i] = new TopList(n);
      }
      java.util.List<Integer> order = new java.util.ArrayList<>();
      for (int j = 0; j < x.length; j++) {
        order.add(j);
      }
      java.util.Collections.shuffle(order, r);
      int blockRows = 1 + r.nextInt(40);
      try (NativeRows qRows = NativeRows.of(queries)) {
        for (int from = 0; from < x.length; from += blockRows) {
          int to = Math.min(x.length, from + blockRows);
          try (NativeRows db = new NativeRows(to - from, dims)) {
            for (int k = from; k < to; k++) {
              int j = order.get(k);
              db.add(j, x[j], j, 0);
            }
            BlockTopN.searchInto(qRows, db, 0.5, lists);
          }
        }
      }
      for (int i = 0; i < q.length; i++) {
        final int qi = i;
        long[] want =
            java.util.stream.IntStream.range(0, x.length)
                .boxed()
                .sorted(
                    java.util.Comparator.comparingDouble((Integer j) -> distance2(q[qi], x[j]))
                        .thenComparing(j -> j))
                .limit(n)
                .mapToLong(j -> j)
                .toArray();
        assertArrayEquals(want, lists[i].dbIndices(), "trial " + trial + " query " + i);
        for (int k = 0; k < n; k++) {
          assertEquals(distance2(q[i], x[(int) want[k]]), lists[i].squaredDistances()[k], 1e-9);
        }
      }
    }
  }

  private static double distance2(float[] a, float[] b) {
    double s = 0;
    for (int t = 0; t < a.length; t++) {
      s += (a[t] - b[t]) * (a[t] - b[t]);
    }
    return s;
  }
}
