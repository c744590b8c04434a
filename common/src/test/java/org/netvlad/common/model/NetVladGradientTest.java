package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NetVLAD's backward pass against central finite differences of the plain-Java double-precision
 * forward ({@link NetVladReference}), in the regimes real data reaches: fewer locations than
 * clusters with alpha in the hundreds (most clusters empty), and one cluster whose residual norm
 * lies just below or just above the clamp {@code eps = 1e-12}. Random inputs with a mild alpha
 * never leave a cluster empty, which is how a backward pass that treated every norm as unclamped
 * passed DL4J's gradient checks.
 */
class NetVladGradientTest {
  private static final double EPS = NetVladMath.EPS;

  /**
   * One NetVLAD problem in plain Java: {@code x[n][d][h][w]}, parameters, and a loss direction r.
   */
  static final class Problem {
    final double[][][][] x;
    final double[][] w;
    final double[] b;
    final double[][] c;
    final double[][] r;
    double intraEps = EPS;
    boolean hard;

    Problem(double[][][][] x, double[][] w, double[] b, double[][] c, double[][] r) {
      this.x = x;
      this.w = w;
      this.b = b;
      this.c = c;
      this.r = r;
    }

    /** L = sum_n r_n . y_n, the loss whose gradient is checked. */
    double loss() {
      double sum = 0;
      for (int n = 0; n < x.length; n++) {
        double[] y = NetVladReference.descriptor(x[n], w, b, c, hard, intraEps);
        for (int i = 0; i < y.length; i++) {
          sum += r[n][i] * y[i];
        }
      }
      return sum;
    }

    /** ||V_k|| of image n: the residual sum of cluster k before intra-normalisation. */
    double residualNorm(int n, int k) {
      return NetVladReference.residualNorms(x[n], w, b, c)[k];
    }

    NetVladMath.Backward backward(DataType type) {
      INDArray dOut = Nd4j.create(r).castTo(type);
      INDArray cc = Nd4j.create(c).castTo(type);
      NetVladMath.Forward f =
          NetVladMath.forward(
              Nd4j.create(x).castTo(type),
              Nd4j.create(w).castTo(type),
              Nd4j.create(b).castTo(type),
              cc,
              hard,
              intraEps);
      return NetVladMath.backward(f, Nd4j.create(w).castTo(type), cc, hard, dOut);
    }
  }

  /**
   * {@code batch} images of {@code locations} locations and {@code depth} channels, {@code
   * clusters} centres near features, w = alpha * normalised centres, b = 0 (the initialisation).
   */
  static Problem problem(
      long seed, int batch, int depth, int height, int width, int clusters, double alpha) {
    Random random = new Random(seed);
    double[][][][] x = new double[batch][depth][height][width];
    for (double[][][] image : x) {
      for (double[][] plane : image) {
        for (double[] row : plane) {
          for (int i = 0; i < row.length; i++) {
            row[i] = random.nextGaussian() + 0.2;
          }
        }
      }
    }
    double[][] c = NetVladMathTest.gaussian(random, clusters, depth, 1.0);
    double[][] w = new double[clusters][depth];
    for (int k = 0; k < clusters; k++) {
      double[] unit = c[k].clone();
      NetVladReference.normalise(unit);
      for (int d = 0; d < depth; d++) {
        w[k][d] = alpha * unit[d];
        c[k][d] =
            0.5
                * unit[
                    d]; // centres inside the unit ball, as k-means over normalised features gives
      }
    }
    double[] b = new double[clusters];
    double[][] r = NetVladMathTest.gaussian(random, batch, clusters * depth, 1.0);
    return new Problem(x, w, b, c, r);
  }

  /**
   * Moves cluster k's bias until ||V_k|| of image 0 is {@code target}: small residuals scale as
   * exp(b_k).
   */
  static void tuneResidualNorm(Problem p, int k, double target) {
    for (int i = 0; i < 60 && Math.abs(p.residualNorm(0, k) / target - 1) > 1e-9; i++) {
      p.b[k] += Math.log(target / p.residualNorm(0, k));
    }
    assertEquals(
        1, p.residualNorm(0, k) / target, 1e-6, "could not set the residual norm of cluster " + k);
  }

  @Test
  void fewerLocationsThanClustersAndAlphaInTheHundreds() {
    Problem p = problem(1, 2, 5, 1, 2, 8, 300);
    int empty = 0;
    int nearlyEmpty = 0;
    for (int n = 0; n < 2; n++) {
      for (int k = 0; k < 8; k++) {
        double norm = p.residualNorm(n, k);
        empty += norm < EPS ? 1 : 0;
        nearlyEmpty += norm >= EPS && norm < 1e-3 ? 1 : 0;
      }
    }
    assertTrue(
        empty >= 6 && nearlyEmpty >= 1,
        "the case needs empty and nearly empty clusters: " + empty + ", " + nearlyEmpty);
    assertMatchesFiniteDifferences(p, DataType.DOUBLE, 1e-6);
  }

  @ParameterizedTest(name = "||V_k|| = {0} eps")
  @ValueSource(doubles = {1e-3, 0.5, 0.99, 1.01, 2, 1e3})
  void aClusterWhoseResidualNormIsNearTheClamp(double timesEps) {
    Problem p = problem(2, 1, 6, 2, 2, 5, 20);
    int k = 3;
    tuneResidualNorm(p, k, timesEps * EPS);
    assertMatchesFiniteDifferences(p, DataType.DOUBLE, 1e-6);
  }

