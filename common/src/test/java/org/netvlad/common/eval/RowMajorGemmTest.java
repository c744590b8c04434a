package org.netvlad.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

class RowMajorGemmTest {
  /** a bᵀ by brute force in double. */
  private static double[] bruteForce(float[] a, int aRows, float[] b, int bRows, int dims) {
    double[] out = new double[aRows * bRows];
    for (int i = 0; i < aRows; i++) {
      for (int j = 0; j < bRows; j++) {
        double s = 0;
        for (int t = 0; t < dims; t++) {
          s += (double) a[i * dims + t] * b[j * dims + t];
        }
        out[i * bRows + j] = s;
      }
    }
    return out;
  }

  private static float[] random(Random r, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) r.nextGaussian();
    }
    return out;
  }

  @Test
  void equalsTheBruteForceProductOnOddAndTinyShapes() {
    Random r = new Random(3);
    int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {3, 5, 0}, {37, 65, 130}, {129, 200, 257}};
    for (int[] shape : shapes) {
      int aRows = shape[0], bRows = shape[1], dims = shape[2];
      float[] a = random(r, aRows * dims);
      float[] b = random(r, bRows * dims);
      float[] got = new float[aRows * bRows];
      try (FloatPointer pa = new FloatPointer(a);
          FloatPointer pb = new FloatPointer(b);
          FloatPointer out = new FloatPointer(got)) {
        out.fill(0x7f); // garbage that the product must overwrite
        RowMajorGemm.timesTransposed(pa, aRows, pb, bRows, dims, out);
        out.get(got);
      }
      double[] want = bruteForce(a, aRows, b, bRows, dims);
      for (int i = 0; i < want.length; i++) {
        assertEquals(
            want[i],
            got[i],
            1e-5 * (1 + Math.sqrt(dims)),
            "shape " + java.util.Arrays.toString(shape) + " entry " + i);
      }
    }
  }

  @Test
  void readsAndWritesFromEachPointersPosition() {
    Random r = new Random(4);
    float[] a = random(r, 2 + 4 * 6);
    float[] b = random(r, 3 + 5 * 6);
    float[] got = new float[1 + 4 * 5];
    try (FloatPointer pa = new FloatPointer(a);
        FloatPointer pb = new FloatPointer(b);
        FloatPointer out = new FloatPointer(got)) {
      RowMajorGemm.timesTransposed(pa.position(2), 4, pb.position(3), 5, 6, out.position(1));
      out.position(0).get(got);
    }
    double[] want =
        bruteForce(
            java.util.Arrays.copyOfRange(a, 2, a.length),
            4,
            java.util.Arrays.copyOfRange(b, 3, b.length),
            5,
            6);
    assertEquals(0f, got[0]);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i + 1], 1e-5);
    }
  }

  @Test
  void refusesBuffersTooSmallForTheProduct() {
    try (FloatPointer a = new FloatPointer(6);
        FloatPointer b = new FloatPointer(6);
        FloatPointer out = new FloatPointer(3)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> RowMajorGemm.timesTransposed(a, 2, b, 2, 3, out));
      assertEquals("out holds 3 floats, the product needs 4", e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> RowMajorGemm.timesTransposed(a, 3, b, 2, 3, new FloatPointer(9)));
    }
  }
}
