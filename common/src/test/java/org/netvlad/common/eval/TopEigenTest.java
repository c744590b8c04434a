package org.netvlad.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

/**
 * The top eigenpairs against an independent decomposition (Apache Commons Math), and A v = lambda
 * v, at sizes where LAPACK's blocked back-transformation runs: with OpenBLAS 0.3.19's DTRMM on an
 * AVX-512 processor, dsyev and dsyevr returned wrong eigenvectors from about 150 rows.
 */
class TopEigenTest {
  private static double[] symmetric(int n, long seed) {
    Random r = new Random(seed);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double v = r.nextGaussian();
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
    }
    return a;
  }

  private static void check(double[] a, int n, int k) {
    double[] before = a.clone();
    TopEigen.Pairs top = TopEigen.of(a, n, k);
    assertEquals(
        java.util.Arrays.toString(before),
        java.util.Arrays.toString(a),
        "the input is left as it was");
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = java.util.Arrays.copyOfRange(a, i * n, (i + 1) * n);
    }
    double[] reference =
        new EigenDecomposition(new Array2DRowRealMatrix(rows)).getRealEigenvalues(); // descending
    for (int c = 0; c < k; c++) {
      assertEquals(
          reference[c],
          top.values()[c],
          1e-9 * Math.abs(reference[0]),
          n + " x " + n + ", eigenvalue " + c);
      double[] v = top.vectors()[c];
      double norm = 0;
      for (int i = 0; i < n; i++) {
        double av = 0;
        for (int j = 0; j < n; j++) {
          av += a[i * n + j] * v[j];
        }
        assertEquals(
            top.values()[c] * v[i],
            av,
            1e-9 * Math.abs(reference[0]),
            "A v = lambda v, eigenvector " + c + " entry " + i);
        norm += v[i] * v[i];
      }
      assertEquals(1, norm, 1e-9, "unit eigenvector " + c);
    }
  }

  @Test
  void matchesAnIndependentDecompositionForEveryK() {
    check(symmetric(7, 1), 7, 1);
    check(symmetric(7, 2), 7, 3);
    check(symmetric(7, 3), 7, 7);
    check(symmetric(60, 4), 60, 25);
    check(symmetric(300, 6), 300, 300);
    check(symmetric(700, 7), 700, 90);
  }

  /**
   * A rank-2 matrix: two eigenvalues and a zero one repeated n - 2 times, as a Gram matrix of fewer
   * directions than samples.
   */
  @Test
  void repeatedEigenvaluesStillGiveOrthonormalVectors() {
    int n = 12;
    double[] a = new double[n * n];
    Random r = new Random(5);
    double[] u = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      u[i] = r.nextGaussian();
      w[i] = r.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = 3 * u[i] * u[j] + w[i] * w[j];
      }
    }
    check(a, n, 5);
    TopEigen.Pairs top = TopEigen.of(a, n, 5);
    for (int p = 0; p < 5; p++) {
      for (int q = p + 1; q < 5; q++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += top.vectors()[p][i] * top.vectors()[q][i];
        }
        assertEquals(0, dot, 1e-9, "vectors " + p + " and " + q);
      }
    }
  }

  @Test
  void refusesImpossibleRequests() {
    assertThrows(IllegalArgumentException.class, () -> TopEigen.of(new double[9], 3, 4));
    assertThrows(IllegalArgumentException.class, () -> TopEigen.of(new double[9], 3, 0));
    assertThrows(IllegalArgumentException.class, () -> TopEigen.of(new double[8], 3, 1));
  }
}
