package org.netvlad.common.model;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The NetVLAD layer at run time: forward and backward by {@link NetVladMath}.
 *
 * <p>The backward pass needs the forward pass's intermediates. When the network caches forward
 * values ({@code CacheMode}, which {@link Networks} sets) and DL4J has opened its forward-cache
 * workspace (during {@code fit}), a training forward pass keeps them there, as DL4J's convolution
 * layers keep their pre-activations; otherwise the backward pass runs the forward pass again.
 */
public class NetVladLayerImpl extends BaseLayer<NetVladLayer> {
  private static final long serialVersionUID = 1L;

  /**
   * The last training forward pass, kept in the forward-cache workspace, and the input it ran on.
   */
  private transient NetVladMath.Forward kept;

  private transient INDArray keptInput;

  /** Whether the last backward pass read a kept forward pass (for tests). */
  private transient boolean lastBackwardReusedForward;

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
    kept = null;
    keptInput = null;
    if (training && canKeep(workspaceMgr)) {
      try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.FF_CACHE)) {
        kept = forward();
        keptInput = input;
      }
      return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, kept.output);
    }
    return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, forward().output);
  }

  private boolean canKeep(LayerWorkspaceMgr workspaceMgr) {
    return cacheMode != null
        && cacheMode != CacheMode.NONE
        && workspaceMgr.hasConfiguration(ArrayType.FF_CACHE)
        && workspaceMgr.isWorkspaceOpen(ArrayType.FF_CACHE);
  }

  private NetVladMath.Forward forward() {
    return NetVladMath.forward(
        input,
        param(NetVladParams.ASSIGN_WEIGHTS),
        param(NetVladParams.ASSIGN_BIAS),
        param(NetVladParams.CENTRES),
        hard(),
        layerConf().getIntraNormEps());
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    lastBackwardReusedForward = kept != null && keptInput == input;
    NetVladMath.Forward f = lastBackwardReusedForward ? kept : forward();
    kept = null;
    keptInput = null;
    NetVladMath.Backward grads =
        NetVladMath.backward(
            f, param(NetVladParams.ASSIGN_WEIGHTS), param(NetVladParams.CENTRES), hard(), epsilon);
    Gradient gradient = new DefaultGradient();
    if (!hard()) {
      gradient.setGradientFor(
          NetVladParams.ASSIGN_WEIGHTS,
          gradientViews.get(NetVladParams.ASSIGN_WEIGHTS).assign(grads.w()));
      gradient.setGradientFor(
          NetVladParams.ASSIGN_BIAS,
          gradientViews.get(NetVladParams.ASSIGN_BIAS).assign(grads.b()));
    }
    gradient.setGradientFor(
        NetVladParams.CENTRES, gradientViews.get(NetVladParams.CENTRES).assign(grads.c()));
    INDArray dInput =
        backpropDropOutIfPresent(workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, grads.input()));
    return new Pair<>(gradient, dInput);
  }

  boolean lastBackwardReusedForward() {
    return lastBackwardReusedForward;
  }

  @Override
  public void clear() {
    super.clear();
    kept = null;
    keptInput = null;
  }

  private void checkInput() {
    if (input.rank() != 4 || input.size(1) != layerConf().getFeatureDepth()) {
      throw new IllegalStateException(
          "NetVLAD layer "
              + layerId()
              + " expects input [batch, "
              + layerConf().getFeatureDepth()
              + ", height, width], got "
              + java.util.Arrays.toString(input.shape()));
    }
  }
}
