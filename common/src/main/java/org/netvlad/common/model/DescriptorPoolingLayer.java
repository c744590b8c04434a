package org.netvlad.common.model;

import java.util.Collection;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.netvlad.common.model.dl4j.OneDnn;

/**
 * What the trainable pooling layers' configurations ({@link NetVladLayer}, {@link GemPoolingLayer})
 * share: convolutional input {@code [batch, depth, height, width]} pooled into one descriptor per
 * image, DL4J's wiring of a layer to its parameter views (also used by the backbone's own layers),
 * no preprocessor, no pretraining.
 */
public abstract class DescriptorPoolingLayer extends BaseLayer {
  static {
    OneDnn.enable(); // before DL4J builds this network's convolution and pooling layers
  }

  private static final long serialVersionUID = 1L;

  /** For JSON. */
  protected DescriptorPoolingLayer() {}

  protected DescriptorPoolingLayer(BaseLayer.Builder<?> builder) {
    super(builder);
  }

  /** The layer that computes, before DL4J wires it to its parameters. */
  protected abstract AbstractLayer<?> newImplementation(
      NeuralNetConfiguration conf, DataType networkDataType);

  /** The layer's name in messages, e.g. "NetVLAD layer". */
  protected abstract String kind();

  @Override
  public final org.deeplearning4j.nn.api.Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray paramsView,
      boolean initializeParams,
      DataType networkDataType) {
    return wire(
        newImplementation(conf, networkDataType),
        initializer(),
        conf,
        listeners,
        layerIndex,
        paramsView,
        initializeParams);
  }

  /** Wires a layer to its listeners, index and parameter views, as DL4J's own layers do. */
  public static org.deeplearning4j.nn.api.Layer wire(
      AbstractLayer<?> layer,
      org.deeplearning4j.nn.api.ParamInitializer initializer,
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray paramsView,
      boolean initializeParams) {
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  /** The input as convolutional, or an error naming the layer. */
  static InputType.InputTypeConvolutional convolutional(
      InputType inputType, String kind, String layerName) {
    if (!(inputType instanceof InputType.InputTypeConvolutional conv)) {
      throw new IllegalStateException(
          kind
              + " \""
              + layerName
              + "\" needs convolutional input [batch, depth, height, width], got "
              + inputType);
    }
    return conv;
  }

  protected InputType.InputTypeConvolutional convolutional(InputType inputType) {
    return convolutional(inputType, kind(), getLayerName());
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(
            layerName, getClass(), inputType, getOutputType(-1, inputType))
        .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
        .workingMemory(
            0, inputType.arrayElementsPerExample() * 2, 0, inputType.arrayElementsPerExample() * 4)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }
}
