package org.netvlad.common.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.Activation;
import org.netvlad.common.model.dl4j.InputConvolutionLayer;
import org.netvlad.common.model.dl4j.MaxPooling2x2Layer;
import org.netvlad.common.model.dl4j.Relu;

/**
 * The convolutional trunks NetVLAD pools. Both end on a convolution without ReLU, as the paper
 * crops VGG16 at conv5_3 before its ReLU; 3x3 convolutions keep the spatial size, 2x2 max pooling
 * halves it.
 *
 * <ul>
 *   <li>{@link #SMALL}: 3→32→64→128→128, pooling after the first three blocks; a 3x120x160 image
 *       gives 128 x 15 x 20 features. Trains on a 2-core CPU; the default.
 *   <li>{@link #VGG16}: VGG16's thirteen convolutions up to conv5_3 (512 x H/16 x W/16), its
 *       weights copied from a model file the user supplies ({@link BackboneWeights}).
 * </ul>
 */
public enum Backbone {
  SMALL("small", new int[][] {{32}, {64}, {128}, {128}}),
  VGG16(
      "vgg16",
      new int[][] {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}});

  public final String text;

  /**
   * Output channels of each convolution, block by block; a 2x2 max pool follows every block but the
   * last.
   */
  private final int[][] blocks;

  Backbone(String text, int[][] blocks) {
    this.text = text;
    this.blocks = blocks;
  }

  public static Backbone parse(String text) {
    for (Backbone b : values()) {
      if (b.text.equals(text)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown backbone \"" + text + "\"; expected small or vgg16");
  }

  /** Depth D of the features the backbone outputs. */
  public int featureDepth() {
    int[] last = blocks[blocks.length - 1];
    return last[last.length - 1];
  }

  /** How many times the backbone halves the image size. */
  public int poolings() {
    return blocks.length - 1;
  }

  /**
   * Names of the convolutions in order: conv{block}_{index} (VGG's), or conv{block} when blocks
   * hold one.
   */
  public List<String> convolutionNames() {
    List<String> names = new ArrayList<>();
    for (int b = 0; b < blocks.length; b++) {
      for (int i = 0; i < blocks[b].length; i++) {
        names.add(blocks[b].length == 1 ? "conv" + (b + 1) : "conv" + (b + 1) + "_" + (i + 1));
      }
    }
    return names;
  }

  /**
   * The layers, named; the first convolution is an {@link InputConvolutionLayer}, the last has no
   * activation.
   */
  List<Layer> layers() {
    List<Layer> layers = new ArrayList<>();
    List<String> names = convolutionNames();
    int conv = 0;
    for (int b = 0; b < blocks.length; b++) {
      for (int i = 0; i < blocks[b].length; i++) {
        boolean last = b == blocks.length - 1 && i == blocks[b].length - 1;
        ConvolutionLayer.Builder convolution =
            new ConvolutionLayer.Builder(3, 3)
                .name(names.get(conv))
                .nOut(blocks[b][i])
                .activation(last ? Activation.IDENTITY.getActivationFunction() : new Relu());
        // the first convolution sees the images, which need no gradient
        layers.add(conv++ == 0 ? new InputConvolutionLayer(convolution) : convolution.build());
      }
      if (b < blocks.length - 1) {
        layers.add(new MaxPooling2x2Layer("pool" + (b + 1)));
      }
    }
    return layers;
  }
}
