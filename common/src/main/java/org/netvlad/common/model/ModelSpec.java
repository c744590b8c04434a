package org.netvlad.common.model;

/**
 * What network to build: backbone, pooling, image size, and which backbone layers train.
 *
 * @param clusters K for NetVLAD / VLAD (ignored by max and GeM)
 * @param heightPx input image height in pixels
 * @param widthPx input image width in pixels
 * @param margin the triplet ranking loss margin m
 * @param trainFrom the first backbone convolution that trains (e.g. {@code conv5_1}, as the paper
 *     trains VGG16); the ones before it are frozen. Empty: every layer trains.
 * @param intraNormEps the clamp of NetVLAD's intra-normalisation (and VLAD's)
 */
public record ModelSpec(
    Backbone backbone,
    Pooling pooling,
    int clusters,
    int heightPx,
    int widthPx,
    double margin,
    String trainFrom,
    double intraNormEps) {
  /** With pytorch-NetVlad's intra-normalisation clamp. */
  public ModelSpec(
      Backbone backbone,
      Pooling pooling,
      int clusters,
      int heightPx,
      int widthPx,
      double margin,
      String trainFrom) {
    this(backbone, pooling, clusters, heightPx, widthPx, margin, trainFrom, NetVladMath.EPS);
  }

  public ModelSpec {
    if (!(intraNormEps >= NetVladMath.EPS)) {
      throw new IllegalArgumentException(
          "the intra-normalisation clamp must be at least "
              + NetVladMath.EPS
              + ", got "
              + intraNormEps);
    }
    if (clusters < 1) {
      throw new IllegalArgumentException("cluster count must be at least 1, got " + clusters);
    }
    int minSide = 1 << backbone.poolings();
    if (heightPx < minSide || widthPx < minSide) {
      throw new IllegalArgumentException(
          "images of "
              + widthPx
              + "x"
              + heightPx
              + " px are too small for the "
              + backbone.text
              + " backbone: it halves them "
              + backbone.poolings()
              + " times (at least "
              + minSide
              + " px a side)");
    }
    if (!trainFrom.isEmpty() && !backbone.convolutionNames().contains(trainFrom)) {
      throw new IllegalArgumentException(
          "train-from layer \""
              + trainFrom
              + "\" is not a convolution of the "
              + backbone.text
              + " backbone; expected one of "
              + backbone.convolutionNames());
    }
  }

  /** The default: small backbone, NetVLAD K=64, 160x120 images, m = 0.1, everything trains. */
  public static ModelSpec defaults() {
    return new ModelSpec(
        Backbone.SMALL, Pooling.NETVLAD, 64, 120, 160, TripletRankingLoss.DEFAULT_MARGIN, "");
  }

  public ModelSpec withPooling(Pooling p) {
    return new ModelSpec(backbone, p, clusters, heightPx, widthPx, margin, trainFrom, intraNormEps);
  }

  public ModelSpec withClusters(int k) {
    return new ModelSpec(backbone, pooling, k, heightPx, widthPx, margin, trainFrom, intraNormEps);
  }

  public ModelSpec withImageSize(int height, int width) {
    return new ModelSpec(
        backbone, pooling, clusters, height, width, margin, trainFrom, intraNormEps);
  }

  public ModelSpec withIntraNormEps(double eps) {
    return new ModelSpec(backbone, pooling, clusters, heightPx, widthPx, margin, trainFrom, eps);
  }

  public long descriptorLength() {
    return pooling.descriptorLength(clusters, backbone.featureDepth());
  }
}
