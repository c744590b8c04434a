package org.netvlad.common.model;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lloyd's k-means with greedy k-means++ seeding, distances by one GEMM per iteration ({@code ||x||²
 * - 2 x·c + ||c||²}). Deterministic for a seed. A cluster that empties is re-seeded with the point
 * farthest from its centre.
 */
public final class KMeans {
  private KMeans() {}

  /** The result: centres {@code [K, D]}, the assignment of every point, and the iterations run. */
  public record Result(INDArray centres, int[] assignment, int iterations) {}

  public static Result fit(INDArray points, int clusters, int maxIterations, long seed) {
    long n = points.size(0);
    if (n < clusters) {
      throw new IllegalArgumentException(
          "k-means needs at least as many points as clusters: "
              + n
              + " points for "
              + clusters
              + " clusters (sample more features or use fewer clusters)");
    }
    INDArray x = points.castTo(DataType.DOUBLE);
    INDArray pointNorms = x.mul(x).sum(1).reshape(n, 1);
    INDArray centres = seedPlusPlus(x, pointNorms, clusters, new Random(seed));
    int[] assignment = new int[(int) n];
    int iteration = 0;
    while (iteration < maxIterations) {
      iteration++;
      double[][] d = squaredDistances(x, pointNorms, centres);
      boolean changed = iteration == 1;
      for (int i = 0; i < n; i++) {
        int best = argMin(d[i]);
        changed |= best != assignment[i];
        assignment[i] = best;
      }
      if (!changed) {
        break;
      }
      centres = means(x, assignment, clusters, d);
    }
    return new Result(centres.castTo(points.dataType()), assignment, iteration);
  }

  /**
   * One Lloyd step's sums over a part of the points: per cluster the sum and count of the points
   * nearest to it. Parts merge by addition, so k-means can run over points spread across machines.
   * (A class, not a record: Spark's Kryo cannot fill records.)
   */
  public static final class Partial implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double[][] sums;
    private final long[] counts;

    Partial(double[][] sums, long[] counts) {
      this.sums = sums;
      this.counts = counts;
    }

    public long[] counts() {
      return counts.clone();
    }

    public Partial merge(Partial other) {
      for (int k = 0; k < counts.length; k++) {
        counts[k] += other.counts[k];
        for (int d = 0; d < sums[k].length; d++) {
          sums[k][d] += other.sums[k][d];
        }
      }
      return this;
    }

    /** The new centres: each cluster's mean, or its previous centre when no point chose it. */
    public INDArray centres(INDArray previous) {
      double[][] old = Matrices.doubleRows(previous);
      double[][] out = new double[counts.length][];
      for (int k = 0; k < counts.length; k++) {
        out[k] = old[k];
        if (counts[k] > 0) {
          out[k] = new double[sums[k].length];
          for (int d = 0; d < out[k].length; d++) {
            out[k][d] = sums[k][d] / counts[k];
          }
        }
      }
      return Nd4j.create(out);
    }
  }

  /**
   * The {@link Partial} of {@code points} ({@code [n, D]}) against {@code centres} ({@code [K,
   * D]}).
   */
  public static Partial partial(INDArray points, INDArray centres) {
    INDArray x = points.castTo(DataType.DOUBLE);
    INDArray c = centres.castTo(DataType.DOUBLE);
    double[][] d = squaredDistances(x, x.mul(x).sum(1).reshape(x.size(0), 1), c);
    double[][] data = Matrices.doubleRows(x);
    int clusters = (int) c.size(0);
    double[][] sums = new double[clusters][(int) x.size(1)];
    long[] counts = new long[clusters];
    for (int i = 0; i < data.length; i++) {
      int k = argMin(d[i]);
      counts[k]++;
      for (int j = 0; j < data[i].length; j++) {
        sums[k][j] += data[i][j];
      }
    }
    return new Partial(sums, counts);
  }

  static double[][] squaredDistances(INDArray x, INDArray pointNorms, INDArray centres) {
    INDArray centreNorms = centres.mul(centres).sum(1).reshape(1, centres.size(0));
    INDArray d =
        x.mmul(centres.transpose())
            .muli(-2)
            .addiColumnVector(pointNorms)
            .addiRowVector(centreNorms);
    return Matrices.doubleRows(d);
  }

  private static int argMin(double[] row) {
    int best = 0;
    for (int k = 1; k < row.length; k++) {
      if (row[k] < row[best]) {
        best = k;
      }
    }
    return best;
  }

  /**
   * Greedy k-means++ (as scikit-learn's): each new centre is the best of {@code 2 + ln K}
   * candidates drawn with probability proportional to the squared distance to the nearest centre so
   * far, "best" meaning the lowest total squared distance afterwards.
   */
  private static INDArray seedPlusPlus(
      INDArray x, INDArray pointNorms, int clusters, Random random) {
    int n = (int) x.size(0);
    int candidates = 2 + (int) Math.log(clusters);
    INDArray centres = Nd4j.zeros(DataType.DOUBLE, clusters, x.size(1));
    centres.putRow(0, x.getRow(random.nextInt(n)));
    double[] nearest =
        column(squaredDistances(x, pointNorms, centres.getRow(0).reshape(1, x.size(1))), 0);
    for (int k = 1; k < clusters; k++) {
      double total = 0;
      for (double d : nearest) {
        total += d;
      }
      int[] picks = new int[candidates];
      for (int c = 0; c < candidates; c++) {
        picks[c] = drawProportional(nearest, total, random);
      }
      double[][] d = squaredDistances(x, pointNorms, x.getRows(picks));
      int best = 0;
      double bestPotential = Double.POSITIVE_INFINITY;
      for (int c = 0; c < candidates; c++) {
        double potential = 0;
        for (int i = 0; i < n; i++) {
          potential += Math.min(nearest[i], d[i][c]);
        }
        if (potential < bestPotential) {
          bestPotential = potential;
          best = c;
        }
      }
      centres.putRow(k, x.getRow(picks[best]));
      for (int i = 0; i < n; i++) {
        nearest[i] = Math.min(nearest[i], d[i][best]);
      }
    }
    return centres;
  }

  private static double[] column(double[][] m, int c) {
    double[] out = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      out[i] = Math.max(m[i][c], 0);
    }
    return out;
  }

  private static int drawProportional(double[] weights, double total, Random random) {
    double target = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static INDArray means(INDArray x, int[] assignment, int clusters, double[][] distances) {
    double[][] data = Matrices.doubleRows(x);
    int depth = data[0].length;
    double[][] sums = new double[clusters][depth];
    int[] counts = new int[clusters];
    for (int i = 0; i < data.length; i++) {
      counts[assignment[i]]++;
      double[] s = sums[assignment[i]];
      for (int d = 0; d < depth; d++) {
        s[d] += data[i][d];
      }
    }
    boolean[] taken = new boolean[data.length];
    for (int k = 0; k < clusters; k++) {
      if (counts[k] == 0) {
        int far = farthestFromItsCentre(assignment, distances, taken);
        taken[far] = true;
        sums[k] = data[far].clone();
        counts[k] = 1;
      }
      for (int d = 0; d < depth; d++) {
        sums[k][d] /= counts[k];
      }
    }
    return Nd4j.create(sums);
  }

  private static int farthestFromItsCentre(
      int[] assignment, double[][] distances, boolean[] taken) {
    int far = -1;
    for (int i = 0; i < assignment.length; i++) {
      if (!taken[i] && (far < 0 || distances[i][assignment[i]] > distances[far][assignment[far]])) {
        far = i;
      }
    }
    return far;
  }
}
