package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TripletRankingLossTest {
  private static final ActivationIdentity IDENTITY = new ActivationIdentity();

  /**
   * Hand-worked, m = 0.1, two tuples of (q, p1, p2, n1, n2) in 2-D:
   *
   * <p>Tuple 0: q = (0,0), p1 = (0.3,0) [d²=0.09], p2 = (0,0.2) [d²=0.04, the best], n1 = (0.1,0.1)
   * [d²=0.02: hinge 0.04+0.1-0.02 = 0.12], n2 = (0.3,0.1) [d²=0.10: hinge 0.04]; loss 0.16.
   * Gradients: q: 2(n1-p2) + 2(n2-p2) = (0.2,-0.2)+(0.6,-0.2) = (0.8,-0.4); p2: 2·2(p2-q) =
   * (0,0.8); p1: 0; n1: 2(q-n1) = (-0.2,-0.2); n2: 2(q-n2) = (-0.6,-0.2).
   *
   * <p>Tuple 1: q = (1,1), p1 = (1,1.1) [d²=0.01], p2 = (1.5,1) [0.25], n1 = (2,1) [d²=1: hinge
   * -0.89], n2 = (1,3) [4]: no violating negative, loss 0 and all gradients 0.
   */
  private static final double[][] ROWS = {
    {0, 0}, {0.3, 0}, {0, 0.2}, {0.1, 0.1}, {0.3, 0.1},
    {1, 1}, {1, 1.1}, {1.5, 1}, {2, 1}, {1, 3}
  };

  private final INDArray labels = TupleBatch.labels(2, 2, 2, DataType.DOUBLE);
  private final INDArray x = Nd4j.create(ROWS);
  private final TripletRankingLoss loss = new TripletRankingLoss(0.1);

  @Test
  void lossMatchesTheHandWorkedExample() {
    INDArray perRow = loss.computeScoreArray(labels, x, IDENTITY, null);
    assertEquals(0.16, perRow.getDouble(0), 1e-12);
    assertEquals(0.0, perRow.getDouble(5), 0.0);
    assertEquals(0.16, perRow.sumNumber().doubleValue(), 1e-12);
    assertEquals(0.16, loss.computeScore(labels, x, IDENTITY, null, false), 1e-12);
    assertEquals(0.016, loss.computeScore(labels, x, IDENTITY, null, true), 1e-12);
  }

  @Test
  void gradientMatchesTheHandWorkedExample() {
    double[][] expected = {
      {0.8, -0.4}, {0, 0}, {0, 0.8}, {-0.2, -0.2}, {-0.6, -0.2},
      {0, 0}, {0, 0}, {0, 0}, {0, 0}, {0, 0}
    };
    double[][] grad = loss.computeGradient(labels, x, IDENTITY, null).toDoubleMatrix();
    for (int r = 0; r < expected.length; r++) {
      assertArrayEquals(expected[r], grad[r], 1e-12, "row " + r);
    }
  }

  @Test
  void tupleIndicesNeedNotBeConsecutiveAndRowsMayInterleave() {
    // the same two tuples, rows shuffled and tuples numbered 7 and 3
    int[] order = {9, 0, 3, 6, 2, 5, 8, 1, 4, 7};
    INDArray shuffled = Nd4j.zeros(DataType.DOUBLE, 10, 2);
    INDArray shuffledLabels = Nd4j.zeros(DataType.DOUBLE, 10, 2);
    for (int i = 0; i < order.length; i++) {
      shuffled.putRow(i, x.getRow(order[i]));
      shuffledLabels.putScalar(i, 0, labels.getDouble(order[i], 0) == 0 ? 7 : 3);
      shuffledLabels.putScalar(i, 1, labels.getDouble(order[i], 1));
    }
    assertEquals(0.16, loss.computeScore(shuffledLabels, shuffled, IDENTITY, null, false), 1e-12);
    INDArray grad = loss.computeGradient(shuffledLabels, shuffled, IDENTITY, null);
    assertArrayEquals(new double[] {0.8, -0.4}, grad.getRow(1).toDoubleVector(), 1e-12);
  }

  @Test
  void malformedLayoutsAreRefusedWithTheRowOrTuple() {
    INDArray noPositive = Nd4j.create(new double[][] {{0, 0}, {0, 2}});
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                loss.computeScore(
                    noPositive, Nd4j.zeros(DataType.DOUBLE, 2, 3), IDENTITY, null, false));
    assertTrue(e.getMessage().contains("tuple 0 has no positive"), e.getMessage());
    INDArray badRole = Nd4j.create(new double[][] {{0, 0}, {0, 5}});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                loss.computeScore(
                    badRole, Nd4j.zeros(DataType.DOUBLE, 2, 3), IDENTITY, null, false));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    INDArray twoQueries = Nd4j.create(new double[][] {{0, 0}, {0, 1}, {0, 0}});
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                loss.computeScore(
                    twoQueries, Nd4j.zeros(DataType.DOUBLE, 3, 3), IDENTITY, null, false));
    assertTrue(e.getMessage().contains("more than one query"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> loss.computeScore(labels, x.getRows(0, 1, 2), IDENTITY, null, false));
    assertTrue(e.getMessage().contains("3 descriptor rows but 10 label rows"), e.getMessage());
  }
}
