package org.netvlad.common.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class RecallAtNTest {
  /**
   * Hand-worked: 1-D descriptors. Database at x = 0, 100, 200, 300 m with descriptors 0, 1, 2, 3.
   * Query A at 0 m, descriptor 0.9: distances 0.9, 0.1, 1.1, 2.1, so order 1, 0, 2, 3 and the first
   * correct (db 0 at 0 m) is at rank 2. Query B at 300 m, descriptor 1.5: distances 1.5, 0.5, 0.5,
   * 1.5: ties go to the lower index, order 1, 2, 0, 3: correct (db 3 at 300 m) only at rank 4.
   * Query C at 500 m: never correct.
   */
  @Test
  void handWorkedRanksWithTies() {
    float[][] db = {{0}, {1}, {2}, {3}};
    double[][] dbXy = {{0, 0}, {100, 0}, {200, 0}, {300, 0}};
    float[][] q = {{0.9f}, {1.5f}, {0}};
    double[][] qXy = {{0, 0}, {300, 0}, {500, 0}};
    assertArrayEquals(new int[] {1, 0, 2, 3}, RecallAtN.nearest(q, db, 4)[0]);
    assertArrayEquals(new int[] {1, 2, 0}, RecallAtN.nearest(q, db, 3)[1]);
    assertArrayEquals(
        new double[] {0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 2 / 3.0},
        RecallAtN.recall(q, qXy, db, dbXy, new int[] {1, 2, 3, 4, 20}, 25),
        1e-12);
  }
}
