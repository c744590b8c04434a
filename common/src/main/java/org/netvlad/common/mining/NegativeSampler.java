package org.netvlad.common.mining;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws definite negatives of a query exactly and cheaply from what mining stored: the database
 * size of its split and the sorted database indices within the negative radius. A draw is uniform
 * over [0, databaseSize) minus those indices, without building the list of all negatives.
 */
public final class NegativeSampler {
  private NegativeSampler() {}

  /**
   * Draws {@code count} distinct definite negatives (fewer when the split has fewer).
   *
   * @param databaseSize database images in the query's split
   * @param nonNegativeSorted ascending database indices within the negative radius
   */
  public static long[] draw(
      long databaseSize, long[] nonNegativeSorted, int count, SplittableRandom random) {
    long negatives = databaseSize - nonNegativeSorted.length;
    int wanted = (int) Math.min(count, Math.max(0, negatives));
    long[] out = new long[wanted];
    java.util.HashSet<Long> taken = new java.util.HashSet<>();
    int k = 0;
    while (k < wanted) {
      // The r-th negative (0-based) is r plus the number of non-negatives at or below it.
      long r = random.nextLong(negatives);
      long candidate = nthNegative(r, nonNegativeSorted);
      if (taken.add(candidate)) {
        out[k++] = candidate;
      }
    }
    return out;
  }

  /** The database index of the r-th definite negative in ascending order. */
  static long nthNegative(long r, long[] nonNegativeSorted) {
    long candidate = r;
    int skipped = 0;
    // Each non-negative at or below the candidate shifts it up by one.
    while (true) {
      int below = upperBound(nonNegativeSorted, candidate);
      if (below == skipped) {
        return candidate;
      }
      candidate += below - skipped;
      skipped = below;
    }
  }

  private static int upperBound(long[] sorted, long value) {
    int i = Arrays.binarySearch(sorted, value);
    if (i < 0) {
      return -i - 1;
    }
    while (i + 1 < sorted.length && sorted[i + 1] == value) {
      i++;
    }
    return i + 1;
  }
}