  @ParameterizedTest(name = "intra-normalisation clamp {0}")
  @ValueSource(doubles = {0.01, 0.3})
  void aLargerIntraNormalisationClampIsDifferentiatedExactlyToo(double intraEps) {
    Problem p = problem(5, 2, 5, 2, 2, 6, 30);
    p.intraEps = intraEps;
    int below = 0;
    for (int n = 0; n < 2; n++) {
      for (int k = 0; k < 6; k++) {
        below += p.residualNorm(n, k) < intraEps ? 1 : 0;
      }
    }
    assertTrue(
        below >= 2 && below <= 10,
        "the case needs clusters on both sides of the clamp: " + below + " of 12 below");
    assertMatchesFiniteDifferences(p, DataType.DOUBLE, 1e-6);
  }

  @ParameterizedTest(name = "||V_k|| = {0} eps, float")
  @ValueSource(doubles = {0.5, 2})
  void inFloatTheGradientIsTheSame(double timesEps) {
    Problem p = problem(3, 2, 6, 2, 3, 6, 20);
    tuneResidualNorm(p, 2, timesEps * EPS);
    assertMatchesFiniteDifferences(p, DataType.FLOAT, 2e-3);
  }

  @Test
  void allZeroLocationsAndAllEmptyClustersGiveFiniteGradients() {
    Problem p = problem(4, 1, 4, 2, 2, 3, 5);
    for (double[][] plane : p.x[0]) {
      for (double[] row : plane) {
        java.util.Arrays.fill(row, 0);
      }
    }
    // the centres stay: every location is zero, so V_k = -(sum_i a_k) c_k
    NetVladMath.Backward g = p.backward(DataType.DOUBLE);
    for (INDArray a : new INDArray[] {g.input(), g.w(), g.b(), g.c()}) {
      assertTrue(
          java.util.Arrays.stream(a.reshape(-1).toDoubleVector()).allMatch(Double::isFinite),
          a.toString());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"DOUBLE", "FLOAT"})
  void vladWithEmptyClusters(String type) {
    Problem p =
        problem(
            6, 2, 5, 1, 3, 8, 1); // 3 locations for 8 centres: at least 5 clusters empty per image
    p.hard = true;
    NetVladMath.Backward g = p.backward(DataType.valueOf(type));
    double tolerance = type.equals("FLOAT") ? 1e-4 : 1e-7;
    assertBlock(
        "dL/dx", g.input(), numeric(p, q -> flatten(q.x), (q, i, v) -> set(q.x, i, v)), tolerance);
    assertBlock(
        "dL/dc",
        g.c(),
        numeric(p, q -> flatten(q.c), (q, i, v) -> q.c[i / q.c[0].length][i % q.c[0].length] = v),
        tolerance);
  }

  private static void assertMatchesFiniteDifferences(Problem p, DataType type, double tolerance) {
    NetVladMath.Backward g = p.backward(type);
    assertBlock(
        "dL/dx", g.input(), numeric(p, q -> flatten(q.x), (q, i, v) -> set(q.x, i, v)), tolerance);
    assertBlock(
        "dL/dw",
        g.w(),
        numeric(p, q -> flatten(q.w), (q, i, v) -> q.w[i / q.w[0].length][i % q.w[0].length] = v),
        tolerance);
    assertBlock("dL/db", g.b(), numeric(p, q -> q.b.clone(), (q, i, v) -> q.b[i] = v), tolerance);
    assertBlock(
        "dL/dc",
        g.c(),
        numeric(p, q -> flatten(q.c), (q, i, v) -> q.c[i / q.c[0].length][i % q.c[0].length] = v),
        tolerance);
  }

  interface Setter {
    void set(Problem p, int index, double value);
  }

  /**
   * Fourth-order central differences of {@link Problem#loss()} in every element of one parameter
   * block.
   */
  static double[] numeric(
      Problem p, java.util.function.Function<Problem, double[]> get, Setter set) {
    double[] values = get.apply(p);
    double[] grad = new double[values.length];
    ToDoubleFunction<Problem> loss = Problem::loss;
    for (int i = 0; i < values.length; i++) {
      double h = 1e-5;
      double[] at = new double[4];
      double[] steps = {-2 * h, -h, h, 2 * h};
      for (int s = 0; s < 4; s++) {
        set.set(p, i, values[i] + steps[s]);
        at[s] = loss.applyAsDouble(p);
      }
      set.set(p, i, values[i]);
      grad[i] = (at[0] - 8 * at[1] + 8 * at[2] - at[3]) / (12 * h);
    }
    return grad;
  }

  /** The block's error relative to its own norm, and each element's to the block's scale. */
  private static void assertBlock(
      String name, INDArray analytic, double[] expected, double tolerance) {
    double[] actual = analytic.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
    assertEquals(expected.length, actual.length, name);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      norm += expected[i] * expected[i];
    }
    double scale = Math.sqrt(norm);
    assertTrue(scale > 0, name + " is zero: nothing checked");
    assertTrue(
        Math.sqrt(diff) <= tolerance * scale,
        String.format(
            "%s: relative error %.3g (|grad| %.3g)", name, Math.sqrt(diff) / scale, scale));
  }

  private static double[] flatten(double[][] m) {
    return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static double[] flatten(double[][][][] x) {
    return java.util.Arrays.stream(x)
        .flatMap(java.util.Arrays::stream)
        .flatMap(java.util.Arrays::stream)
        .flatMapToDouble(java.util.Arrays::stream)
        .toArray();
  }

  private static void set(double[][][][] x, int index, double value) {
    int width = x[0][0][0].length;
    int height = x[0][0].length;
    int depth = x[0].length;
    x[index / (depth * height * width)][index / (height * width) % depth][index / width % height][
            index % width] =
        value;
  }
}
