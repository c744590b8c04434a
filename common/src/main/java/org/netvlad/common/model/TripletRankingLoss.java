package org.netvlad.common.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The weakly supervised triplet ranking loss of NetVLAD, per tuple (q, {p_i}, {n_j}):
 *
 * <pre>  L = sum_j max( min_i d²(q, p_i) + m - d²(q, n_j), 0 )</pre>
 *
 * on squared Euclidean distances between descriptors, margin m (default 0.1).
 *
 * <p><b>Minibatch layout.</b> Rows are descriptors; the labels are {@code [rows, 2]}: column 0 the
 * tuple index (any integer; rows of one tuple share it), column 1 the {@link TupleRole} code (0
 * query, 1 positive, 2 negative). Each tuple has exactly one query and at least one positive; a
 * tuple with no negative contributes 0. {@link TupleBatch} lays out the usual case of T tuples of 1
 * query + P positives + N negatives as consecutive blocks {@code [q, p_1..p_P, n_1..n_N]}.
 *
 * <p>Score: DL4J sums {@link #computeScoreArray} (each tuple's loss on its query row) and divides
 * by the number of rows, so the reported score is the mean loss per row, not per tuple. Gradient of
 * a tuple with best positive p* and violating negatives V (hinge strictly positive): dL/dq = sum_{j
 * in V} 2(n_j - p*), dL/dp* = |V| 2(p* - q), dL/dn_j = 2(q - n_j). Ties among positives go to the
 * first row.
 */
public class TripletRankingLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;
  public static final double DEFAULT_MARGIN = 0.1;

  private double margin = DEFAULT_MARGIN;

  /** For JSON. */
  public TripletRankingLoss() {}

  public TripletRankingLoss(double margin) {
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException(
          "triplet margin must be a finite number >= 0, got " + margin);
    }
    this.margin = margin;
  }

  public double getMargin() {
    return margin;
  }

  public void setMargin(double margin) {
    this.margin = margin;
  }

  /** One tuple's rows. */
  private record Tuple(int query, List<Integer> positives, List<Integer> negatives) {}

  /** The losses and gradients of every row. */
  private record Evaluation(double[] rowLoss, double[][] gradient) {}

  private Evaluation evaluate(INDArray labels, INDArray descriptors, boolean withGradient) {
    if (labels.size(0) != descriptors.size(0)) {
      throw new IllegalArgumentException(
          "triplet ranking loss got "
              + descriptors.size(0)
              + " descriptor rows but "
              + labels.size(0)
              + " label rows");
    }
    double[][] x = Matrices.doubleRows(descriptors);
    int rows = x.length;
    double[] rowLoss = new double[rows];
    double[][] grad = withGradient ? new double[rows][x[0].length] : null;
    for (Tuple t : tuples(labels)) {
      double[] q = x[t.query];
      int best = -1;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (int p : t.positives) {
        double dist = squaredDistance(q, x[p]);
        if (dist < bestDistance) {
          bestDistance = dist;
          best = p;
        }
      }
      for (int n : t.negatives) {
        double hinge = bestDistance + margin - squaredDistance(q, x[n]);
        if (hinge > 0) {
          rowLoss[t.query] += hinge;
          if (withGradient) {
            double[] p = x[best];
            double[] neg = x[n];
            for (int d = 0; d < q.length; d++) {
              grad[t.query][d] += 2 * (neg[d] - p[d]);
              grad[best][d] += 2 * (p[d] - q[d]);
              grad[n][d] += 2 * (q[d] - neg[d]);
            }
          }
        }
      }
    }
    return new Evaluation(rowLoss, grad);
  }

  private static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double diff = a[i] - b[i];
      sum += diff * diff;
    }
    return sum;
  }

  private static List<Tuple> tuples(INDArray labels) {
    if (labels.rank() != 2 || labels.size(1) != 2) {
      throw new IllegalArgumentException(
          "triplet ranking loss needs labels [rows, 2] = (tuple index, role code), got shape "
              + java.util.Arrays.toString(labels.shape()));
    }
    double[][] l = Matrices.doubleRows(labels);
    Map<Long, int[]> queries = new LinkedHashMap<>();
    Map<Long, List<Integer>> positives = new LinkedHashMap<>();
    Map<Long, List<Integer>> negatives = new LinkedHashMap<>();
    for (int row = 0; row < l.length; row++) {
      long tuple = Math.round(l[row][0]);
      switch (TupleRole.ofCode(l[row][1], row)) {
        case QUERY -> {
          if (queries.put(tuple, new int[] {row}) != null) {
            throw new IllegalArgumentException(
                "tuple " + tuple + " has more than one query row (second at row " + row + ")");
          }
        }
        case POSITIVE -> positives.computeIfAbsent(tuple, k -> new ArrayList<>()).add(row);
        case NEGATIVE -> negatives.computeIfAbsent(tuple, k -> new ArrayList<>()).add(row);
      }
    }
    List<Tuple> out = new ArrayList<>();
    for (Map.Entry<Long, int[]> e : queries.entrySet()) {
      List<Integer> p = positives.getOrDefault(e.getKey(), List.of());
      if (p.isEmpty()) {
        throw new IllegalArgumentException("tuple " + e.getKey() + " has no positive row");
      }
      out.add(new Tuple(e.getValue()[0], p, negatives.getOrDefault(e.getKey(), List.of())));
    }
    for (Long tuple : positives.keySet()) {
      if (!queries.containsKey(tuple)) {
        throw new IllegalArgumentException("tuple " + tuple + " has positives but no query row");
      }
    }
    for (Long tuple : negatives.keySet()) {
      if (!queries.containsKey(tuple)) {
        throw new IllegalArgumentException("tuple " + tuple + " has negatives but no query row");
      }
    }
    return out;
  }

  private static void refuseMask(INDArray mask) {
    if (mask != null) {
      throw new UnsupportedOperationException(
          "triplet ranking loss does not take a mask: leave a tuple out of the minibatch instead");
    }
  }

  private static INDArray activate(IActivation fn, INDArray preOutput) {
    return fn.getActivation(preOutput.dup(), true);
  }

  @Override
  public double computeScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
    return average ? sum / preOutput.size(0) : sum;
  }

  @Override
  public INDArray computeScoreArray(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    refuseMask(mask);
    double[] loss = evaluate(labels, activate(activationFn, preOutput), false).rowLoss();
    return Nd4j.create(loss, new long[] {loss.length, 1}, preOutput.dataType());
  }

  @Override
  public INDArray computeGradient(
      INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    refuseMask(mask);
    double[][] grad = evaluate(labels, activate(activationFn, preOutput), true).gradient();
    INDArray dLdOut = Nd4j.create(grad).castTo(preOutput.dataType());
    return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(
      INDArray labels,
      INDArray preOutput,
      IActivation activationFn,
      INDArray mask,
      boolean average) {
    return new Pair<>(
        computeScore(labels, preOutput, activationFn, mask, average),
        computeGradient(labels, preOutput, activationFn, mask));
  }

  @Override
  public String name() {
    return "TripletRankingLoss(margin=" + margin + ")";
  }

  @Override
  public String toString() {
    return name();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TripletRankingLoss other && Double.compare(other.margin, margin) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(margin);
  }
}
