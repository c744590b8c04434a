package org.netvlad.common.eval;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The k largest eigenpairs of a symmetric matrix: LAPACK's dsytrd reduces it to tridiagonal form,
 * dstemr (MRRR) finds the k eigenvectors of that, and the reflectors of the reduction are applied
 * to them here by DGEMM in blocks.
 *
 * <p>Why not dsyev/dsyevr: the OpenBLAS 0.3.19 that ND4J bundles computes DTRMM wrongly with its
 * SkylakeX kernels (any AVX-512 processor), and LAPACK's back-transformation (dormtr, dlarfb) calls
 * DTRMM: the eigenvalues came out right and the eigenvectors wrong beyond about 150 dimensions,
 * which made PCA whitening of every descriptor longer than 4,096 dims useless. dsytrd (DSYMV,
 * DSYR2K), dstemr and DGEMM are correct there (TopEigenTest, BlasKernelsTest). dstemr also computes
 * only the vectors asked for: ND4J's dsyev spent over 10 minutes on the 10,000 x 10,000 Gram matrix
 * of the paper's PCA sample.
 */
public final class TopEigen {
  private static final int COLUMN_MAJOR = 102;
  private static final int NO_TRANS = 111;
  private static final int TRANS = 112;

  /** Reflectors applied per DGEMM block. */
  private static final int BLOCK = 64;

  /**
   * Eigenvalues, largest first, and {@code vectors[c]}: the unit eigenvector of {@code values[c]}.
   */
  public record Pairs(double[] values, double[][] vectors) {}

  private TopEigen() {}

  /**
   * @param a {@code n x n} symmetric (read as column-major, the same for a symmetric matrix); left
   *     unchanged
   */
  public static Pairs of(double[] a, int n, int k) {
    if (k < 1 || k > n || a.length != (long) n * n) {
      throw new IllegalArgumentException(
          "the top "
              + k
              + " eigenpairs of a "
              + n
              + " x "
              + n
              + " matrix of "
              + a.length
              + " values");
    }
    Tridiagonal t = tridiagonal(a, n);
    try (DoublePointer diagonal = new DoublePointer(t.diagonal());
        DoublePointer offDiagonal = new DoublePointer(t.offDiagonal());
        DoublePointer w = new DoublePointer(n);
        DoublePointer z = new DoublePointer((long) n * k);
        IntPointer found = new IntPointer(1);
        IntPointer support = new IntPointer(2L * n);
        IntPointer tryRac = new IntPointer(new int[] {1})) {
      check(
          "dstemr",
          openblas.LAPACKE_dstemr(
              COLUMN_MAJOR,
              (byte) 'V',
              (byte) 'I',
              n,
              diagonal,
              offDiagonal,
              0,
              0,
              n - k + 1,
              n,
              found,
              w,
              z,
              n,
              k,
              support,
              tryRac),
          found.get() == k);
      applyReflectors(t.lower(), t.taus(), n, z, k);
      return pairs(w, z, n, k);
    }
  }

  /**
   * A = Q T Q^T: T's diagonal and off-diagonal (n values, the last spare for dstemr), Q's
   * reflectors below the subdiagonal of lower.
   */
  private record Tridiagonal(
      double[] lower, double[] diagonal, double[] offDiagonal, double[] taus) {}

  private static Tridiagonal tridiagonal(double[] a, int n) {
    double[] diagonal = new double[n];
    double[] offDiagonal = new double[n];
    double[] taus = new double[Math.max(1, n - 1)];
    double[] lower = new double[n * n];
    try (DoublePointer reduced = new DoublePointer(a);
        DoublePointer d = new DoublePointer(n);
        DoublePointer e = new DoublePointer(n);
        DoublePointer tau = new DoublePointer(taus.length)) {
      check(
          "dsytrd",
          openblas.LAPACKE_dsytrd(COLUMN_MAJOR, (byte) 'L', n, reduced, n, d, e, tau),
          true);
      reduced.get(lower);
      d.get(diagonal);
      e.get(offDiagonal);
      tau.get(taus);
    }
    return new Tridiagonal(lower, diagonal, offDiagonal, taus);
  }

