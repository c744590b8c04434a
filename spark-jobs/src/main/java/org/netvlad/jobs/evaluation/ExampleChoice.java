package org.netvlad.jobs.evaluation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which queries the report shows: drawn by a seeded hash of the query id (the same seed and
 * evaluation show the same ones), failures first, as those are what the report is opened for.
 */
public final class ExampleChoice {
  /** A query that may be shown (a class, not a record: Spark's Kryo cannot fill records). */
  public static final class Candidate implements Serializable {
    private static final long serialVersionUID = 1L;
    final String queryId;
    final int firstCorrectRank;
    final long key;

    public Candidate(String queryId, int firstCorrectRank, long seed) {
      this.queryId = queryId;
      this.firstCorrectRank = firstCorrectRank;
      this.key = key(seed, queryId);
    }

    /** Missed at rank 1: found later or not at all. */
    public boolean failure() {
      return firstCorrectRank != 1;
    }
  }

  /**
   * Ascending hash, then id: a total order, so ties cannot make the choice depend on partitioning.
   */
  public static final class ByKey implements Comparator<Candidate>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Candidate a, Candidate b) {
      int byKey = Long.compare(a.key, b.key);
      return byKey != 0 ? byKey : a.queryId.compareTo(b.queryId);
    }
  }

  private ExampleChoice() {}

  /**
   * A 64-bit hash of the id mixed with the seed (FNV-1a over the characters, then a SplitMix64
   * finaliser).
   */
  static long key(long seed, String queryId) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (int i = 0; i < queryId.length(); i++) {
      h = (h ^ queryId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /**
   * The query ids to show: half of {@code count} (rounded up) from the failures, the rest from the
   * successes, either side filling in where the other has too few.
   *
   * @param failures up to {@code count} failures, in {@link ByKey} order
   * @param successes up to {@code count} queries found at rank 1, in {@link ByKey} order
   */
  public static List<String> choose(
      List<Candidate> failures, List<Candidate> successes, int count) {
    int fromFailures =
        Math.min(failures.size(), Math.max((count + 1) / 2, count - successes.size()));
    int fromSuccesses = Math.min(successes.size(), count - fromFailures);
    List<String> out = new ArrayList<>(fromFailures + fromSuccesses);
    failures.subList(0, fromFailures).forEach(c -> out.add(c.queryId));
    successes.subList(0, fromSuccesses).forEach(c -> out.add(c.queryId));
    return out;
  }
}
