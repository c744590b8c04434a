package org.netvlad.common.mining;

import java.io.Serializable;

/**
 * The weak-supervision rule (docs/architecture.md): potential positives lie within {@code
 * positiveRadiusM} of the query, definite negatives farther than {@code negativeRadiusM}; both
 * bounds use squared Euclidean distance in the mining frame (d² ≤ r² is "within").
 *
 * @param positiveRadiusM at most this far is a potential positive, metres
 * @param negativeRadiusM farther than this is a definite negative, metres
 * @param positiveNeedsOtherDate Time Machine rule: a positive has another capture date than its
 *     query
 */
public record MiningParams(
    double positiveRadiusM, double negativeRadiusM, boolean positiveNeedsOtherDate)
    implements Serializable {

  public MiningParams {
    if (!(positiveRadiusM > 0 && positiveRadiusM < negativeRadiusM)) {
      throw new IllegalArgumentException(
          "need 0 < positive radius < negative radius, got "
              + positiveRadiusM
              + " and "
              + negativeRadiusM);
    }
  }
}
