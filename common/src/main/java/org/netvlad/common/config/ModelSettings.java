package org.netvlad.common.config;

import java.util.List;
import org.netvlad.common.model.Backbone;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Pooling;

/** Settings of the network that train-netvlad trains and extract-and-evaluate runs. */
public final class ModelSettings {
  private ModelSettings() {}

  public static final Setting<String> BACKBONE =
      Setting.choice(
          "model.backbone",
          "small",
          List.of("small", "vgg16"),
          "The convolutional backbone: small (4 conv3x3 blocks 3-32-64-128-128, fit for CPU"
              + " training) or vgg16 (cropped at conv5_3 without ReLU, as the paper; its weights"
              + " come from model.backbone-weights).");

  public static final Setting<String> POOLING =
      Setting.choice(
          "model.pooling",
          "netvlad",
          List.of("netvlad", "vlad", "max", "gem"),
          "The pooling that makes the descriptor: netvlad, vlad (hard assignment, the off-the-shelf"
              + " baseline), max or gem (generalised mean).");

  public static final Setting<Long> CLUSTERS =
      Setting.whole(
          "model.clusters", 64, 1, 4096, "clusters", "K, the number of NetVLAD / VLAD clusters.");

  public static final Setting<Long> HEIGHT_PX =
      Setting.whole(
          "model.height-px",
          120,
          8,
          4096,
          "pixels",
          "Height images are resized to before they enter the network.");

  public static final Setting<Long> WIDTH_PX =
      Setting.whole(
          "model.width-px",
          160,
          8,
          4096,
          "pixels",
          "Width images are resized to before they enter the network.");

  public static final Setting<Double> MARGIN =
      Setting.decimal(
          "model.margin",
          0.1,
          0,
          100,
          "squared descriptor distance",
          "m, the margin of the triplet ranking loss.");

  public static final Setting<Double> INTRA_NORM_EPS =
      Setting.decimal(
          "model.intra-norm-eps",
          1e-12,
          1e-12,
          10,
          "residual norm",
          "NetVLAD's intra-normalisation divides each cluster's residual sum V_k by max(|V_k|,"
              + " this). 1e-12 is pytorch-NetVlad's F.normalize: a cluster with almost no location"
              + " assigned still counts fully, its direction set by whichever location is nearest."
              + " A larger value weighs clusters whose residual sum is below it in proportion to"
              + " it.");

  public static final Setting<String> TRAIN_FROM =
      Setting.text(
          "model.train-from",
          "",
          "empty, or a backbone convolution name such as conv5_1",
          String::trim,
          "The first backbone convolution that trains; the ones before it stay frozen (the paper"
              + " trains VGG16 from conv5_1). Empty: every layer trains.");

  public static final Setting<String> BACKBONE_WEIGHTS =
      Setting.text(
          "model.backbone-weights",
          "",
          "empty, or the URI of a DL4J model zip or a Keras HDF5 model file",
          String::trim,
          "Backbone weights to start from: a DL4J model zip or a Keras HDF5 model file (Keras 2"
              + " model.save(\"name.h5\"), TensorFlow backend, e.g."
              + " keras.applications.VGG16(include_top=False, input_shape=(480, 640, 3))) whose"
              + " convolutions match the backbone's in order. The format is told by the file's"
              + " content. Empty: random initialisation (the small backbone's default).");

  public static final Setting<String> INIT_VARIANT =
      Setting.choice(
          "model.init-variant",
          "v1",
          List.of("v1", "v2"),
          "NetVLAD initialisation from k-means centres: v1 (w = alpha * normalised centres, b = 0)"
              + " or the paper's v2 (w = 2 alpha c, b = -alpha |c|^2).");

  public static final Setting<Long> INIT_IMAGES =
      Setting.whole(
          "model.init-images",
          500,
          1,
          1_000_000,
          "images",
          "Training images whose conv features are sampled for the k-means initialisation.");

  public static final Setting<Long> INIT_FEATURES_PER_IMAGE =
      Setting.whole(
          "model.init-features-per-image",
          100,
          1,
          100_000,
          "features",
          "Conv feature vectors sampled from each of those images.");

  public static final Setting<Long> INIT_ITERATIONS =
      Setting.whole(
          "model.init-iterations",
          100,
          1,
          10_000,
          "iterations",
          "Most Lloyd iterations of the k-means initialisation.");

  static final List<Setting<?>> ALL =
      List.of(
          BACKBONE,
          POOLING,
          CLUSTERS,
          HEIGHT_PX,
          WIDTH_PX,
          MARGIN,
          INTRA_NORM_EPS,
          TRAIN_FROM,
          BACKBONE_WEIGHTS,
          INIT_VARIANT,
          INIT_IMAGES,
          INIT_FEATURES_PER_IMAGE,
          INIT_ITERATIONS);

  /** The network the model.* settings describe. */
  public static ModelSpec spec(PipelineConfig config) {
    return new ModelSpec(
        Backbone.parse(config.get(BACKBONE)),
        Pooling.parse(config.get(POOLING)),
        Math.toIntExact(config.get(CLUSTERS)),
        Math.toIntExact(config.get(HEIGHT_PX)),
        Math.toIntExact(config.get(WIDTH_PX)),
        config.get(MARGIN),
        config.get(TRAIN_FROM),
        config.get(INTRA_NORM_EPS));
  }
}
