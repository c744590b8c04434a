package org.netvlad.common.render;

/** Deterministic hashing (SplitMix64 finaliser): the renderer's only source of "randomness". */
public final class Hash {
  private Hash() {}

  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static long of(long a, long b) {
    return mix(mix(a) + 0x9e3779b97f4a7c15L * (b + 1));
  }

  public static long of(long a, long b, long c) {
    return of(of(a, b), c);
  }

  public static long of(long a, long b, long c, long d) {
    return of(of(a, b, c), d);
  }

  /** A double in [0, 1) from a hash. */
  public static double unit(long h) {
    return (mix(h) >>> 11) * 0x1.0p-53;
  }
}
