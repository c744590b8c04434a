package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NetVladMathTest {

  @ParameterizedTest(name = "K={0} D={1} H={2} W={3} batch={4} hard={5}")
  @CsvSource({
    "1,3,1,1,1,false",
    "4,8,3,5,2,false",
    "16,32,7,10,3,false",
    "64,16,2,3,4,false",
    "5,6,4,4,3,true",
    "64,128,15,20,2,false"
  })
  void forwardEqualsThePlainJavaReference(
      int clusters, int depth, int height, int width, int batch, boolean hard) {
    Random random = new Random(31L * clusters + depth + height * 7L + width);
    double[][][][] x = new double[batch][depth][height][width];
    for (double[][][] image : x) {
      for (double[][] plane : image) {
        for (double[] row : plane) {
          for (int i = 0; i < row.length; i++) {
            row[i] = random.nextGaussian() + 0.3;
          }
        }
      }
    }
    double[][] w = gaussian(random, clusters, depth, 3.0);
    double[] b = gaussian(random, 1, clusters, 0.5)[0];
    double[][] c = gaussian(random, clusters, depth, 0.3);

    INDArray out =
        NetVladMath.forward(Nd4j.create(x), Nd4j.create(w), Nd4j.create(b), Nd4j.create(c), hard)
            .output;
    assertEquals(DataType.DOUBLE, out.dataType());
    for (int n = 0; n < batch; n++) {
      double[] expected = NetVladReference.descriptor(x[n], w, b, c, hard);
      assertEquals(expected.length, out.size(1));
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], out.getDouble(n, i), 1e-5, "image " + n + " element " + i);
      }
    }
  }

  static double[][] gaussian(Random random, int rows, int cols, double scale) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int i = 0; i < cols; i++) {
        row[i] = scale * random.nextGaussian();
      }
    }
    return m;
  }
}
