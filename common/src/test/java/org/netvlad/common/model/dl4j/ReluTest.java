package org.netvlad.common.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Networks;

/**
 * The backbone's ReLU equals a plain-Java ReLU forward and backward, including at exactly 0 (where
 * the gradient is 0, as DL4J's), in float and double, and survives DL4J's JSON round trip.
 */
class ReluTest {
  @Test
  void equalsAPlainJavaReluForwardAndBackward() {
    Random random = new Random(5);
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (long[] shape : new long[][] {{7}, {3, 5}, {4, 8, 6, 5}}) {
        int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] x = new double[n];
        double[] eps = new double[n];
        for (int i = 0; i < n; i++) {
          x[i] = i % 4 == 0 ? 0 : random.nextGaussian(); // a quarter exactly zero
          eps[i] = random.nextGaussian();
        }
        double[] expectedOut = new double[n];
        double[] expectedGrad = new double[n];
        for (int i = 0; i < n; i++) {
          expectedOut[i] = Math.max(0, x[i]);
          expectedGrad[i] = x[i] > 0 ? eps[i] : 0;
        }
        String what = type + " " + java.util.Arrays.toString(shape);
        INDArray out = new Relu().getActivation(Nd4j.create(x, shape, type), true);
        assertArrayEquals(toType(expectedOut, type), out.data().asDouble(), 0, "forward " + what);
        INDArray grad =
            new Relu()
                .backprop(Nd4j.create(x, shape, type), Nd4j.create(eps, shape, type))
                .getFirst();
        assertArrayEquals(shape, grad.shape(), what);
        assertArrayEquals(
            toType(expectedGrad, type), grad.data().asDouble(), 0, "backward " + what);
      }
    }
  }

  @Test
  void theBackboneUsesItAndItSurvivesJson() {
    MultiLayerConfiguration conf =
        Networks.configuration(
            ModelSpec.defaults(), new Networks.Training(new Sgd(0.1), 0, 1), DataType.FLOAT);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    ConvolutionLayer first = (ConvolutionLayer) back.getConf(0).getLayer();
    assertInstanceOf(Relu.class, first.getActivationFn());
  }

  /** The values as the given type holds them (float rounds them). */
  private static double[] toType(double[] values, DataType type) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = type == DataType.FLOAT ? (float) values[i] : values[i];
    }
    return out;
  }
}
