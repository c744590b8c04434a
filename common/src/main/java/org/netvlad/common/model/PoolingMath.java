package org.netvlad.common.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The paper's comparison poolings over conv features {@code [batch, D, H, W]}, each followed by L2
 * normalisation to a {@code [batch, D]} descriptor: max pooling (f_max) and generalised mean (GeM,
 * Radenović et al.) with a learnable power p.
 */
public final class PoolingMath {
  /** GeM clamps features below this before raising them to p (as the GeM reference). */
  public static final double GEM_CLAMP = 1e-6;

  private PoolingMath() {}

  /** Row-wise {@code y = f / max(||f||, eps)}. */
  static INDArray l2Normalise(INDArray f) {
    return L2Normalisation.normalised(f, NetVladMath.EPS);
  }

  /** Gradient through row-wise L2 normalisation, exact above and below the clamp. */
  static INDArray l2NormaliseBackward(INDArray f, INDArray g) {
    L2Normalisation.Norms norms = L2Normalisation.norms(f, NetVladMath.EPS);
    return L2Normalisation.backward(f.div(norms.clamped()), norms, g);
  }

  private static INDArray flatLocations(INDArray x) {
    return x.reshape('c', x.size(0), x.size(1), x.size(2) * x.size(3));
  }

  public static INDArray maxForward(INDArray x) {
    return l2Normalise(flatLocations(x).max(2));
  }

  /** Gradient to the first location holding each channel's maximum. */
  public static INDArray maxBackward(INDArray x, INDArray dOut) {
    INDArray flat = flatLocations(x);
    INDArray df = l2NormaliseBackward(flat.max(2), dOut);
    INDArray argMax = flat.argMax(2);
    INDArray dx = Nd4j.zeros(x.dataType(), flat.shape());
    for (long b = 0; b < flat.size(0); b++) {
      for (long d = 0; d < flat.size(1); d++) {
        dx.putScalar(new long[] {b, d, argMax.getLong(b, d)}, df.getDouble(b, d));
      }
    }
    return dx.reshape('c', x.shape());
  }

  /**
   * The GeM values before normalisation, {@code f = (mean_i max(x_i, eps)^p)^(1/p)}, and helpers.
   */
  private record Gem(INDArray clamped, INDArray powered, INDArray mean, INDArray pooled) {}

  private static Gem gem(INDArray x, double p) {
    INDArray clamped = Transforms.max(flatLocations(x), GEM_CLAMP, true);
    INDArray powered = Transforms.pow(clamped, p, true);
    INDArray mean = powered.mean(2);
    return new Gem(clamped, powered, mean, Transforms.pow(mean, 1.0 / p, true));
  }

  public static INDArray gemForward(INDArray x, double p) {
    return l2Normalise(gem(x, p).pooled);
  }

  /** Gradients of GeM: {@code [input, dp]}, dp a one-element array. */
  public static INDArray[] gemBackward(INDArray x, double p, INDArray dOut) {
    Gem g = gem(x, p);
    long batch = x.size(0);
    long depth = x.size(1);
    long locations = x.size(2) * x.size(3);
    INDArray df = l2NormaliseBackward(g.pooled, dOut); // [batch, D]
    // df/dx_i = m^(1/p - 1) x_i^(p-1) / N where x_i > eps, else 0
    INDArray scale =
        Transforms.pow(g.mean, 1.0 / p - 1, true).muli(df).divi(locations).reshape(batch, depth, 1);
    INDArray dx = Transforms.pow(g.clamped, p - 1, true).muli(scale);
    INDArray above = flatLocations(x).gt(GEM_CLAMP).castTo(x.dataType());
    dx.muli(above);
    // df/dp = f (-ln m / p^2 + mean_i(x_i^p ln x_i) / (p m))
    INDArray weightedLog = g.powered.mul(Transforms.log(g.clamped, true)).mean(2);
    INDArray dfdp =
        weightedLog
            .div(g.mean)
            .divi(p)
            .subi(Transforms.log(g.mean, true).divi(p * p))
            .muli(g.pooled);
    INDArray dp = Nd4j.scalar(x.dataType(), dfdp.mul(df).sumNumber().doubleValue()).reshape(1);
    return new INDArray[] {dx.reshape('c', x.shape()), dp};
  }
}
