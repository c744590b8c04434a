package org.netvlad.common.model;

import org.deeplearning4j.nn.conf.layers.Layer;

/** How conv features become one image descriptor: NetVLAD or one of the paper's comparisons. */
public enum Pooling {
  /** Trainable NetVLAD with soft assignment (the method). */
  NETVLAD("netvlad"),
  /** Plain VLAD: hard nearest-centre assignment, the off-the-shelf baseline. */
  VLAD("vlad"),
  /** f_max: global max pooling. */
  MAX("max"),
  /** Generalised mean with a learnable power. */
  GEM("gem");

  /** The name of the pooling layer in every network. */
  public static final String DESCRIPTOR_LAYER = "descriptor";

  public final String text;

  Pooling(String text) {
    this.text = text;
  }

  public static Pooling parse(String text) {
    for (Pooling p : values()) {
      if (p.text.equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown pooling \"" + text + "\"; expected netvlad, vlad, max or gem");
  }

  /** True when the layer has cluster centres that k-means must initialise. */
  public boolean hasClusters() {
    return this == NETVLAD || this == VLAD;
  }

  public long descriptorLength(int clusters, int featureDepth) {
    return hasClusters() ? (long) clusters * featureDepth : featureDepth;
  }

  Layer layer(int clusters, double intraNormEps) {
    return switch (this) {
      case NETVLAD ->
          new NetVladLayer.Builder()
              .name(DESCRIPTOR_LAYER)
              .clusterCount(clusters)
              .intraNormEps(intraNormEps)
              .build();
      case VLAD ->
          new NetVladLayer.Builder()
              .name(DESCRIPTOR_LAYER)
              .clusterCount(clusters)
              .hardAssignment(true)
              .intraNormEps(intraNormEps)
              .build();
      case MAX -> {
        GlobalMaxPoolingLayer max = new GlobalMaxPoolingLayer();
        max.setLayerName(DESCRIPTOR_LAYER);
        yield max;
      }
      case GEM -> new GemPoolingLayer.Builder().name(DESCRIPTOR_LAYER).build();
    };
  }
}
