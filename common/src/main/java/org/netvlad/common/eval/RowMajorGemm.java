package org.netvlad.common.eval;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Float matrix products through the BLAS that ND4J loads (its OpenBLAS, or what
 * org.bytedeco.openblas.load names), called directly. ND4J's {@code mmul} of the same row-major
 * operands is slower (docs/benchmarks.md, "recall").
 */
public final class RowMajorGemm {
  private RowMajorGemm() {}

  /**
   * {@code out = a bᵀ}: a is {@code [aRows x dims]}, b is {@code [bRows x dims]}, out is {@code
   * [aRows x bRows]}, all row-major and dense, out overwritten. Threads: the BLAS's own setting
   * (ND4J's {@code blas().setMaxThreads}, or OMP_NUM_THREADS).
   */
  public static void timesTransposed(
      FloatPointer a, int aRows, FloatPointer b, int bRows, int dims, FloatPointer out) {
    require(a, (long) aRows * dims, "a");
    require(b, (long) bRows * dims, "b");
    require(out, (long) aRows * bRows, "out");
    if (aRows == 0 || bRows == 0) {
      return;
    }
    // with dims 0 the product is zeros; the BLAS still wants leading dimensions of at least 1
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasTrans,
        aRows,
        bRows,
        dims,
        1f,
        a,
        Math.max(1, dims),
        b,
        Math.max(1, dims),
        0f,
        out,
        bRows);
  }

  private static void require(FloatPointer p, long values, String name) {
    if (p.capacity() - p.position() < values) {
      throw new IllegalArgumentException(
          name
              + " holds "
              + (p.capacity() - p.position())
              + " floats, the product needs "
              + values);
    }
  }
}
