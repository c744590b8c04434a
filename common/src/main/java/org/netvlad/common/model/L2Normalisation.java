package org.netvlad.common.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * L2 normalisation along an array's last axis as PyTorch's {@code F.normalize}: {@code y = v /
 * max(||v||, eps)}, with the exact derivative of that forward in both regimes.
 *
 * <ul>
 *   <li>At or above the clamp ({@code ||v|| >= eps}) the denominator is the norm itself: {@code dv
 *       = (g - y (y.g)) / ||v||}, the projection off {@code y}.
 *   <li>Below it the denominator is the constant {@code eps}: {@code dv = g / eps}, no projection.
 * </ul>
 *
 * At {@code ||v|| = eps} the two one-sided derivatives differ; like PyTorch's {@code clamp_min}
 * (gradient where {@code x >= min}), the norm's side is taken. A vector whose norm is below the
 * clamp is common for NetVLAD: a cluster that no location is assigned to.
 */
final class L2Normalisation {
  /** The denominators of one normalisation, and which of them are the norm (not the clamp). */
  record Norms(INDArray clamped, INDArray unclamped) {}

  private L2Normalisation() {}

  /**
   * The norms of {@code v} along its last axis, kept as a trailing axis of length 1 ({@code [...,
   * 1]}), clamped below at {@code eps}.
   */
  static Norms norms(INDArray v, double eps) {
    int last = v.rank() - 1;
    INDArray norms = v.norm2(true, last);
    INDArray unclamped = norms.gte(eps).castTo(v.dataType());
    return new Norms(Transforms.max(norms, eps, false), unclamped);
  }

  /** {@code v / max(||v||, eps)} along the last axis, in place. */
  static INDArray normaliseInPlace(INDArray v, Norms norms) {
    return v.divi(norms.clamped());
  }

  /** A normalised copy of {@code v}. */
  static INDArray normalised(INDArray v, double eps) {
    return v.div(norms(v, eps).clamped());
  }

  /**
   * dL/dv given {@code y}, the forward's output, the norms it divided by and {@code g} = dL/dy.
   * Does not change its arguments.
   */
  static INDArray backward(INDArray y, Norms norms, INDArray g) {
    int last = y.rank() - 1;
    INDArray projection = y.mul(g).sum(true, last).muli(norms.unclamped());
    return g.sub(y.mul(projection)).divi(norms.clamped());
  }
}
