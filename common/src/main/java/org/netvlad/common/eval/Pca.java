package org.netvlad.common.eval;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PCA with whitening as in the NetVLAD paper: descriptors minus the sample mean, projected on the
 * top principal directions, each divided by sqrt(lambda + 1e-9), then L2-normalised again. Fitted
 * from {@link Sums}, which add up across partitions, so no machine ever holds the sample itself.
 * {@link #withShrinkage} divides by sqrt(lambda + s mean(lambda)) instead, so that directions whose
 * variance is too small to estimate from the sample are not amplified as much.
 */
public final class Pca implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Added to each eigenvalue before the square root, as the paper and its reference code do. */
  public static final double EPSILON = 1e-9;

  private final float[] mean;

  /**
   * {@code [outputDims * inputDims]} row-major: principal direction k divided by sqrt(lambda_k +
   * eps).
   */
  private final float[] whitening;

  private final double[] eigenvalues;
  private final long sampleCount;

  /** s in sqrt(lambda + 1e-9 + s mean(lambda)): 0 is the paper's whitening. */
  private final double shrinkage;

  private transient volatile INDArray whiteningMatrix;

  public Pca(float[] mean, float[] whitening, double[] eigenvalues, long sampleCount) {
    this(mean, whitening, eigenvalues, sampleCount, 0);
  }

  private Pca(
      float[] mean, float[] whitening, double[] eigenvalues, long sampleCount, double shrinkage) {
    if (whitening.length != (long) eigenvalues.length * mean.length) {
      throw new IllegalArgumentException(
          "whitening matrix of "
              + whitening.length
              + " values for "
              + eigenvalues.length
              + " x "
              + mean.length);
    }
    this.mean = mean;
    this.whitening = whitening;
    this.eigenvalues = eigenvalues;
    this.sampleCount = sampleCount;
    this.shrinkage = shrinkage;
  }

  /**
   * The same directions, each divided by sqrt(lambda + 1e-9 + s mean(lambda)) rather than
   * sqrt(lambda + 1e-9), the mean over the kept eigenvalues: s = 0 is the paper's whitening, s
   * large tends to the plain projection.
   */
  public Pca withShrinkage(double s) {
    if (!(s >= 0) || Double.isInfinite(s)) {
      throw new IllegalArgumentException("shrinkage " + s + " is not a finite number >= 0");
    }
    int d = mean.length;
    double meanLambda = java.util.Arrays.stream(eigenvalues).average().orElse(0);
    float[] shrunk = new float[whitening.length];
    for (int k = 0; k < eigenvalues.length; k++) {
      // this row holds u_k / sqrt(lambda_k + eps + shrinkage mean): rescale it to the new
      // regulariser
      double rescale =
          Math.sqrt(
              (eigenvalues[k] + EPSILON + shrinkage * meanLambda)
                  / (eigenvalues[k] + EPSILON + s * meanLambda));
      for (int i = 0; i < d; i++) {
        shrunk[k * d + i] = (float) (whitening[k * d + i] * rescale);
      }
    }
    return new Pca(mean, shrunk, eigenvalues, sampleCount, s);
  }

  public double shrinkage() {
    return shrinkage;
  }

  /**
   * Running sums of a sample: count, sum and sum of outer products (the upper triangle is enough,
   * but the full matrix keeps the GEMM simple). Mergeable in any order.
   */
  public static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int dims;
    private long count;
    private final double[] sum;
    private final double[] outer;

    public Sums(int dims) {
      this.dims = dims;
      this.sum = new double[dims];
      this.outer = new double[dims * dims];
    }

    /** Adds rows of {@code dims} values each; the outer products by one GEMM per call. */
    public Sums add(float[][] rows) {
      if (rows.length == 0) {
        return this;
      }
      double[] flat = new double[rows.length * dims];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i].length != dims) {
          throw new IllegalArgumentException(
              "a descriptor of " + rows[i].length + " values among descriptors of " + dims);
        }
        for (int j = 0; j < dims; j++) {
          flat[i * dims + j] = rows[i][j];
          sum[j] += rows[i][j];
        }
      }
      double[] product;
      try (INDArray x = Nd4j.create(flat, new long[] {rows.length, dims}, DataType.DOUBLE);
          INDArray xtx = x.transpose().mmul(x);
          INDArray rowMajor = xtx.dup('c')) {
        product = rowMajor.data().asDouble();
      }
      for (int i = 0; i < outer.length; i++) {
        outer[i] += product[i];
      }
      count += rows.length;
      return this;
    }

    public Sums merge(Sums other) {
      if (other.dims != dims) {
        throw new IllegalArgumentException(
            "sums of " + other.dims + " dims merged into sums of " + dims);
      }
      count += other.count;
      for (int i = 0; i < dims; i++) {
        sum[i] += other.sum[i];
      }
      for (int i = 0; i < outer.length; i++) {
        outer[i] += other.outer[i];
      }
      return this;
    }

    public long count() {
      return count;
    }

    public int dims() {
      return dims;
    }
  }

  /** The largest output dimension a sample allows: at most the input dimension and count - 1. */
  public static int outputDims(int requested, int inputDims, long sampleCount) {
    return (int) Math.max(0, Math.min(requested, Math.min(inputDims, sampleCount - 1)));
  }

  /**
   * Fits from a sample's sums: covariance (1/n) sum (x - mean)(x - mean)^T, its eigendecomposition,
   * the top {@code outputDims(requestedDims, ...)} directions.
   */
  public static Pca fit(Sums sums, int requestedDims) {
    int d = sums.dims;
    long n = sums.count;
    int k = outputDims(requestedDims, d, n);
    if (k < 1) {
      throw new IllegalArgumentException("PCA needs at least 2 descriptors, got " + n);
    }
    double[] mean = new double[d];
    for (int i = 0; i < d; i++) {
      mean[i] = sums.sum[i] / n;
    }
    double[] cov = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        cov[i * d + j] = sums.outer[i * d + j] / n - mean[i] * mean[j];
      }
    }
    TopEigen.Pairs eigen = TopEigen.of(cov, d, k);
    double[] top = new double[k];
    float[] whitening = new float[k * d];
    for (int c = 0; c < k; c++) {
      top[c] = Math.max(0, eigen.values()[c]);
      double scale = 1 / Math.sqrt(top[c] + EPSILON);
      for (int i = 0; i < d; i++) {
        whitening[c * d + i] = (float) (eigen.vectors()[c][i] * scale);
      }
    }
    float[] meanF = new float[d];
    for (int i = 0; i < d; i++) {
      meanF[i] = (float) mean[i];
    }
    return new Pca(meanF, whitening, top, n);
  }

  /**
   * The eigenvectors of a centred sample's Gram matrix, for descriptors longer than the sample:
   * {@code G = Xc Xc^T} ({@code n x n}) has the covariance's non-zero eigenvalues times n, and
   * principal direction k is {@code Xc^T v_k / sqrt(n lambda_k)}, which {@link #fromGram} builds
   * from the sums {@code Xc^T v_k} (added up where the sample is).
   *
   * @param gram {@code n x n} row-major, symmetric
   * @return {@code [k][n]}: the top k eigenvectors, largest eigenvalue first
   */
  public static GramEigen gramEigen(double[] gram, int n, int requestedDims, int inputDims) {
    int k = outputDims(requestedDims, inputDims, n);
    if (k < 1) {
      throw new IllegalArgumentException("PCA needs at least 2 descriptors, got " + n);
    }
    TopEigen.Pairs eigen = TopEigen.of(gram, n, k);
    double[] lambdas = new double[k];
    for (int c = 0; c < k; c++) {
      lambdas[c] = Math.max(0, eigen.values()[c] / n);
    }
    double[][] v = eigen.vectors();
    return new GramEigen(lambdas, v, n);
  }

  /** Covariance eigenvalues (largest first) and the Gram eigenvectors they came from. */
  public record GramEigen(double[] eigenvalues, double[][] vectors, int sampleCount)
      implements Serializable {}

  /**
   * @param mean the sample mean
   * @param projected row k: {@code Xc^T v_k}, the centred sample weighted by Gram eigenvector k
   */
  public static Pca fromGram(float[] mean, double[][] projected, GramEigen eigen) {
    int d = mean.length;
    int k = eigen.eigenvalues().length;
    float[] whitening = new float[k * d];
    for (int c = 0; c < k; c++) {
      double lambda = eigen.eigenvalues()[c];
      double norm = Math.sqrt(eigen.sampleCount() * lambda);
      double scale = norm > 0 ? 1 / (norm * Math.sqrt(lambda + EPSILON)) : 0;
      for (int i = 0; i < d; i++) {
        whitening[c * d + i] = (float) (projected[c][i] * scale);
      }
    }
    return new Pca(mean, whitening, eigen.eigenvalues().clone(), eigen.sampleCount());
  }

  /**
   * The whitening matrix off-heap, made once per JVM: a copy per batch is large off-heap garbage
   * that can take a driver down.
   */
  private INDArray whiteningMatrix() {
    INDArray w = whiteningMatrix;
    if (w == null) {
      synchronized (this) {
        w = whiteningMatrix;
        if (w == null) {
          w = Nd4j.create(whitening, new long[] {eigenvalues.length, mean.length}, DataType.FLOAT);
          whiteningMatrix = w;
        }
      }
    }
    return w;
  }

  /** Whitened, L2-normalised descriptors of {@code rows} (one GEMM for the batch). */
  public float[][] apply(float[][] rows) {
    int d = mean.length;
    int k = eigenvalues.length;
    if (rows.length == 0) {
      return new float[0][];
    }
    float[] centred = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(
            "a descriptor of " + rows[i].length + " values for a PCA fitted on " + d);
      }
      for (int j = 0; j < d; j++) {
        centred[i * d + j] = rows[i][j] - mean[j];
      }
    }
    float[] y;
    // temporaries freed now: a batch at a time, their off-heap memory outgrows the collector's pace
    try (INDArray x = Nd4j.create(centred, new long[] {rows.length, d}, DataType.FLOAT);
        INDArray product = x.mmul(whiteningMatrix().transpose());
        INDArray rowMajor = product.dup('c')) {
      y = rowMajor.data().asFloat();
    }
    float[][] out = new float[rows.length][k];
    for (int i = 0; i < rows.length; i++) {
      double norm = 0;
      for (int c = 0; c < k; c++) {
        norm += (double) y[i * k + c] * y[i * k + c];
      }
      double inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (int c = 0; c < k; c++) {
        out[i][c] = (float) (y[i * k + c] * inverse);
      }
    }
    return out;
  }

  public int inputDims() {
    return mean.length;
  }

  public int outputDims() {
    return eigenvalues.length;
  }

  public float[] mean() {
    return mean.clone();
  }

  /** Row k: principal direction k divided by sqrt(lambda_k + 1e-9 + shrinkage mean(lambda)). */
  public float[] whiteningRow(int k) {
    return java.util.Arrays.copyOfRange(whitening, k * mean.length, (k + 1) * mean.length);
  }

  /** Eigenvalues of the kept directions, largest first. */
  public double[] eigenvalues() {
    return eigenvalues.clone();
  }

  public long sampleCount() {
    return sampleCount;
  }
}
