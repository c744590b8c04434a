package org.netvlad.common.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lays out the NetVLAD parameters in the network's flat parameter vector: {@code w} (K*D), {@code
 * b} (K), {@code c} (K*D), each a c-order view. Hard assignment keeps only {@code c}. Fresh
 * parameters are placeholders (weight init for w and c, zero b): a NetVLAD layer must be
 * initialised from k-means centres before training ({@link ClusterInit}).
 */
public final class NetVladParams implements ParamInitializer {
  public static final String ASSIGN_WEIGHTS = "w";
  public static final String ASSIGN_BIAS = "b";
  public static final String CENTRES = "c";
  static final NetVladParams INSTANCE = new NetVladParams();

  private NetVladParams() {}

  private static NetVladLayer conf(Layer layer) {
    return (NetVladLayer) layer;
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    NetVladLayer l = conf(layer);
    long centres = l.getClusterCount() * l.getFeatureDepth();
    return l.isHardAssignment() ? centres : 2 * centres + l.getClusterCount();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return conf(layer).isHardAssignment()
        ? List.of(CENTRES)
        : List.of(ASSIGN_WEIGHTS, ASSIGN_BIAS, CENTRES);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return conf(layer).isHardAssignment() ? List.of(CENTRES) : List.of(ASSIGN_WEIGHTS, CENTRES);
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return conf(layer).isHardAssignment() ? List.of() : List.of(ASSIGN_BIAS);
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return weightKeys(layer).contains(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return biasKeys(layer).contains(key);
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    NetVladLayer layer = conf(conf.getLayer());
    Map<String, INDArray> views = views(layer, paramsView);
    long k = layer.getClusterCount();
    long d = layer.getFeatureDepth();
    if (initializeParams) {
      for (Map.Entry<String, INDArray> e : views.entrySet()) {
        if (e.getKey().equals(ASSIGN_BIAS)) {
          e.getValue().assign(0);
        } else {
          layer
              .getWeightInitFn()
              .init(d, k, new long[] {k, d}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER, e.getValue());
        }
      }
    }
    for (String key : views.keySet()) {
      conf.addVariable(key);
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return views(conf(conf.getLayer()), gradientView);
  }

  private Map<String, INDArray> views(NetVladLayer layer, INDArray flat) {
    long k = layer.getClusterCount();
    long d = layer.getFeatureDepth();
    if (flat.length() != numParams(layer)) {
      throw new IllegalStateException(
          "NetVLAD layer expects "
              + numParams(layer)
              + " parameters, got a view of "
              + flat.length());
    }
    INDArray vector = flat.reshape(flat.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    long offset = 0;
    List<String> keys = new ArrayList<>(paramKeys(layer));
    for (String key : keys) {
      long[] shape = key.equals(ASSIGN_BIAS) ? new long[] {k} : new long[] {k, d};
      long length = key.equals(ASSIGN_BIAS) ? k : k * d;
      out.put(key, vector.get(NDArrayIndex.interval(offset, offset + length)).reshape('c', shape));
      offset += length;
    }
    return out;
  }
}
