package org.netvlad.common.model.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.netvlad.common.model.DescriptorPoolingLayer;

/**
 * The backbone's 2x2 max pooling (stride 2): DL4J's {@link SubsamplingLayer} in every respect
 * (configuration, JSON, output sizes) but computed by {@link MaxPool2x2} (float) or libnd4j's own
 * pooling kernels instead of oneDNN's ({@link MaxPooling2x2LayerImpl}).
 *
 * <p>For NCHW arrays this oneDNN build has only its slow reference pooling kernel (figures:
 * docs/benchmarks.md). Convolutions stay on oneDNN.
 */
public class MaxPooling2x2Layer extends SubsamplingLayer {
  private static final long serialVersionUID = 1L;

  /** For JSON. */
  public MaxPooling2x2Layer() {}

  public MaxPooling2x2Layer(String name) {
    super(new SubsamplingLayer.Builder(PoolingType.MAX).name(name).kernelSize(2, 2).stride(2, 2));
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray paramsView,
      boolean initializeParams,
      DataType networkDataType) {
    return DescriptorPoolingLayer.wire(
        new MaxPooling2x2LayerImpl(conf, networkDataType),
        initializer(),
        conf,
        listeners,
        layerIndex,
        paramsView,
        initializeParams);
  }
}
