package org.netvlad.common.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The NetVLAD pooling (Arandjelović et al., CVPR 2016) forward and backward passes in ND4J, without
 * any DL4J layer plumbing, so that they can be tested directly.
 *
 * <p>Shapes: input conv features {@code x} are {@code [batch, D, H, W]}; with {@code N = H*W}
 * locations, internally each location is a row of {@code [batch*N, D]}. Parameters: {@code w}
 * {@code [K, D]}, {@code b} {@code [K]}, centres {@code c} {@code [K, D]}. Output {@code [batch,
 * K*D]}, cluster-major (element {@code k*D + d}).
 *
 * <ol>
 *   <li>{@code xn = x / ||x||} per location (over D);
 *   <li>soft assignment {@code a = softmax_k(w xn + b)} (hard: one-hot nearest centre by Euclidean
 *       distance, the plain VLAD baseline, whose assignment takes no gradient);
 *   <li>{@code V[k] = sum_i a_k(i) (xn_i - c_k)};
 *   <li>intra-normalisation {@code u[k] = V[k] / ||V[k]||};
 *   <li>{@code y = u / ||u||} over the flattened K*D vector.
 * </ol>
 *
 * Every normalisation divides by {@code max(norm, eps)}, as PyTorch's {@code F.normalize}, and its
 * backward pass is the exact derivative of that in both regimes ({@link L2Normalisation}): a
 * cluster that no location is assigned to has a residual norm below the clamp.
 *
 * <p>Products with a transposed operand go through {@code Nd4j.gemm} with transpose flags: {@code
 * a.mmul(b.transpose())} copies the transposed operand first (figures: docs/benchmarks.md).
 */
public final class NetVladMath {
  /** Smallest norm divided by: an all-zero location or cluster stays zero instead of NaN. */
  public static final double EPS = 1e-12;

  private NetVladMath() {}

  /** The intermediate values of one forward pass, which the backward pass reads. */
  public static final class Forward {
    final long batch;
    final long height;
    final long width;
    final long locations;
    final long depth;
    final long clusters;

    /** {@code [batch*N, 1]} norms of the input locations. */
    final L2Normalisation.Norms inputNorms;

    /** {@code [batch, N, D]} normalised locations. */
    final INDArray xn;

    /** {@code [batch, N, K]} assignments. */
    final INDArray assign;

    /** {@code [batch, K, 1]} norms of the residual sums. */
    final L2Normalisation.Norms clusterNorms;

    /** {@code [batch, K, D]} intra-normalised residual sums. */
    final INDArray intra;

    /** {@code [batch, 1]} norm of the flattened intra-normalised vector. */
    final L2Normalisation.Norms totalNorm;

    /** {@code [batch, K*D]} output descriptors. */
    public final INDArray output;

    private Forward(
        long batch,
        long height,
        long width,
        long depth,
        long clusters,
        L2Normalisation.Norms inputNorms,
        INDArray xn,
        INDArray assign,
        L2Normalisation.Norms clusterNorms,
        INDArray intra,
        L2Normalisation.Norms totalNorm,
        INDArray output) {
      this.batch = batch;
      this.height = height;
      this.width = width;
      this.locations = height * width;
      this.depth = depth;
      this.clusters = clusters;
      this.inputNorms = inputNorms;
      this.xn = xn;
      this.assign = assign;
      this.clusterNorms = clusterNorms;
      this.intra = intra;
      this.totalNorm = totalNorm;
      this.output = output;
    }
  }

  /** Gradients of one backward pass; {@code w} and {@code b} are null for hard assignment. */
  public record Backward(INDArray input, INDArray w, INDArray b, INDArray c) {}

  /** Locations as rows: {@code [batch, D, H, W]} to {@code [batch*N, D]} (a copy). */
  public static INDArray locationsAsRows(INDArray x) {
    long batch = x.size(0);
    long depth = x.size(1);
    long locations = x.size(2) * x.size(3);
    return x.reshape('c', batch, depth, locations)
        .permute(0, 2, 1)
        .dup('c')
        .reshape('c', batch * locations, depth);
  }

  /** Rows back to feature maps: {@code [batch*N, D]} to {@code [batch, D, H, W]} (a copy). */
  static INDArray rowsAsFeatureMaps(
      INDArray rows, long batch, long depth, long height, long width) {
    return rows.reshape('c', batch, height * width, depth)
        .permute(0, 2, 1)
        .dup('c')
        .reshape('c', batch, depth, height, width);
  }

  /** The L2 norm of each row, clamped below at {@link #EPS}, as a {@code [rows, 1]} column. */
  static INDArray rowNorms(INDArray rows) {
    return L2Normalisation.norms(rows, EPS).clamped();
  }

  public static Forward forward(
      INDArray x, INDArray w, INDArray b, INDArray c, boolean hardAssignment) {
    return forward(x, w, b, c, hardAssignment, EPS);
  }

