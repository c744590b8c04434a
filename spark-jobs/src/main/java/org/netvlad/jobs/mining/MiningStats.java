package org.netvlad.jobs.mining;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;
import org.netvlad.common.mining.QueryTuple;

/**
 * Per-split mining statistics gathered while the tuples are written, so no second pass over them is
 * needed. Updated only in the stage that writes the tuples (a result stage), where Spark applies
 * each partition's updates exactly once.
 */
public final class MiningStats
    extends AccumulatorV2<MiningStats.Query, Map<String, MiningStats.Split>> {
  private static final long serialVersionUID = 1L;

  /** One mined query. */
  public record Query(String split, QueryTuple tuple) {}

  /** Counts of one split. */
  public static final class Split implements Serializable {
    private static final long serialVersionUID = 1L;
    public long queries;
    public long kept;
    public long pairsWithinPositiveRadius;
    public long pairsWithinNegativeRadius;

    /** Number of kept queries per positive count. */
    public final TreeMap<Integer, Long> positivesHistogram = new TreeMap<>();

    void add(QueryTuple t) {
      queries++;
      pairsWithinPositiveRadius += t.pairsWithinPositiveRadius();
      pairsWithinNegativeRadius += t.nonNegativeDbIndices().length;
      if (t.hasPositive()) {
        kept++;
        positivesHistogram.merge(t.positiveIds().size(), 1L, Long::sum);
      }
    }

    void merge(Split o) {
      queries += o.queries;
      kept += o.kept;
      pairsWithinPositiveRadius += o.pairsWithinPositiveRadius;
      pairsWithinNegativeRadius += o.pairsWithinNegativeRadius;
      o.positivesHistogram.forEach((k, v) -> positivesHistogram.merge(k, v, Long::sum));
    }
  }

  private final Map<String, Split> bySplit = new LinkedHashMap<>();

  @Override
  public boolean isZero() {
    return bySplit.isEmpty();
  }

  @Override
  public AccumulatorV2<Query, Map<String, Split>> copy() {
    MiningStats c = new MiningStats();
    c.merge(this);
    return c;
  }

  @Override
  public void reset() {
    bySplit.clear();
  }

  @Override
  public void add(Query q) {
    bySplit.computeIfAbsent(q.split(), k -> new Split()).add(q.tuple());
  }

  @Override
  public void merge(AccumulatorV2<Query, Map<String, Split>> other) {
    other.value().forEach((k, v) -> bySplit.computeIfAbsent(k, x -> new Split()).merge(v));
  }

  @Override
  public Map<String, Split> value() {
    return bySplit;
  }
}
