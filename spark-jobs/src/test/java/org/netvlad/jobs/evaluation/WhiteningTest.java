package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.netvlad.common.eval.Pca;

/**
 * The small-sample warning: at the threshold of two samples per output dimension, and what it
 * advises.
 */
class WhiteningTest {
  private static Pca fitted(int samples, int dims, int outputDims) {
    Random random = new Random(samples);
    float[][] x = new float[samples][dims];
    for (float[] row : x) {
      for (int i = 0; i < dims; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return Pca.fit(new Pca.Sums(dims).add(x), outputDims);
  }

  @Test
  void warnsBelowTwoSamplesPerDimensionAndNamesTheSettings() {
    assertEquals(
        "",
        Whitening.sampleWarning(fitted(40, 30, 20)),
        "40 samples for 20 dims: exactly two per dimension");
    String warning = Whitening.sampleWarning(fitted(39, 30, 20));
    assertTrue(warning.contains("to 20 dims fitted on only 39 descriptors"), warning);
    assertTrue(
        warning.contains("lower eval.pca-dims to at most 19")
            && warning.contains("eval.pca-shrinkage"),
        warning);
    assertTrue(
        Whitening.sampleWarning(fitted(10, 30, 4096)).contains("to 9 dims fitted on only 10"),
        "dims capped by the sample are judged as capped");
  }
}
