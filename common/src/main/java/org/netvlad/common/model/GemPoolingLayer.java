package org.netvlad.common.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Generalised-mean pooling with a learnable power p, then L2 normalisation ({@link PoolingMath}):
 * input {@code [batch, D, H, W]}, output {@code [batch, D]}; one parameter, {@code p}.
 */
public class GemPoolingLayer extends DescriptorPoolingLayer {
  private static final long serialVersionUID = 1L;
  public static final String POWER = "p";

  private double initialPower = 3.0;

  /** For JSON. */
  public GemPoolingLayer() {}

  private GemPoolingLayer(Builder builder) {
    super(builder);
    this.initialPower = builder.initialPower;
  }

  public double getInitialPower() {
    return initialPower;
  }

  public void setInitialPower(double initialPower) {
    this.initialPower = initialPower;
  }

  @Override
  protected org.deeplearning4j.nn.layers.AbstractLayer<?> newImplementation(
      NeuralNetConfiguration conf, DataType networkDataType) {
    return new GemPoolingLayerImpl(conf, networkDataType);
  }

  @Override
  protected String kind() {
    return "GeM layer";
  }

  @Override
  public ParamInitializer initializer() {
    return Params.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(convolutional(inputType).getChannels());
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {}

  // DL4J's (Lombok) equality of BaseLayer does not see this layer's own setting.
  @Override
  public boolean equals(Object other) {
    return other instanceof GemPoolingLayer o && super.equals(o) && initialPower == o.initialPower;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(super.hashCode(), initialPower);
  }

  /** Builds a {@link GemPoolingLayer}. */
  public static class Builder extends BaseLayer.Builder<Builder> {
    private double initialPower = 3.0;

    /** p before training (default 3, the GeM paper's). */
    public Builder initialPower(double p) {
      if (!(p >= 1) || Double.isInfinite(p)) {
        throw new IllegalArgumentException("GeM power must be a finite number >= 1, got " + p);
      }
      this.initialPower = p;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public GemPoolingLayer build() {
      return new GemPoolingLayer(this);
    }
  }

  /**
   * The single parameter p, as a one-element view; regularised as a bias (not decayed by weight
   * decay on weights).
   */
  static final class Params implements ParamInitializer {
    static final Params INSTANCE = new Params();

    @Override
    public long numParams(NeuralNetConfiguration conf) {
      return 1;
    }

    @Override
    public long numParams(Layer layer) {
      return 1;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
      return List.of(POWER);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
      return List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
      return List.of(POWER);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
      return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
      return POWER.equals(key);
    }

    @Override
    public Map<String, INDArray> init(
        NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
      INDArray p = paramsView.reshape(1);
      if (initializeParams) {
        p.assign(((GemPoolingLayer) conf.getLayer()).getInitialPower());
      }
      conf.addVariable(POWER);
      Map<String, INDArray> out = new LinkedHashMap<>();
      out.put(POWER, p);
      return out;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(
        NeuralNetConfiguration conf, INDArray gradientView) {
      Map<String, INDArray> out = new LinkedHashMap<>();
      out.put(POWER, gradientView.reshape(1));
      return out;
    }
  }
}
