package org.netvlad.common.eval;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The k largest eigenpairs of a symmetric matrix by LAPACK's dsyevr (MRRR), which computes only
 * the eigenvectors asked for. ND4J's Eigen calls dsyev, all n eigenvectors by QR iteration: on
 * a 10,000 x 10,000 Gram matrix (the paper's PCA sample) that took over 10 minutes on 2 cores.
 */
public final class TopEigen {
  private static final int ROW_MAJOR = 101;

  /** Eigenvalues, largest first, and {@code vectors[c]}: the unit eigenvector of {@code values[c]}. */
  public record Pairs(double[] values, double[][] vectors) {}

  private TopEigen() {}

  /** @param a {@code n x n} row-major, symmetric (only its upper triangle is read); left unchanged */
  public static Pairs of(double[] a, int n, int k) {
    if (k < 1 || k > n || a.length != (long) n * n) {
      throw new IllegalArgumentException("the top " + k + " eigenpairs of a " + n + " x " + n + " matrix of " + a.length + " values");
    }
    try (DoublePointer matrix = new DoublePointer(a);
        DoublePointer w = new DoublePointer(n);
        DoublePointer z = new DoublePointer((long) n * k);
        IntPointer found = new IntPointer(1);
        IntPointer support = new IntPointer(2L * k)) {
      int info = openblas.LAPACKE_dsyevr(ROW_MAJOR, (byte) 'V', (byte) 'I', (byte) 'U', n, matrix, n, 0, 0, n - k + 1, n, 0, found, w, z, k,
          support);
      if (info != 0 || found.get() != k) {
        throw new ArithmeticException("LAPACK dsyevr failed (info " + info + ", " + found.get() + " of " + k + " eigenpairs)");
      }
      double[] ascending = new double[k];
      w.get(ascending);
      double[] columns = new double[n * k];
      z.get(columns);
      double[] values = new double[k];
      double[][] vectors = new double[k][n];
      for (int c = 0; c < k; c++) {
        int column = k - 1 - c; // dsyevr returns the selected eigenvalues in ascending order
        values[c] = ascending[column];
        for (int i = 0; i < n; i++) {
          vectors[c][i] = columns[i * k + column];
        }
      }
      return new Pairs(values, vectors);
    }
  }
}
