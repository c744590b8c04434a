package org.netvlad.common.model.dl4j;

import static org.netvlad.common.model.dl4j.ContiguousArrays.contiguous;
import static org.netvlad.common.model.dl4j.ContiguousArrays.floats;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link MaxPooling2x2Layer} at run time: DL4J's subsampling layer whose max pooling, forward and
 * backward, runs {@link MaxPool2x2} for float NCHW arrays pooled 2x2 with stride 2 (the
 * backbone's), and otherwise libnd4j's {@code maxpool2d} and {@code maxpool2d_bp} with platform
 * helpers (oneDNN) not allowed, with the arguments DL4J's own layer passes.
 */
public class MaxPooling2x2LayerImpl extends SubsamplingLayer {
  private static final long serialVersionUID = 1L;

  public MaxPooling2x2LayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    helper = null;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (layerConf().getPoolingType() != PoolingType.MAX) {
      return super.activate(training, workspaceMgr);
    }
    assertInputSet(false);
    if (input.rank() != 4) {
      throw new DL4JInvalidInputException(
          "Got rank "
              + input.rank()
              + " array as input to max pooling layer with shape "
              + Arrays.toString(input.shape())
              + "; expected rank 4. "
              + layerId());
    }
    INDArray in = input.castTo(dataType);
    if (javaKernelApplies(in)) {
      in = contiguous(in);
      INDArray output =
          workspaceMgr.createUninitialized(
              ArrayType.ACTIVATIONS,
              in.dataType(),
              new long[] {in.size(0), in.size(1), in.size(2) / 2, in.size(3) / 2},
              'c');
      MaxPool2x2.forward(
          floats(in), floats(output), planes(in), (int) in.size(2), (int) in.size(3), threads());
      return output;
    }
    int[] args = arguments(layerConf().getPadding());
    DynamicCustomOp shapeOnly =
        DynamicCustomOp.builder("maxpool2d").addInputs(in).addIntegerArguments(args).build();
    long[] shape = shapeOnly.calculateOutputShape().get(0).getShape();
    INDArray output =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, in.dataType(), shape, 'c');
    execWithoutHelpers("maxpool2d", args, output, in);
    return output;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    if (layerConf().getPoolingType() != PoolingType.MAX) {
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    assertInputSet(true);
    INDArray in = input.castTo(dataType);
    INDArray eps = epsilon.castTo(dataType);
    if (javaKernelApplies(in)) {
      in = contiguous(in);
      eps = contiguous(eps);
      INDArray dInput =
          workspaceMgr.createUninitialized(
              ArrayType.ACTIVATION_GRAD, in.dataType(), in.shape(), 'c');
      MaxPool2x2.backward(
          floats(in),
          floats(eps),
          floats(dInput),
          planes(in),
          (int) in.size(2),
          (int) in.size(3),
          threads());
      return new Pair<>(new DefaultGradient(), dInput);
    }
    boolean nchw = layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW;
    int h = nchw ? 2 : 1;
    int w = nchw ? 3 : 2;
    int[] pad = layerConf().getPadding();
    if (convolutionMode == ConvolutionMode.Same) {
      pad =
          ConvolutionUtils.getSameModeTopLeftPadding(
              new int[] {(int) eps.size(h), (int) eps.size(w)},
              new int[] {(int) in.size(h), (int) in.size(w)},
              layerConf().getKernelSize(),
              layerConf().getStride(),
              layerConf().getDilation());
    }
    INDArray dInput =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, in.dataType(), in.shape(), 'c');
    execWithoutHelpers("maxpool2d_bp", arguments(pad), dInput, in, eps);
    return new Pair<>(new DefaultGradient(), dInput);
  }

  /**
   * Whether {@link MaxPool2x2} computes what this layer's configuration asks: float NCHW, 2x2
   * windows with stride 2 and no dilation or padding, and sizes where the output is half the input
   * rounded down (truncate mode, or even sizes).
   */
  private boolean javaKernelApplies(INDArray in) {
    var conf = layerConf();
    return in.dataType() == DataType.FLOAT
        && in.rank() == 4
        && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
        && Arrays.equals(conf.getKernelSize(), new int[] {2, 2})
        && Arrays.equals(conf.getStride(), new int[] {2, 2})
        && Arrays.equals(conf.getDilation(), new int[] {1, 1})
        && Arrays.equals(conf.getPadding(), new int[] {0, 0})
        && (convolutionMode == ConvolutionMode.Truncate
            || (in.size(2) % 2 == 0 && in.size(3) % 2 == 0))
        && in.length() < Integer.MAX_VALUE;
  }

  private static int planes(INDArray in) {
    return (int) (in.size(0) * in.size(1));
  }

  /** As many threads as ND4J's own operations use. */
  private static int threads() {
    return Nd4j.getEnvironment().maxMasterThreads();
  }

  /**
   * kernel, stride, padding, dilation, same mode, (unused), data format: as DL4J's layer gives
   * them.
   */
  private int[] arguments(int[] pad) {
    int[] kernel = layerConf().getKernelSize();
    int[] stride = layerConf().getStride();
    int[] dilation = layerConf().getDilation();
    return new int[] {
      kernel[0],
      kernel[1],
      stride[0],
      stride[1],
      pad[0],
      pad[1],
      dilation[0],
      dilation[1],
      convolutionMode == ConvolutionMode.Same ? 1 : 0,
      0,
      layerConf().getCnn2dDataFormat() == CNN2DFormat.NCHW ? 0 : 1
    };
  }

  private static void execWithoutHelpers(
      String op, int[] args, INDArray output, INDArray... inputs) {
    try (OpContext context = Nd4j.getExecutioner().buildContext()) {
      context.setIArguments(Arrays.stream(args).asLongStream().toArray());
      for (int i = 0; i < inputs.length; i++) {
        context.setInputArray(i, inputs[i]);
      }
      context.setOutputArray(0, output);
      context.allowHelpers(false);
      Nd4j.exec(DynamicCustomOp.builder(op).build(), context);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(op + " failed", e);
    }
  }
}
