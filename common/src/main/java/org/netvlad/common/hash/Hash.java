package org.netvlad.common.hash;

/**
 * Deterministic seeded hashing, where the pipeline needs draws that do not depend on partitioning
 * or order: the renderer's only source of "randomness", the PCA sample, the hard-negative draws and
 * training order. Values must stay bit-identical: they decide rendered images and negatives.
 */
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

  /**
   * A seed for one id's draws in one epoch (FNV-1a over the id's chars, MurmurHash3's finaliser).
   */
  public static long ofId(long seed, int epoch, String id) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001B3L;
    }
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  /** A double in [0, 1) from a hash. */
  public static double unit(long h) {
    return (mix(h) >>> 11) * 0x1.0p-53;
  }
}