  /** The forward pass with another clamp for the intra-normalisation than {@link #EPS}. */
  public static Forward forward(
      INDArray x, INDArray w, INDArray b, INDArray c, boolean hardAssignment, double intraNormEps) {
    long batch = x.size(0);
    long depth = x.size(1);
    long locations = x.size(2) * x.size(3);
    long clusters = c.size(0);
    INDArray rows = locationsAsRows(x);
    L2Normalisation.Norms inputNorms = L2Normalisation.norms(rows, EPS);
    INDArray xnRows = L2Normalisation.normaliseInPlace(rows, inputNorms);

    INDArray assignRows = hardAssignment ? nearestCentre(xnRows, c) : softAssign(xnRows, w, b);
    INDArray xn = xnRows.reshape('c', batch, locations, depth);
    INDArray assign = assignRows.reshape('c', batch, locations, clusters);

    // V[k, d] = sum_i a_k(i) xn_i[d] - (sum_i a_k(i)) c[k, d]
    INDArray vlad = Nd4j.matmul(assign, xn, true, false, false);
    INDArray mass = assign.sum(1).reshape(batch, clusters, 1);
    vlad.subi(mass.mul(c.reshape(1, clusters, depth)));

    L2Normalisation.Norms clusterNorms = L2Normalisation.norms(vlad, intraNormEps);
    INDArray intra = L2Normalisation.normaliseInPlace(vlad, clusterNorms);
    INDArray flat = intra.reshape('c', batch, clusters * depth);
    L2Normalisation.Norms totalNorm = L2Normalisation.norms(flat, EPS);
    INDArray output = flat.div(totalNorm.clamped());
    return new Forward(
        batch,
        x.size(2),
        x.size(3),
        depth,
        clusters,
        inputNorms,
        xn,
        assign,
        clusterNorms,
        intra,
        totalNorm,
        output);
  }

  /** Soft assignment rows {@code [rows, K]}: softmax over clusters of {@code xn w^T + b}. */
  static INDArray softAssign(INDArray xnRows, INDArray w, INDArray b) {
    INDArray logits = Nd4j.gemm(xnRows, w, false, true).addiRowVector(b.reshape(1, b.length()));
    return Transforms.softmax(logits, false);
  }

  /**
   * Hard assignment rows: one-hot of the nearest centre by Euclidean distance, i.e. the largest
   * {@code 2 c_k.x - ||c_k||^2}; ties go to the lowest cluster index.
   */
  static INDArray nearestCentre(INDArray xnRows, INDArray c) {
    INDArray score =
        Nd4j.gemm(xnRows, c, false, true)
            .muli(2)
            .subiRowVector(c.mul(c).sum(1).reshape(1, c.size(0)));
    INDArray best = score.argMax(1);
    INDArray oneHot = Nd4j.zeros(xnRows.dataType(), xnRows.size(0), c.size(0));
    for (long r = 0; r < xnRows.size(0); r++) {
      oneHot.putScalar(r, best.getLong(r), 1.0);
    }
    return oneHot;
  }

  /**
   * Gradients of a scalar loss with respect to input and parameters, given {@code dOut} = dL/dy of
   * shape {@code [batch, K*D]}, running the forward pass on {@code x} first.
   */
  public static Backward backward(
      INDArray x, INDArray w, INDArray b, INDArray c, boolean hardAssignment, INDArray dOut) {
    return backward(forward(x, w, b, c, hardAssignment), w, c, hardAssignment, dOut);
  }

  /**
   * As {@link #backward(INDArray, INDArray, INDArray, INDArray, boolean, INDArray)}, from a forward
   * pass already run.
   */
  public static Backward backward(
      Forward f, INDArray w, INDArray c, boolean hardAssignment, INDArray dOut) {
    long batch = f.batch;
    long clusters = f.clusters;
    long depth = f.depth;
    long locations = f.locations;

    // y = u / ||u||, then u_k = V_k / ||V_k||
    INDArray g = dOut.reshape('c', batch, clusters * depth);
    INDArray du = L2Normalisation.backward(f.output, f.totalNorm, g);
    INDArray du3 = du.reshape('c', batch, clusters, depth);
    INDArray dVlad = L2Normalisation.backward(f.intra, f.clusterNorms, du3);

    // V = a^T xn - mass * c
    INDArray mass = f.assign.sum(1).reshape(batch, clusters, 1);
    INDArray dC = dVlad.mul(mass).sum(0).negi();
    INDArray dXn = Nd4j.matmul(f.assign, dVlad); // [batch, N, D]
    INDArray xnRows = f.xn.reshape('c', batch * locations, depth);
    INDArray dXnRows = dXn.reshape('c', batch * locations, depth);

    INDArray dW = null;
    INDArray dB = null;
    if (!hardAssignment) {
      // da[i, k] = xn_i . dV_k - c_k . dV_k
      INDArray perCluster =
          dVlad.mul(c.reshape(1, clusters, depth)).sum(2).reshape(batch, 1, clusters);
      INDArray dAssign = Nd4j.matmul(f.xn, dVlad, false, true, false).subi(perCluster);
      INDArray aRows = f.assign.reshape('c', batch * locations, clusters);
      INDArray daRows = dAssign.reshape('c', batch * locations, clusters);
      // softmax: dz = a * (da - sum_k a da)
      INDArray dLogits =
          daRows.sub(aRows.mul(daRows).sum(1).reshape(batch * locations, 1)).muli(aRows);
      dW = Nd4j.gemm(dLogits, xnRows, true, false);
      dB = dLogits.sum(0);
      Nd4j.gemm(dLogits, w, dXnRows, false, false, 1.0, 1.0); // dXnRows += dLogits w
    }

    // xn = x / ||x||
    INDArray dRows = L2Normalisation.backward(xnRows, f.inputNorms, dXnRows);
    INDArray dInput = rowsAsFeatureMaps(dRows, batch, depth, f.height, f.width);
    return new Backward(dInput, dW, dB, dC);
  }
}
