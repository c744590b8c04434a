package org.netvlad.common.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** GeM pooling at run time, by {@link PoolingMath}. */
public class GemPoolingLayerImpl extends BaseLayer<GemPoolingLayer> {
  private static final long serialVersionUID = 1L;

  public GemPoolingLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private double power() {
    return getParam(GemPoolingLayer.POWER).getDouble(0);
  }

  @Override
  public Type type() {
    return Type.SUBSAMPLING;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, PoolingMath.gemForward(input, power()));
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray[] grads = PoolingMath.gemBackward(input, power(), epsilon);
    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(
        GemPoolingLayer.POWER, gradientViews.get(GemPoolingLayer.POWER).assign(grads[1]));
    INDArray dInput =
        backpropDropOutIfPresent(workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grads[0]));
    return new Pair<>(gradient, dInput);
  }
}
