package org.netvlad.common.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of the NetVLAD pooling layer (see {@link NetVladMath} for the computation):
 * convolutional input {@code [batch, D, H, W]}, output {@code [batch, K*D]}. Parameters {@code w}
 * {@code [K, D]}, {@code b} {@code [K]}, {@code c} {@code [K, D]}; with hard assignment (plain
 * VLAD, the off-the-shelf baseline) only {@code c}.
 *
 * <p>Property names avoid {@code nIn}/{@code nOut}: DL4J's JSON mapper loses fields whose getter
 * name does not match (shared/STACK.md), and Spark training ships configurations as JSON.
 */
public class NetVladLayer extends BaseLayer {
  private static final long serialVersionUID = 1L;

  private int clusterCount = 64;
  private long featureDepth;
  private boolean hardAssignment;

  /** For JSON. */
  public NetVladLayer() {}

  private NetVladLayer(Builder builder) {
    super(builder);
    this.clusterCount = builder.clusterCount;
    this.featureDepth = builder.featureDepth;
    this.hardAssignment = builder.hardAssignment;
  }

  public int getClusterCount() {
    return clusterCount;
  }

  public void setClusterCount(int clusterCount) {
    this.clusterCount = clusterCount;
  }

  /** D, the depth of the conv features; set from the input type when the network is built. */
  public long getFeatureDepth() {
    return featureDepth;
  }

  public void setFeatureDepth(long featureDepth) {
    this.featureDepth = featureDepth;
  }

  public boolean isHardAssignment() {
    return hardAssignment;
  }

  public void setHardAssignment(boolean hardAssignment) {
    this.hardAssignment = hardAssignment;
  }

  public long descriptorLength() {
    return clusterCount * featureDepth;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType networkDataType) {
    NetVladLayerImpl layer = new NetVladLayerImpl(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(paramsView);
    Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return NetVladParams.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    requireConvolutional(inputType);
    return InputType.feedForward(clusterCount * ((InputType.InputTypeConvolutional) inputType).getChannels());
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    requireConvolutional(inputType);
    if (featureDepth <= 0 || override) {
      featureDepth = ((InputType.InputTypeConvolutional) inputType).getChannels();
    }
  }

  private void requireConvolutional(InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional)) {
      throw new IllegalStateException("NetVLAD layer \"" + getLayerName() + "\" needs convolutional input [batch, depth, height, width], got " + inputType);
    }
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
    return new LayerMemoryReport.Builder(layerName, NetVladLayer.class, inputType, getOutputType(-1, inputType))
        .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
        .workingMemory(0, inputType.arrayElementsPerExample() * 2, 0, inputType.arrayElementsPerExample() * 4)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }

  /** Builds a {@link NetVladLayer}. */
  public static class Builder extends BaseLayer.Builder<Builder> {
    private int clusterCount = 64;
    private long featureDepth;
    private boolean hardAssignment;

    /** K, the number of clusters (default 64). */
    public Builder clusterCount(int clusters) {
      if (clusters < 1) {
        throw new IllegalArgumentException("NetVLAD cluster count must be at least 1, got " + clusters);
      }
      this.clusterCount = clusters;
      return this;
    }

    /** D; normally inferred from the input type. */
    public Builder featureDepth(long depth) {
      this.featureDepth = depth;
      return this;
    }

    /** Plain VLAD: hard nearest-centre assignment, only the centres as parameters. */
    public Builder hardAssignment(boolean hard) {
      this.hardAssignment = hard;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public NetVladLayer build() {
      return new NetVladLayer(this);
    }
  }
}
