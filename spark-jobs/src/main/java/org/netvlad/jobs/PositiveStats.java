package org.netvlad.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Min, median and max of positives per query, from a histogram (count of queries per value). */
final class PositiveStats {
  private PositiveStats() {}

  static Map<String, Object> of(TreeMap<Integer, Long> histogram) {
    long n = histogram.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Object> out = new LinkedHashMap<>();
    if (n == 0) {
      return out;
    }
    out.put("min", histogram.firstKey());
    out.put("median", (valueAtRank(histogram, (n - 1) / 2) + valueAtRank(histogram, n / 2)) / 2.0);
    out.put("max", histogram.lastKey());
    return out;
  }

  /** The value at 0-based rank r in sorted order. */
  private static int valueAtRank(TreeMap<Integer, Long> histogram, long r) {
    long seen = 0;
    for (Map.Entry<Integer, Long> e : histogram.entrySet()) {
      seen += e.getValue();
      if (r < seen) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("rank " + r + " beyond " + seen);
  }
}
