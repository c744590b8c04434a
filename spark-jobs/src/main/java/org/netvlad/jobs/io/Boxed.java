package org.netvlad.jobs.io;

/** Primitive arrays as the boxed arrays Spark's {@code Row} takes for array columns. */
public final class Boxed {
  private Boxed() {}

  public static Float[] of(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  public static Long[] of(long[] values) {
    Long[] out = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  public static Double[] of(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
