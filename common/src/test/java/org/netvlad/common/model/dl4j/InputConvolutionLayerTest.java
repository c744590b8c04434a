package org.netvlad.common.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Networks;

/**
 * The first convolution's own backward pass ({@link InputConvolutionLayerImpl}): its weight and
 * bias gradients equal a brute-force sum over images, locations and kernel taps (with "same" zero
 * padding) for several kernels, channel counts and sizes, with and without ReLU; it returns no
 * input gradient as the first layer, and DL4J's own one anywhere else; the backbone uses it; it
 * survives DL4J's JSON round trip.
 */
class InputConvolutionLayerTest {
  static {
    OneDnn.enable();
  }

  @Test
  void gradientsEqualABruteForceSum() {
    Random random = new Random(11);
    // images, channels, height, width, out channels, kernel height, kernel width
    int[][] cases = {
      {2, 3, 7, 9, 4, 3, 3}, {1, 2, 6, 5, 3, 5, 3}, {3, 1, 4, 4, 2, 1, 3}, {2, 3, 12, 16, 8, 3, 3}
    };
    for (int[] c : cases) {
      for (IActivation activation :
          new IActivation[] {new Relu(), Activation.IDENTITY.getActivationFunction()}) {
        int n = c[0];
        int channels = c[1];
        int h = c[2];
        int w = c[3];
        int out = c[4];
        int kh = c[5];
        int kw = c[6];
        MultiLayerNetwork net = network(firstLayer(out, kh, kw, activation), h, w, channels);
        net.getLayer(0).getParam("b").assign(Nd4j.randn(DataType.FLOAT, 1, out).muli(0.1));
        double[] x = gaussians(n * channels * h * w, random);
        double[] eps = gaussians(n * out * h * w, random);
        Layer layer = net.getLayer(0);
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(
            Nd4j.create(x, new long[] {n, channels, h, w}, DataType.FLOAT), noWorkspaces);
        double[] output =
            layer.activate(true, noWorkspaces).castTo(DataType.DOUBLE).data().asDouble();
        Pair<Gradient, INDArray> result =
            layer.backpropGradient(
                Nd4j.create(eps, new long[] {n, out, h, w}, DataType.FLOAT), noWorkspaces);

        double[] weights = layer.getParam("W").castTo(DataType.DOUBLE).data().asDouble();
        double[] expectedW = new double[weights.length];
        double[] expectedB = new double[out];
        boolean relu = activation instanceof Relu;
        for (int img = 0; img < n; img++) {
          for (int o = 0; o < out; o++) {
            for (int y = 0; y < h; y++) {
              for (int xx = 0; xx < w; xx++) {
                int at = ((img * out + o) * h + y) * w + xx;
                double delta = relu && output[at] <= 0 ? 0 : eps[at];
                expectedB[o] += delta;
                for (int ci = 0; ci < channels; ci++) {
                  for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                      int sy = y + ky - kh / 2;
                      int sx = xx + kx - kw / 2;
                      if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                        expectedW[((o * channels + ci) * kh + ky) * kw + kx] +=
                            delta * x[((img * channels + ci) * h + sy) * w + sx];
                      }
                    }
                  }
                }
              }
            }
          }
        }
        String what =
            n
                + "x"
                + channels
                + "x"
                + h
                + "x"
                + w
                + " -> "
                + out
                + ", kernel "
                + kh
                + "x"
                + kw
                + ", "
                + activation;
        assertArrayEquals(
            expectedW,
            result.getFirst().getGradientFor("W").castTo(DataType.DOUBLE).data().asDouble(),
            1e-3,
            what + ": weight gradient");
        assertArrayEquals(
            expectedB,
            result.getFirst().getGradientFor("b").castTo(DataType.DOUBLE).data().asDouble(),
            1e-3,
            what + ": bias gradient");
        assertNull(result.getSecond(), what + ": the first layer returns no input gradient");
      }
    }
  }

  @Test
  void anywhereButFirstItGivesDl4jsInputGradient() {
    Random random = new Random(5);
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.FLOAT)
            .convolutionMode(ConvolutionMode.Same)
            .cacheMode(CacheMode.DEVICE)
            .list()
            .layer(
                new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.IDENTITY).build())
            .layer(firstLayer(3, 3, 3, new Relu()))
            .setInputType(InputType.convolutional(5, 6, 2))
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    net.initGradientsView();
    MultiLayerNetwork plain =
        network(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(new Relu()).build(), 5, 6, 2);
    plain.getLayer(0).setParams(net.getLayer(1).params().dup());
    INDArray in =
        Nd4j.create(gaussians(2 * 2 * 5 * 6, random), new long[] {2, 2, 5, 6}, DataType.FLOAT);
    INDArray eps =
        Nd4j.create(gaussians(2 * 3 * 5 * 6, random), new long[] {2, 3, 5, 6}, DataType.FLOAT);
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    Layer second = net.getLayer(1);
    Layer reference = plain.getLayer(0);
    for (Layer layer : new Layer[] {second, reference}) {
      layer.setInput(in, noWorkspaces);
      layer.activate(true, noWorkspaces);
    }
    INDArray ours = second.backpropGradient(eps.dup(), noWorkspaces).getSecond();
    INDArray theirs = reference.backpropGradient(eps.dup(), noWorkspaces).getSecond();
    assertNotNull(ours);
    assertArrayEquals(theirs.data().asDouble(), ours.data().asDouble(), 1e-5);
  }

  @Test
  void theBackboneStartsWithIt() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            Networks.configuration(
                ModelSpec.defaults(),
                new Networks.Training(new org.nd4j.linalg.learning.config.Sgd(0.1), 0, 1),
                DataType.FLOAT));
    net.init();
    assertInstanceOf(InputConvolutionLayerImpl.class, net.getLayer(0));
    assertEquals(
        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
        net.getLayer(2).getClass());
  }

  @Test
  void survivesDl4jsJsonRoundTrip() {
    MultiLayerConfiguration conf =
        network(firstLayer(4, 3, 3, new Relu()), 6, 8, 3).getLayerWiseConfigurations();
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    MultiLayerNetwork net = new MultiLayerNetwork(back);
    net.init();
    assertInstanceOf(InputConvolutionLayerImpl.class, net.getLayer(0));
    assertEquals("conv", net.getLayer(0).conf().getLayer().getLayerName());
  }

  private static InputConvolutionLayer firstLayer(int out, int kh, int kw, IActivation activation) {
    return new InputConvolutionLayer(
        new ConvolutionLayer.Builder(kh, kw).name("conv").nOut(out).activation(activation));
  }

  private static MultiLayerNetwork network(
      org.deeplearning4j.nn.conf.layers.Layer layer, int h, int w, int channels) {
    MultiLayerNetwork net =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Same)
                .cacheMode(CacheMode.DEVICE)
                .list()
                .layer(layer)
                .setInputType(InputType.convolutional(h, w, channels))
                .build());
    net.init();
    net.initGradientsView();
    return net;
  }

  private static double[] gaussians(int count, Random random) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = random.nextGaussian();
    }
    return values;
  }
}
