package org.netvlad.common.model.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.netvlad.common.model.DescriptorPoolingLayer;

/**
 * A network's first convolution, the one that sees the input images: DL4J's {@link
 * ConvolutionLayer} in every respect (configuration, JSON, parameters, forward pass on oneDNN)
 * except its backward pass ({@link InputConvolutionLayerImpl}), which computes no gradient for the
 * input images, since nothing uses one, and computes the weight gradient itself.
 *
 * <p>oneDNN's backward pass computes the input gradient whether or not it is needed, and is slow on
 * 3 input channels: slower than the weight gradient alone as a product of image patches and deltas
 * (docs/benchmarks.md).
 */
public class InputConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  /** For JSON. */
  public InputConvolutionLayer() {}

  /** The layer {@code builder} describes (checked as its own {@code build()} checks it). */
  public InputConvolutionLayer(ConvolutionLayer.Builder builder) {
    super(checked(builder));
  }

  private static ConvolutionLayer.Builder checked(ConvolutionLayer.Builder builder) {
    builder.build();
    return builder;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray paramsView,
      boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNInNOutSet(
        "InputConvolutionLayer", getLayerName(), layerIndex, getNIn(), getNOut());
    return DescriptorPoolingLayer.wire(
        new InputConvolutionLayerImpl(conf, networkDataType),
        initializer(),
        conf,
        listeners,
        layerIndex,
        paramsView,
        initializeParams);
  }
}
