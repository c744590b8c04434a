package org.netvlad.common.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

/**
 * PCA whitening against an independent eigendecomposition (Apache Commons Math) of the same sample.
 */
class PcaTest {
  /** Correlated samples with a spread-out spectrum: x = A z + mu, z standard normal. */
  private static float[][] sample(int n, int d, long seed) {
    Random r = new Random(seed);
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        a[i][j] = r.nextGaussian() * (j + 1) / d;
      }
    }
    float[][] x = new float[n][d];
    for (int s = 0; s < n; s++) {
      double[] z = new double[d];
      for (int j = 0; j < d; j++) {
        z[j] = r.nextGaussian();
      }
      for (int i = 0; i < d; i++) {
        double v = 0.5 * i;
        for (int j = 0; j < d; j++) {
          v += a[i][j] * z[j];
        }
        x[s][i] = (float) v;
      }
    }
    return x;
  }

  /** Covariance (1/n) sum (x - mean)(x - mean)^T computed directly, in double. */
  private static RealMatrix covariance(float[][] x) {
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / (double) n;
      }
    }
    double[][] c = new double[d][d];
    for (float[] row : x) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          c[i][j] += (row[i] - mean[i]) * (row[j] - mean[j]) / n;
        }
      }
    }
    return new Array2DRowRealMatrix(c);
  }

  @Test
  void directionsAndEigenvaluesMatchAnIndependentEigendecomposition() {
    float[][] x = sample(400, 12, 3);
    // the sums added in three uneven parts and merged, as partitions would
    Pca.Sums sums = new Pca.Sums(12).add(Arrays.copyOfRange(x, 0, 50));
    sums.merge(new Pca.Sums(12).add(Arrays.copyOfRange(x, 50, 51)))
        .merge(new Pca.Sums(12).add(Arrays.copyOfRange(x, 51, 400)));
    Pca pca = Pca.fit(sums, 5);
    assertEquals(5, pca.outputDims());
    assertEquals(400, pca.sampleCount());

    EigenDecomposition reference = new EigenDecomposition(covariance(x));
    double[] lambdas = reference.getRealEigenvalues(); // descending
    for (int k = 0; k < 5; k++) {
      assertEquals(lambdas[k], pca.eigenvalues()[k], 1e-4 * lambdas[0], "eigenvalue " + k);
      RealVector u = reference.getEigenvector(k);
      float[] row = pca.whiteningRow(k);
      double scale = Math.sqrt(lambdas[k] + Pca.EPSILON);
      double sign = Math.signum(row[0] * u.getEntry(0));
      for (int i = 0; i < 12; i++) {
        assertEquals(u.getEntry(i), sign * row[i] * scale, 2e-3, "direction " + k + " entry " + i);
      }
    }
  }

  /**
   * Shrunk whitening: variance of direction k becomes lambda_k / (lambda_k + s mean(lambda)), from
   * an independent decomposition.
   */
  @Test
  void shrinkageDividesByTheEigenvaluePlusAShareOfTheirMean() {
    float[][] x = sample(400, 10, 5);
    Pca paper = Pca.fit(new Pca.Sums(10).add(x), 6);
    double[] lambdas = new EigenDecomposition(covariance(x)).getRealEigenvalues();
    double meanLambda = Arrays.stream(lambdas, 0, 6).average().orElseThrow();
    for (double s : new double[] {0, 0.1, 1, 1e6}) {
      Pca shrunk = paper.withShrinkage(s).withShrinkage(s); // applying it twice is the same as once
      assertEquals(s, shrunk.shrinkage());
      float[] mean = shrunk.mean();
      for (int k = 0; k < 6; k++) {
        float[] w = shrunk.whiteningRow(k);
        double variance = 0;
        for (float[] row : x) {
          double y = 0;
          for (int i = 0; i < 10; i++) {
            y += w[i] * (row[i] - mean[i]);
          }
          variance += y * y / x.length;
        }
        double expected = lambdas[k] / (lambdas[k] + Pca.EPSILON + s * meanLambda);
        assertEquals(expected, variance, 2e-3 * expected, "s " + s + ", direction " + k);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> paper.withShrinkage(-0.5));
    assertThrows(IllegalArgumentException.class, () -> paper.withShrinkage(Double.NaN));
  }

  @Test
  void whitenedSampleHasUnitVarianceAndOutputsAreUnitLength() {
    float[][] x = sample(500, 8, 9);
    Pca pca = Pca.fit(new Pca.Sums(8).add(x), 8);
    // before the final normalisation, projections have identity covariance: check by hand
    float[] mean = pca.mean();
    for (int a = 0; a < 8; a++) {
      for (int b = 0; b < 8; b++) {
        double c = 0;
        float[] wa = pca.whiteningRow(a);
        float[] wb = pca.whiteningRow(b);
        for (float[] row : x) {
          double ya = 0;
          double yb = 0;
          for (int i = 0; i < 8; i++) {
            ya += wa[i] * (row[i] - mean[i]);
            yb += wb[i] * (row[i] - mean[i]);
          }
          c += ya * yb / x.length;
        }
        assertEquals(a == b ? 1 : 0, c, 2e-3, "whitened covariance [" + a + "][" + b + "]");
      }
    }
    for (float[] y : pca.apply(x)) {
      double norm = 0;
      for (float v : y) {
        norm += v * v;
      }
      assertEquals(1, norm, 1e-5);
    }
  }

  @Test
  void applyProjectsCentredDescriptorsOnTheWhitenedDirections() {
    float[][] x = sample(300, 6, 4);
    Pca pca = Pca.fit(new Pca.Sums(6).add(x), 3);
    float[][] y = pca.apply(new float[][] {x[7]});
    double[] expected = new double[3];
    double norm = 0;
    for (int k = 0; k < 3; k++) {
      float[] w = pca.whiteningRow(k);
      for (int i = 0; i < 6; i++) {
        expected[k] += w[i] * (x[7][i] - pca.mean()[i]);
      }
      norm += expected[k] * expected[k];
    }
    for (int k = 0; k < 3; k++) {
      assertEquals(expected[k] / Math.sqrt(norm), y[0][k], 1e-5);
    }
  }

  /**
   * The Gram route (descriptors longer than the sample) against the covariance route on the same
   * data.
   */
  @Test
  void gramRouteEqualsTheCovarianceRouteWhenDescriptorsAreLongerThanTheSample() {
    int n = 20;
    int d = 30;
    float[][] x = sample(n, d, 11);
    Pca viaCovariance = Pca.fit(new Pca.Sums(d).add(x), 8);
    float[] mean = viaCovariance.mean();
    double[] gram = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int t = 0; t < d; t++) {
          gram[i * n + j] += (double) (x[i][t] - mean[t]) * (x[j][t] - mean[t]);
        }
      }
    }
    Pca.GramEigen eigen = Pca.gramEigen(gram, n, 8, d);
    double[][] projected = new double[8][d];
    for (int k = 0; k < 8; k++) {
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < d; t++) {
          projected[k][t] += (x[i][t] - mean[t]) * eigen.vectors()[k][i];
        }
      }
    }
    Pca viaGram = Pca.fromGram(mean, projected, eigen);
    assertEquals(8, viaGram.outputDims());
    for (int k = 0; k < 8; k++) {
      assertEquals(
          viaCovariance.eigenvalues()[k],
          viaGram.eigenvalues()[k],
          1e-6 * viaCovariance.eigenvalues()[0],
          "eigenvalue " + k);
      float[] a = viaCovariance.whiteningRow(k);
      float[] b = viaGram.whiteningRow(k);
      double sign = Math.signum(a[0] * b[0]);
      for (int t = 0; t < d; t++) {
        assertEquals(
            a[t], sign * b[t], 1e-3 * Math.abs(a[0]) + 1e-4, "whitening row " + k + " entry " + t);
      }
    }
  }

  @Test
  void outputDimensionIsCappedByTheSample() {
    assertEquals(4096, Pca.outputDims(4096, 32768, 10_000));
    assertEquals(9, Pca.outputDims(4096, 512, 10));
    assertEquals(512, Pca.outputDims(4096, 512, 10_000));
    float[][] x = sample(5, 10, 1);
    assertEquals(4, Pca.fit(new Pca.Sums(10).add(x), 4096).outputDims());
    assertThrows(
        IllegalArgumentException.class,
        () -> Pca.fit(new Pca.Sums(10).add(new float[][] {x[0]}), 4));
    assertThrows(
        IllegalArgumentException.class, () -> new Pca.Sums(10).add(new float[][] {new float[3]}));
  }
}
