package org.netvlad.common.model;

import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Initialises NetVLAD's parameters from data, as the paper and its reference code do: k-means
 * centres c_k of L2-normalised conv features sampled from training images, then
 *
 * <ul>
 *   <li>v1 (default): with ĉ_k the L2-normalised centres and, per feature, its similarities to them
 *       sorted descending, α = -ln(0.01) / mean(dots₁ - dots₂); w_k = α ĉ_k, b_k = 0. The best
 *       cluster then gets on average 100 times the weight of the second.
 *   <li>v2: α = -ln(0.01) / mean(d₂² - d₁²) over the squared distances of each feature to its two
 *       nearest centres; w_k = 2α c_k, b_k = -α ||c_k||², so that the logits are -α ||x - c_k||² up
 *       to a per-feature constant (the same 100:1 ratio, in distances).
 * </ul>
 *
 * Plain VLAD (hard assignment) takes only the centres.
 */
public final class ClusterInit {
  public enum Variant {
    V1,
    V2
  }

  /** What the initialisation found: the centres, α, and k-means' iterations. */
  public record Summary(int clusters, long features, double alpha, int iterations) {}

  private ClusterInit() {}

  /**
   * Up to {@code perImage} L2-normalised feature vectors from each image of the batch, drawn
   * without replacement from its H*W locations: {@code [rows, D]}.
   */
  public static INDArray sampleFeatures(
      MultiLayerNetwork net, INDArray images, int perImage, Random random) {
    int featureLayer = Networks.featureLayerIndex(net);
    INDArray features = net.feedForwardToLayer(featureLayer, images, false).get(featureLayer + 1);
    long batch = features.size(0);
    long locations = features.size(2) * features.size(3);
    INDArray rows = NetVladMath.locationsAsRows(features);
    rows.divi(NetVladMath.rowNorms(rows));
    int take = (int) Math.min(perImage, locations);
    int[] picks = new int[(int) batch * take];
    for (int b = 0; b < batch; b++) {
      int[] sample = sampleWithoutReplacement((int) locations, take, random);
      for (int i = 0; i < take; i++) {
        picks[b * take + i] = (int) (b * locations + sample[i]);
      }
    }
    return rows.getRows(picks);
  }

  private static int[] sampleWithoutReplacement(int n, int take, Random random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int i = 0; i < take; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return java.util.Arrays.copyOf(all, take);
  }

  /**
   * Runs k-means on {@code features} ({@code [n, D]}, L2-normalised) and sets the pooling layer's
   * parameters.
   */
  public static Summary initialise(
      MultiLayerNetwork net, INDArray features, Variant variant, int iterations, long seed) {
    KMeans.Result km = KMeans.fit(features, netVlad(net).getClusterCount(), iterations, seed);
    double[] gap = gapSum(features, km.centres(), variant);
    return fromCentres(
        net, km.centres(), gap[0] / gap[1], variant, features.size(0), km.iterations());
  }

  /**
   * Sets the pooling layer's parameters from k-means centres and the mean top-two gap of the
   * features (what {@link #gapSum} sums; computed over the data wherever it is).
   */
  public static Summary fromCentres(
      MultiLayerNetwork net,
      INDArray kmeansCentres,
      double meanGap,
      Variant variant,
      long features,
      int iterations) {
    Layer layer = net.getLayer(Networks.descriptorLayerIndex(net));
    NetVladLayer conf = netVlad(net);
    INDArray centres = kmeansCentres.castTo(DataType.DOUBLE);
    layer.getParam(NetVladParams.CENTRES).assign(centres);
    if (conf.isHardAssignment()) {
      return new Summary(conf.getClusterCount(), features, Double.NaN, iterations);
    }
    double alpha = -Math.log(0.01) / meanGap;
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalStateException(
          "NetVLAD initialisation found alpha = "
              + alpha
              + ": the sampled features do not separate the clusters (all identical?)");
    }
    INDArray w;
    INDArray b;
    if (variant == Variant.V1) {
      w = centres.div(NetVladMath.rowNorms(centres)).muli(alpha);
      b = Nd4j.zeros(DataType.DOUBLE, conf.getClusterCount());
    } else {
      w = centres.mul(2 * alpha);
      b = centres.mul(centres).sum(1).muli(-alpha);
    }
    layer.getParam(NetVladParams.ASSIGN_WEIGHTS).assign(w);
    layer.getParam(NetVladParams.ASSIGN_BIAS).assign(b);
    return new Summary(conf.getClusterCount(), features, alpha, iterations);
  }

  /**
   * The sum over feature rows of the gap between the best and second-best cluster (v1: similarity
   * to the normalised centres; v2: squared distance to the centres), and the row count: {@code
   * {sum, rows}}. Sums of parts add up, so the mean can be taken over data spread across machines.
   */
  public static double[] gapSum(INDArray features, INDArray centres, Variant variant) {
    INDArray x = features.castTo(DataType.DOUBLE);
    INDArray c = centres.castTo(DataType.DOUBLE);
    double[][] scores =
        variant == Variant.V1
            ? Matrices.doubleRows(x.mmul(c.div(NetVladMath.rowNorms(c)).transpose()))
            : KMeans.squaredDistances(x, x.mul(x).sum(1).reshape(x.size(0), 1), c);
    return new double[] {
      meanGapOfTopTwo(scores, variant == Variant.V1) * scores.length, scores.length
    };
  }

  private static NetVladLayer netVlad(MultiLayerNetwork net) {
    Layer layer = net.getLayer(Networks.descriptorLayerIndex(net));
    if (!(layer.conf().getLayer() instanceof NetVladLayer conf)) {
      throw new IllegalArgumentException(
          "only NetVLAD and VLAD pooling have clusters to initialise");
    }
    return conf;
  }

  /**
   * Mean over rows of (best - second best): largest values when {@code descending}, else smallest.
   */
  static double meanGapOfTopTwo(double[][] rows, boolean descending) {
    double sum = 0;
    for (double[] row : rows) {
      double first = descending ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      double second = first;
      for (double v : row) {
        if (descending ? v > first : v < first) {
          second = first;
          first = v;
        } else if (descending ? v > second : v < second) {
          second = v;
        }
      }
      sum += Math.abs(first - second);
    }
    return sum / rows.length;
  }
}
