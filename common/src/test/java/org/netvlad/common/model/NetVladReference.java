package org.netvlad.common.model;

/**
 * NetVLAD written from the paper's formula in plain double-precision Java, one image at a time, as
 * the independent answer the ND4J layer is tested against. Input {@code x[d][h][w]}, output the K*D
 * descriptor, cluster-major.
 */
final class NetVladReference {
  private NetVladReference() {}

  static double[] descriptor(double[][][] x, double[][] w, double[] b, double[][] c, boolean hard) {
    return descriptor(x, w, b, c, hard, 1e-12);
  }

  /** With {@code intraEps} as the clamp of the intra-normalisation. */
  static double[] descriptor(
      double[][][] x, double[][] w, double[] b, double[][] c, boolean hard, double intraEps) {
    int depth = x.length;
    int clusters = c.length;
    double[][] vlad = residualSums(x, w, b, c, hard);
    double[] out = new double[clusters * depth];
    for (int k = 0; k < clusters; k++) {
      normalise(vlad[k], intraEps);
      System.arraycopy(vlad[k], 0, out, k * depth, depth);
    }
    normalise(out);
    return out;
  }

  /** ||V_k|| per cluster of soft assignment, before intra-normalisation. */
  static double[] residualNorms(double[][][] x, double[][] w, double[] b, double[][] c) {
    double[][] vlad = residualSums(x, w, b, c, false);
    double[] norms = new double[vlad.length];
    for (int k = 0; k < vlad.length; k++) {
      double sum = 0;
      for (double e : vlad[k]) {
        sum += e * e;
      }
      norms[k] = Math.sqrt(sum);
    }
    return norms;
  }

  /** V[k] = sum_i a_k(x_i) (x_i / ||x_i|| - c_k). */
  private static double[][] residualSums(
      double[][][] x, double[][] w, double[] b, double[][] c, boolean hard) {
    int depth = x.length;
    int clusters = c.length;
    double[][] vlad = new double[clusters][depth];
    for (int h = 0; h < x[0].length; h++) {
      for (int col = 0; col < x[0][0].length; col++) {
        double[] xi = new double[depth];
        for (int d = 0; d < depth; d++) {
          xi[d] = x[d][h][col];
        }
        normalise(xi);
        double[] a = hard ? nearest(xi, c) : softmax(xi, w, b);
        for (int k = 0; k < clusters; k++) {
          for (int d = 0; d < depth; d++) {
            vlad[k][d] += a[k] * (xi[d] - c[k][d]);
          }
        }
      }
    }
    return vlad;
  }

  private static double[] softmax(double[] xi, double[][] w, double[] b) {
    double[] z = new double[w.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < w.length; k++) {
      z[k] = b[k];
      for (int d = 0; d < xi.length; d++) {
        z[k] += w[k][d] * xi[d];
      }
      max = Math.max(max, z[k]);
    }
    double sum = 0;
    for (int k = 0; k < z.length; k++) {
      z[k] = Math.exp(z[k] - max);
      sum += z[k];
    }
    for (int k = 0; k < z.length; k++) {
      z[k] /= sum;
    }
    return z;
  }

  private static double[] nearest(double[] xi, double[][] c) {
    int best = 0;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (int k = 0; k < c.length; k++) {
      double dist = 0;
      for (int d = 0; d < xi.length; d++) {
        dist += (xi[d] - c[k][d]) * (xi[d] - c[k][d]);
      }
      if (dist < bestDistance) {
        bestDistance = dist;
        best = k;
      }
    }
    double[] a = new double[c.length];
    a[best] = 1;
    return a;
  }

  static void normalise(double[] v) {
    normalise(v, 1e-12);
  }

  static void normalise(double[] v, double eps) {
    double sum = 0;
    for (double e : v) {
      sum += e * e;
    }
    double norm = Math.max(Math.sqrt(sum), eps);
    for (int i = 0; i < v.length; i++) {
      v[i] /= norm;
    }
  }
}
