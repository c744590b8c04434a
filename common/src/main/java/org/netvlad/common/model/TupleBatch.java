package org.netvlad.common.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Labels for the usual minibatch of {@link TripletRankingLoss}: {@code tuples} consecutive blocks,
 * each {@code [query, positives..., negatives...]}, so block t occupies rows {@code t*(1+P+N)} to
 * {@code (t+1)*(1+P+N)-1}. The images of the minibatch must be stacked in the same order.
 */
public final class TupleBatch {
  private TupleBatch() {}

  public static int rowsPerTuple(int positives, int negatives) {
    return 1 + positives + negatives;
  }

  public static INDArray labels(int tuples, int positives, int negatives, DataType type) {
    if (tuples < 1 || positives < 1 || negatives < 0) {
      throw new IllegalArgumentException(
          "a tuple batch needs at least one tuple and one positive per tuple, got "
              + tuples
              + " tuples, "
              + positives
              + " positives, "
              + negatives
              + " negatives");
    }
    int per = rowsPerTuple(positives, negatives);
    INDArray labels = Nd4j.zeros(type, (long) tuples * per, 2);
    for (int t = 0; t < tuples; t++) {
      for (int i = 0; i < per; i++) {
        TupleRole role =
            i == 0 ? TupleRole.QUERY : i <= positives ? TupleRole.POSITIVE : TupleRole.NEGATIVE;
        labels.putScalar(new long[] {(long) t * per + i, 0}, t);
        labels.putScalar(new long[] {(long) t * per + i, 1}, role.code);
      }
    }
    return labels;
  }
}
