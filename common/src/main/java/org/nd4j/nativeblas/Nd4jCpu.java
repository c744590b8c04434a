package org.nd4j.nativeblas;

/**
 * Lets DL4J's layers use oneDNN, which this ND4J build has (nd4j-native's {@code -onednn} variant,
 * see the parent pom).
 *
 * <p>DL4J 1.0.0-M2.1 gives its convolution, pooling and batch-norm layers a oneDNN helper only when
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} says so, and that asks {@code
 * org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}: names from an older ND4J.
 * In M2.1 the class is {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and the
 * method {@code isUseONEDNN()}, so the lookup fails and every layer falls back to DL4J's Java
 * im2col path (a third of a training step filling strided arrays). This class answers under the old
 * names with the real environment's answer. The helpers call libnd4j's own conv2d and pooling ops,
 * which fall back to libnd4j's generic code where oneDNN does not apply (double precision, for
 * one). {@code OneDnnTest} checks that the layers get their helpers and compute what the Java path
 * does.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The part of the old environment class DL4J asks for. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    /** Whether libnd4j was built with oneDNN and may use it (the environment's own answer). */
    public boolean isUseMKLDNN() {
      return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance().isUseONEDNN();
    }
  }
}
