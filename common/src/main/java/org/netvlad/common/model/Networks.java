package org.netvlad.common.model;

import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.netvlad.common.model.dl4j.OneDnn;

/**
 * Builds the NetVLAD network as one DL4J {@link MultiLayerNetwork}: backbone convolutions, the
 * pooling layer named {@value Pooling#DESCRIPTOR_LAYER}, then a loss layer with the {@link
 * TripletRankingLoss} over minibatches laid out as {@link TupleBatch} says. Input images are {@code
 * [batch, 3, height, width]}; the descriptors are the pooling layer's output (equal to the
 * network's output: the loss layer passes its input through).
 */
public final class Networks {
  static {
    OneDnn.enable(); // before DL4J builds this network's convolution and pooling layers
  }

  private Networks() {}

  /** How the network learns; the updater's learning rate schedule lives in the updater. */
  public record Training(IUpdater updater, double weightDecay, long seed) {}

  public static MultiLayerConfiguration configuration(
      ModelSpec spec, Training training, DataType dataType) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(training.seed())
            .dataType(dataType)
            .updater(training.updater())
            .weightDecay(training.weightDecay())
            .weightInit(WeightInit.RELU)
            .convolutionMode(ConvolutionMode.Same)
            // Keep forward values for the backward pass: each convolution's pre-activation, and
            // NetVLAD's intermediates (NetVladLayerImpl). With DL4J's default (NONE) the backward
            // pass runs every convolution forward again: a sixth of a training step. Costs that
            // memory (about 210 MB for a step of 48 default images).
            .cacheMode(CacheMode.DEVICE)
            .list();
    List<Layer> backbone = spec.backbone().layers();
    boolean frozen = !spec.trainFrom().isEmpty();
    for (Layer layer : backbone) {
      if (spec.trainFrom().equals(layer.getLayerName())) {
        frozen = false;
      }
      list.layer(frozen ? new FrozenLayer(layer) : layer);
    }
    list.layer(spec.pooling().layer(spec.clusters(), spec.intraNormEps()));
    list.layer(
        new LossLayer.Builder(new TripletRankingLoss(spec.margin()))
            .name("loss")
            .activation(Activation.IDENTITY)
            .build());
    list.setInputType(InputType.convolutional(spec.heightPx(), spec.widthPx(), 3));
    return list.build();
  }

  public static MultiLayerNetwork create(ModelSpec spec, Training training, DataType dataType) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, training, dataType));
    net.init();
    return net;
  }

  /** Index of the pooling layer in a network built here. */
  public static int descriptorLayerIndex(MultiLayerNetwork net) {
    for (int i = 0; i < net.getnLayers(); i++) {
      if (Pooling.DESCRIPTOR_LAYER.equals(net.getLayer(i).conf().getLayer().getLayerName())) {
        return i;
      }
    }
    throw new IllegalArgumentException("network has no layer named " + Pooling.DESCRIPTOR_LAYER);
  }

  /** Index of the last backbone layer (its output is what the pooling layer reads). */
  public static int featureLayerIndex(MultiLayerNetwork net) {
    return descriptorLayerIndex(net) - 1;
  }
}
