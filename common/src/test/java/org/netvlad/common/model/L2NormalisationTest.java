package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The normalisation every pooling ends with, {@code v / max(||v||, eps)}, and the max and GeM
 * poolings through it, against central finite differences of plain-Java forwards, above, at and
 * below the clamp.
 */
class L2NormalisationTest {
  private static final double EPS = NetVladMath.EPS;

  /** {@code v / max(||v||, eps)} in plain Java. */
  static double[] normalised(double[] v, double eps) {
    double sum = 0;
    for (double e : v) {
      sum += e * e;
    }
    double norm = Math.max(Math.sqrt(sum), eps);
    double[] y = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      y[i] = v[i] / norm;
    }
    return y;
  }

  @ParameterizedTest(name = "||v|| = {0} eps")
  @ValueSource(doubles = {0, 1e-6, 0.5, 0.999, 1.001, 2, 1e6})
  void theBackwardIsTheDerivativeOfTheClampedForward(double timesEps) {
    Random random = new Random(7);
    double[] v = unitVector(random, 6, timesEps * EPS);
    double[] g = gaussian(random, 6);
    double h = Math.max(timesEps, 1) * EPS * 1e-5; // small enough to stay on one side of the clamp
    double[] expected = numericVjp(u -> normalised(u, EPS), v, g, h);
    assertClose(expected, backward(v, g, EPS), 1e-8);
  }

  @Test
  void atTheClampTheNormsSideIsTaken() {
    Random random = new Random(8);
    double[] v = unitVector(random, 5, 3.0);
    double[] g = gaussian(random, 5);
    double eps =
        Nd4j.create(v)
            .norm2Number()
            .doubleValue(); // ||v|| = eps exactly, as the forward computes it
    double[] fromAbove =
        numericVjp(u -> normalised(u, 0), v, g, 1e-6); // v / ||v||: the forward for ||v|| >= eps
    assertClose(fromAbove, backward(v, g, eps), 1e-8);
  }

  @Test
  void rowsAreNormalisedOnTheirOwn() {
    double[][] rows = {{3e-13, 4e-13}, {3, 4}, {0, 0}};
    INDArray v = Nd4j.create(rows);
    double[][] y = L2Normalisation.normalised(v, EPS).toDoubleMatrix();
    assertArrayEquals(new double[] {0.3, 0.4}, y[0], 1e-12); // below the clamp: divided by eps
    assertArrayEquals(new double[] {0.6, 0.8}, y[1], 1e-12);
    assertArrayEquals(new double[] {0, 0}, y[2], 0);
  }

  @ParameterizedTest(name = "||f|| = {0} eps")
  @ValueSource(doubles = {1e-3, 0.5, 2, 1e12})
  void maxPoolingAboveAndBelowTheClamp(double timesEps) {
    Random random = new Random(9);
    int batch = 2;
    int depth = 3;
    int locations = 4;
    double scale = timesEps * EPS;
    double[] x = new double[batch * depth * locations];
    for (int i = 0; i < x.length; i++) {
      x[i] = scale * random.nextDouble();
    }
    double[] g = gaussian(random, batch * depth);
    Function<double[], double[]> forward =
        u -> {
          double[] out = new double[batch * depth];
          for (int n = 0; n < batch; n++) {
            double[] f = new double[depth];
            for (int d = 0; d < depth; d++) {
              f[d] = Double.NEGATIVE_INFINITY;
              for (int i = 0; i < locations; i++) {
                f[d] = Math.max(f[d], u[(n * depth + d) * locations + i]);
              }
            }
            System.arraycopy(normalised(f, EPS), 0, out, n * depth, depth);
          }
          return out;
        };
    double[] expected = numericVjp(forward, x, g, scale * 1e-6);
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray input = Nd4j.create(x, new long[] {batch, depth, 2, 2}, 'c').castTo(type);
      INDArray dOut = Nd4j.create(g, new long[] {batch, depth}, 'c').castTo(type);
      double[] actual =
          PoolingMath.maxBackward(input, dOut).castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
      assertClose(expected, actual, type == DataType.FLOAT ? 1e-5 : 1e-8);
    }
  }

  @ParameterizedTest(name = "features about {0} x the GeM clamp, some below it")
  @ValueSource(doubles = {1.5, 1e6})
  void gemPoolingNearItsClampAndFarAbove(double timesClamp) {
    Random random = new Random(10);
    int depth = 3;
    int locations = 4;
    double p = 3;
    double[] x = new double[depth * locations];
    for (int i = 0; i < x.length; i++) {
      x[i] = timesClamp * PoolingMath.GEM_CLAMP * (0.5 + random.nextDouble());
    }
    double[] g = gaussian(random, depth);
    Function<double[], double[]> forward =
        u -> {
          double[] f = new double[depth];
          for (int d = 0; d < depth; d++) {
            for (int i = 0; i < locations; i++) {
              f[d] +=
                  Math.pow(Math.max(u[d * locations + i], PoolingMath.GEM_CLAMP), p) / locations;
            }
            f[d] = Math.pow(f[d], 1 / p);
          }
          return normalised(f, EPS);
        };
    double h = timesClamp * PoolingMath.GEM_CLAMP * 1e-4;
    double[] expected = numericVjp(forward, x, g, h);
    for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      INDArray input = Nd4j.create(x, new long[] {1, depth, 2, 2}, 'c').castTo(type);
      INDArray dOut = Nd4j.create(g, new long[] {1, depth}, 'c').castTo(type);
      double[] actual =
          PoolingMath.gemBackward(input, p, dOut)[0]
              .castTo(DataType.DOUBLE)
              .reshape(-1)
              .toDoubleVector();
      assertClose(expected, actual, type == DataType.FLOAT ? 1e-4 : 1e-6);
    }
  }

  private static double[] backward(double[] v, double[] g, double eps) {
    INDArray rows = Nd4j.create(new double[][] {v});
    L2Normalisation.Norms norms = L2Normalisation.norms(rows, eps);
    INDArray y = rows.div(norms.clamped());
    return L2Normalisation.backward(y, norms, Nd4j.create(new double[][] {g}))
        .reshape(-1)
        .toDoubleVector();
  }

  /** g . dF/dv by central differences, one element of v at a time. */
  static double[] numericVjp(Function<double[], double[]> f, double[] v, double[] g, double h) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      double[] up = v.clone();
      double[] down = v.clone();
      up[i] += h;
      down[i] -= h;
      double[] fu = f.apply(up);
      double[] fd = f.apply(down);
      for (int j = 0; j < g.length; j++) {
        out[i] += g[j] * (fu[j] - fd[j]) / (2 * h);
      }
    }
    return out;
  }

  /**
   * Relative to the larger of the expected vector's norm and the smallest scale that is not noise.
   */
  private static void assertClose(double[] expected, double[] actual, double tolerance) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
      norm += expected[i] * expected[i];
    }
    assertTrue(norm > 0, "nothing checked: the expected gradient is zero");
    assertTrue(
        Math.sqrt(diff) <= tolerance * Math.sqrt(norm),
        String.format(
            "relative error %.3g: expected %s, got %s",
            Math.sqrt(diff / norm),
            java.util.Arrays.toString(expected),
            java.util.Arrays.toString(actual)));
  }

  private static double[] unitVector(Random random, int n, double norm) {
    double[] v = gaussian(random, n);
    double sum = 0;
    for (double e : v) {
      sum += e * e;
    }
    for (int i = 0; i < n; i++) {
      v[i] *= norm / Math.sqrt(sum);
    }
    return v;
  }

  private static double[] gaussian(Random random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }
}
