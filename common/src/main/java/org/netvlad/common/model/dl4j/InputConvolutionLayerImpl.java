package org.netvlad.common.model.dl4j;

import static org.netvlad.common.model.dl4j.ContiguousArrays.contiguous;
import static org.netvlad.common.model.dl4j.ContiguousArrays.floats;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link InputConvolutionLayer} at run time: DL4J's convolution layer whose backward pass, when the
 * layer is the network's first and its arrays are float NCHW with stride 1, no dilation and "same"
 * padding of an odd kernel, returns no input gradient and computes the weight gradient image by
 * image as deltas [out channels, h * w] times the transpose of the image's patches ({@link
 * Im2Col}); a row of ones under the patches gives the bias gradient (the deltas' sum) in the same
 * product. Otherwise it is DL4J's own.
 */
public class InputConvolutionLayerImpl extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  public InputConvolutionLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(
      INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray in = input.castTo(dataType);
    if (!patchPathApplies(in)) {
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    in = contiguous(in);
    INDArray z = preOutput4d(true, true, workspaceMgr).getFirst();
    INDArray delta =
        contiguous(layerConf().getActivationFn().backprop(z, epsilon.castTo(dataType)).getFirst());

    int images = (int) in.size(0);
    int channels = (int) in.size(1);
    int height = (int) in.size(2);
    int width = (int) in.size(3);
    int[] kernel = layerConf().getKernelSize();
    long outChannels = layerConf().getNOut();
    int taps = channels * kernel[0] * kernel[1];
    boolean bias = layerConf().hasBias();
    // patches [taps (+ a row of ones for the bias), h * w]; gradients [out, taps (+ bias)]
    INDArray patches =
        workspaceMgr.createUninitialized(
            ArrayType.BP_WORKING_MEM,
            DataType.FLOAT,
            new long[] {taps + (bias ? 1 : 0), (long) height * width},
            'c');
    if (bias) {
      patches.get(NDArrayIndex.point(taps), NDArrayIndex.all()).assign(1f);
    }
    INDArray grads =
        workspaceMgr.createUninitialized(
            ArrayType.BP_WORKING_MEM,
            DataType.FLOAT,
            new long[] {outChannels, patches.size(0)},
            'c');
    FloatBuffer patchValues = floats(patches);
    FloatBuffer inValues = floats(in);
    float[] image = new float[channels * height * width];
    for (int n = 0; n < images; n++) {
      inValues.get(n * image.length, image, 0, image.length);
      Im2Col.sameStride1(image, channels, height, width, kernel[0], kernel[1], patchValues);
      INDArray imageDelta =
          delta.get(NDArrayIndex.point(n)).reshape('c', outChannels, (long) height * width);
      Nd4j.gemm(imageDelta, patches, grads, false, true, 1.0, n == 0 ? 0.0 : 1.0);
    }

    Gradient gradient = new DefaultGradient();
    if (bias) {
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      biasGrad.assign(
          grads.get(NDArrayIndex.all(), NDArrayIndex.point(taps)).reshape(biasGrad.shape()));
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    }
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
    weightGrad.assign(
        grads.get(NDArrayIndex.all(), NDArrayIndex.interval(0, taps)).reshape(weightGrad.shape()));
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, null);
  }

  /**
   * Whether this layer is the network's first (nothing takes a gradient for its input) and its
   * input and configuration are the ones {@link Im2Col} covers: float NCHW, stride 1, no dilation,
   * "same" padding of an odd kernel.
   */
  private boolean patchPathApplies(INDArray in) {
    var conf = layerConf();
    int[] kernel = conf.getKernelSize();
    return getIndex() == 0
        && in.dataType() == DataType.FLOAT
        && in.rank() == 4
        && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
        && convolutionMode == ConvolutionMode.Same
        && Arrays.equals(conf.getStride(), new int[] {1, 1})
        && Arrays.equals(conf.getDilation(), new int[] {1, 1})
        && kernel[0] % 2 == 1
        && kernel[1] % 2 == 1
        && in.size(1) * kernel[0] * kernel[1] * in.size(2) * in.size(3) < Integer.MAX_VALUE
        && in.length() < Integer.MAX_VALUE;
  }
}
