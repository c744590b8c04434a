package org.netvlad.common.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The backbone's 2x2 max pooling ({@link MaxPool2x2} for float, libnd4j's kernels for double)
 * equals a plain-Java max pooling, forward and backward (the gradient goes to each window's
 * maximum), for even and odd sizes, on arrays that start inside a larger buffer; gives ties to the
 * first largest value; pools a window holding a NaN to NaN; and survives DL4J's JSON round trip.
 */
class MaxPooling2x2LayerTest {
  @Test
  void equalsAPlainJavaMaxPoolingForwardAndBackward() {
    Random random = new Random(3);
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (int[] size : new int[][] {{2, 3, 4, 6}, {3, 5, 7, 9}, {1, 2, 15, 20}, {48, 4, 10, 12}}) {
        int n = size[0];
        int c = size[1];
        int h = size[2];
        int w = size[3];
        double[] x = distinct(n * c * h * w, random);
        Layer layer = layer(h, w, c, type);
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(atAnOffset(x, new long[] {n, c, h, w}, type), noWorkspaces);
        INDArray out = layer.activate(true, noWorkspaces);
        int oh = h / 2;
        int ow = w / 2;
        assertArrayEquals(
            new long[] {n, c, oh, ow},
            out.shape(),
            "output shape of " + n + "x" + c + "x" + h + "x" + w);

        double[] eps = new double[n * c * oh * ow];
        for (int i = 0; i < eps.length; i++) {
          eps[i] = random.nextGaussian();
        }
        double[] expectedOut = new double[eps.length];
        double[] expectedGrad = new double[x.length];
        for (int b = 0; b < n * c; b++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
              int best = -1;
              for (int di = 0; di < 2; di++) {
                for (int dj = 0; dj < 2; dj++) {
                  int at = (b * h + 2 * i + di) * w + 2 * j + dj;
                  if (best < 0 || x[at] > x[best]) {
                    best = at;
                  }
                }
              }
              int o = (b * oh + i) * ow + j;
              expectedOut[o] = x[best];
              expectedGrad[best] += eps[o];
            }
          }
        }
        String what = type + " " + n + "x" + c + "x" + h + "x" + w;
        assertArrayEquals(
            expectedOut, out.castTo(DataType.DOUBLE).data().asDouble(), 1e-7, what + " forward");
        INDArray grad =
            layer
                .backpropGradient(atAnOffset(eps, new long[] {n, c, oh, ow}, type), noWorkspaces)
                .getSecond();
        assertArrayEquals(
            expectedGrad, grad.castTo(DataType.DOUBLE).data().asDouble(), 1e-6, what + " backward");
      }
    }
  }

  @Test
  void survivesDl4jsJsonRoundTrip() {
    MultiLayerConfiguration conf = configuration(6, 8, 2, DataType.FLOAT);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    MultiLayerNetwork net = new MultiLayerNetwork(back);
    net.init();
    assertInstanceOf(MaxPooling2x2LayerImpl.class, net.getLayer(0));
    assertEquals("pool", net.getLayer(0).conf().getLayer().getLayerName());
  }

  private static Layer layer(int h, int w, int c, DataType type) {
    MultiLayerNetwork net = new MultiLayerNetwork(configuration(h, w, c, type));
    net.init();
    return net.getLayer(0);
  }

  private static MultiLayerConfiguration configuration(int h, int w, int c, DataType type) {
    return new NeuralNetConfiguration.Builder()
        .dataType(type)
        .convolutionMode(ConvolutionMode.Truncate)
        .list()
        .layer(new MaxPooling2x2Layer("pool"))
        .setInputType(InputType.convolutional(h, w, c))
        .build();
  }

  @Test
  void tiesGoToTheFirstLargestValueOfTheWindow() {
    // windows (row-major within the window): all equal; top-right and bottom-left tie; bottom-right
    // alone largest
    double[] x = {
      1, 1, 0, 5, 2, 2,
      1, 1, 5, 0, 2, 3
    };
    double[] expectedGrad = {
      10, 0, 0, 20, 0, 0,
      0, 0, 0, 0, 0, 30
    };
    Layer layer = layer(2, 6, 1, DataType.FLOAT);
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    layer.setInput(Nd4j.create(x, new long[] {1, 1, 2, 6}, DataType.FLOAT), noWorkspaces);
    assertArrayEquals(
        new double[] {1, 5, 3}, layer.activate(true, noWorkspaces).data().asDouble(), 0);
    INDArray grad =
        layer
            .backpropGradient(
                Nd4j.create(new double[] {10, 20, 30}, new long[] {1, 1, 1, 3}, DataType.FLOAT),
                noWorkspaces)
            .getSecond();
    assertArrayEquals(expectedGrad, grad.data().asDouble(), 0);
  }

  @Test
  void aWindowWithANaNPoolsToNaN() {
    // A NaN activation (a diverged step) shows in the output rather than hiding behind its window's
    // other values; its window's gradient goes to the bottom-right element.
    double[] x = {1, Double.NaN, 0, 5, 2, 3, 5, 0};
    double[] expectedGrad = {
      0, 0, 0, 20,
      0, 10, 0, 0
    };
    Layer layer = layer(2, 4, 1, DataType.FLOAT);
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    layer.setInput(Nd4j.create(x, new long[] {1, 1, 2, 4}, DataType.FLOAT), noWorkspaces);
    assertArrayEquals(
        new double[] {Double.NaN, 5}, layer.activate(true, noWorkspaces).data().asDouble(), 0);
    INDArray grad =
        layer
            .backpropGradient(
                Nd4j.create(new double[] {10, 20}, new long[] {1, 1, 1, 2}, DataType.FLOAT),
                noWorkspaces)
            .getSecond();
    assertArrayEquals(expectedGrad, grad.data().asDouble(), 0);
  }

  /**
   * The values as a view into a larger array, starting past its first element, as DL4J's workspaces
   * hand arrays over (a pooling that read from the buffer's start got these wrong).
   */
  private static INDArray atAnOffset(double[] values, long[] shape, DataType type) {
    long[] larger = shape.clone();
    larger[0]++;
    INDArray view =
        Nd4j.zeros(type, larger)
            .get(
                NDArrayIndex.interval(1, larger[0]),
                NDArrayIndex.all(),
                NDArrayIndex.all(),
                NDArrayIndex.all());
    view.assign(Nd4j.create(values, shape, type));
    return view;
  }

  /** Distinct values, so that every window has one maximum. */
  private static double[] distinct(int count, Random random) {
    double[] x = new double[count];
    for (int i = 0; i < count; i++) {
      x[i] = i * 0.5 - count / 4.0;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }
}
