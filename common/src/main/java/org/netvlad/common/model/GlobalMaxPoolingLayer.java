package org.netvlad.common.model;

import java.util.Collection;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.netvlad.common.model.dl4j.OneDnn;

/**
 * The paper's f_max: global max pooling of conv features, then L2 normalisation. Input {@code
 * [batch, D, H, W]}, output {@code [batch, D]}, no parameters.
 */
public class GlobalMaxPoolingLayer extends NoParamLayer {
  static {
    OneDnn.enable(); // before DL4J builds this network's convolution and pooling layers
  }

  private static final long serialVersionUID = 1L;

  /** For JSON and direct use. */
  public GlobalMaxPoolingLayer() {}

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray paramsView,
      boolean initializeParams,
      DataType networkDataType) {
    return DescriptorPoolingLayer.wire(
        new GlobalMaxPoolingLayerImpl(conf, networkDataType),
        initializer(),
        conf,
        listeners,
        layerIndex,
        paramsView,
        initializeParams);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(
        DescriptorPoolingLayer.convolutional(inputType, "max pooling layer", getLayerName())
            .getChannels());
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    return new LayerMemoryReport.Builder(
            layerName, GlobalMaxPoolingLayer.class, inputType, getOutputType(-1, inputType))
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, inputType.arrayElementsPerExample())
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }
}
