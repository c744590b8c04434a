package org.netvlad.common.model;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Configuration of the NetVLAD pooling layer (see {@link NetVladMath} for the computation):
 * convolutional input {@code [batch, D, H, W]}, output {@code [batch, K*D]}. Parameters {@code w}
 * {@code [K, D]}, {@code b} {@code [K]}, {@code c} {@code [K, D]}; with hard assignment (plain
 * VLAD, the off-the-shelf baseline) only {@code c}.
 *
 * <p>Property names avoid {@code nIn}/{@code nOut}: DL4J's JSON mapper loses fields whose getter
 * name does not match (docs/stack.md), and Spark training ships configurations as JSON.
 */
public class NetVladLayer extends DescriptorPoolingLayer {
  private static final long serialVersionUID = 1L;

  private int clusterCount = 64;
  private long featureDepth;
  private boolean hardAssignment;
  private double intraNormEps = NetVladMath.EPS;

  /** For JSON. */
  public NetVladLayer() {}

  private NetVladLayer(Builder builder) {
    super(builder);
    this.clusterCount = builder.clusterCount;
    this.featureDepth = builder.featureDepth;
    this.hardAssignment = builder.hardAssignment;
    this.intraNormEps = builder.intraNormEps;
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

  /** The clamp of the intra-normalisation: each residual sum is divided by max(its norm, this). */
  public double getIntraNormEps() {
    return intraNormEps;
  }

  public void setIntraNormEps(double intraNormEps) {
    this.intraNormEps = intraNormEps;
  }

  public long descriptorLength() {
    return clusterCount * featureDepth;
  }

  @Override
  protected org.deeplearning4j.nn.layers.AbstractLayer<?> newImplementation(
      NeuralNetConfiguration conf, DataType networkDataType) {
    return new NetVladLayerImpl(conf, networkDataType);
  }

  @Override
  protected String kind() {
    return "NetVLAD layer";
  }

  @Override
  public ParamInitializer initializer() {
    return NetVladParams.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(clusterCount * convolutional(inputType).getChannels());
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    long depth = convolutional(inputType).getChannels();
    if (featureDepth <= 0 || override) {
      featureDepth = depth;
    }
  }

  // DL4J's (Lombok) equality of BaseLayer does not see this layer's own settings.
  @Override
  public boolean equals(Object other) {
    return other instanceof NetVladLayer o
        && super.equals(o)
        && clusterCount == o.clusterCount
        && featureDepth == o.featureDepth
        && hardAssignment == o.hardAssignment
        && intraNormEps == o.intraNormEps;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        super.hashCode(), clusterCount, featureDepth, hardAssignment, intraNormEps);
  }

  /** Builds a {@link NetVladLayer}. */
  public static class Builder extends BaseLayer.Builder<Builder> {
    private int clusterCount = 64;
    private long featureDepth;
    private boolean hardAssignment;
    private double intraNormEps = NetVladMath.EPS;

    /** K, the number of clusters (default 64). */
    public Builder clusterCount(int clusters) {
      if (clusters < 1) {
        throw new IllegalArgumentException(
            "NetVLAD cluster count must be at least 1, got " + clusters);
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

    /** The intra-normalisation clamp (default pytorch-NetVlad's 1e-12). */
    public Builder intraNormEps(double eps) {
      if (!(eps >= NetVladMath.EPS)) {
        throw new IllegalArgumentException(
            "NetVLAD intra-normalisation clamp must be at least "
                + NetVladMath.EPS
                + ", got "
                + eps);
      }
      this.intraNormEps = eps;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public NetVladLayer build() {
      return new NetVladLayer(this);
    }
  }
}