  private static void check(String routine, int info, boolean complete) {
    if (info != 0 || !complete) {
      throw new ArithmeticException("LAPACK " + routine + " failed (info " + info + ")");
    }
  }

  /**
   * z := Q z, a block of reflectors at a time from the last: z -= V (T (V^T z)) (LAPACK's forward,
   * columnwise WY form).
   */
  private static void applyReflectors(
      double[] lower, double[] taus, int n, DoublePointer z, int k) {
    for (int first = ((n - 2) / BLOCK) * BLOCK; first >= 0 && n > 1; first -= BLOCK) {
      int count = Math.min(BLOCK, n - 1 - first);
      int rows =
          n - 1 - first; // reflector i touches rows i+1..n-1; the block's first touches the most
      double[] v = reflectors(lower, n, first, count, rows);
      double[] t = triangularFactor(v, taus, first, count, rows);
      try (DoublePointer vp = new DoublePointer(v);
          DoublePointer tp = new DoublePointer(t);
          DoublePointer vtz = new DoublePointer((long) count * k);
          DoublePointer tvtz = new DoublePointer((long) count * k)) {
        DoublePointer zRows = new DoublePointer(z).position(first + 1); // a view: owns no memory
        openblas.cblas_dgemm(
            COLUMN_MAJOR, TRANS, NO_TRANS, count, k, rows, 1, vp, rows, zRows, n, 0, vtz, count);
        openblas.cblas_dgemm(
            COLUMN_MAJOR,
            NO_TRANS,
            NO_TRANS,
            count,
            k,
            count,
            1,
            tp,
            count,
            vtz,
            count,
            0,
            tvtz,
            count);
        openblas.cblas_dgemm(
            COLUMN_MAJOR,
            NO_TRANS,
            NO_TRANS,
            rows,
            k,
            count,
            -1,
            vp,
            rows,
            tvtz,
            count,
            1,
            zRows,
            n);
      }
    }
  }

  /**
   * Reflectors first..first+count-1 as the columns of a rows x count matrix over rows first+1..n-1
   * (column-major).
   */
  private static double[] reflectors(double[] lower, int n, int first, int count, int rows) {
    double[] v = new double[rows * count];
    for (int c = 0; c < count; c++) {
      int i = first + c;
      v[c * rows + (i + 1 - (first + 1))] = 1;
      for (int r = i + 2; r < n; r++) {
        v[c * rows + (r - first - 1)] = lower[i * n + r];
      }
    }
    return v;
  }

  /**
   * The upper triangular T of H(first) ... H(first+count-1) = I - V T V^T (LAPACK's dlarft,
   * forward, columnwise).
   */
  private static double[] triangularFactor(
      double[] v, double[] taus, int first, int count, int rows) {
    double[] t = new double[count * count];
    for (int c = 0; c < count; c++) {
      double tau = taus[first + c];
      t[c * count + c] = tau;
      double[] column = new double[c];
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int r = 0; r < rows; r++) {
          dot += v[p * rows + r] * v[c * rows + r];
        }
        column[p] = -tau * dot;
      }
      for (int p = 0; p < c; p++) {
        double sum = 0;
        for (int q = p; q < c; q++) {
          sum += t[q * count + p] * column[q];
        }
        t[c * count + p] = sum;
      }
    }
    return t;
  }

  private static Pairs pairs(DoublePointer w, DoublePointer z, int n, int k) {
    double[] ascending = new double[k];
    w.get(ascending);
    double[] columns = new double[n * k]; // column j, the eigenvector of ascending[j], at j * n
    z.get(columns);
    double[] values = new double[k];
    double[][] vectors = new double[k][n];
    for (int c = 0; c < k; c++) {
      int column = k - 1 - c; // dstemr returns the selected eigenvalues in ascending order
      values[c] = ascending[column];
      System.arraycopy(columns, column * n, vectors[c], 0, n);
    }
    return new Pairs(values, vectors);
  }
}
