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

/**
 * The NetVLAD layer at run time: forward and backward by {@link NetVladMath}. Backward recomputes
 * the forward intermediates from the input rather than keeping them across DL4J's workspaces.
 */
public class NetVladLayerImpl extends BaseLayer<NetVladLayer> {
  private static final long serialVersionUID = 1L;

  public NetVladLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private boolean hard() {
    return layerConf().isHardAssignment();
  }

  private INDArray param(String key) {
    return hard() && !key.equals(NetVladParams.CENTRES) ? null : getParam(key);
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
    checkInput();
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray out = NetVladMath.forward(input, param(NetVladParams.ASSIGN_WEIGHTS), param(NetVladParams.ASSIGN_BIAS),
        param(NetVladParams.CENTRES), hard()).output;
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    NetVladMath.Backward grads = NetVladMath.backward(input, param(NetVladParams.ASSIGN_WEIGHTS),
        param(NetVladParams.ASSIGN_BIAS), param(NetVladParams.CENTRES), hard(), epsilon);
    Gradient gradient = new DefaultGradient();
    if (!hard()) {
      gradient.setGradientFor(NetVladParams.ASSIGN_WEIGHTS, gradientViews.get(NetVladParams.ASSIGN_WEIGHTS).assign(grads.w()));
      gradient.setGradientFor(NetVladParams.ASSIGN_BIAS, gradientViews.get(NetVladParams.ASSIGN_BIAS).assign(grads.b()));
    }
    gradient.setGradientFor(NetVladParams.CENTRES, gradientViews.get(NetVladParams.CENTRES).assign(grads.c()));
    INDArray dInput = backpropDropOutIfPresent(workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grads.input()));
    return new Pair<>(gradient, dInput);
  }

  private void checkInput() {
    if (input.rank() != 4 || input.size(1) != layerConf().getFeatureDepth()) {
      throw new IllegalStateException("NetVLAD layer " + layerId() + " expects input [batch, " + layerConf().getFeatureDepth()
          + ", height, width], got " + java.util.Arrays.toString(input.shape()));
    }
  }
}
