package org.netvlad.common.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ND4J matrix's rows as Java arrays, copied in one bulk read: ND4J's own {@code
 * toDoubleMatrix()} reads row by row, far slower (docs/benchmarks.md).
 */
public final class Matrices {
  private Matrices() {}

  public static double[][] doubleRows(INDArray m) {
    int n = (int) m.size(0);
    int cols = (int) m.size(1);
    double[] flat = m.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
    }
    return out;
  }

  public static float[][] floatRows(INDArray m) {
    int n = (int) m.size(0);
    int cols = (int) m.size(1);
    float[] flat = m.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
    }
    return out;
  }
}
