package org.netvlad.jobs.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.netvlad.common.eval.TopList;
import scala.Tuple2;

/**
 * Recall@N per capture condition (day, dusk, night: as Tokyo 24/7 is reported) and per capture
 * date, beside the overall figure. Every query of a group counts, unreadable ones as missed.
 */
public final class GroupRecall {
  /** What a query is grouped by, as written in metrics.json. */
  static final List<String> GROUPINGS = List.of("condition", "capture_date");

  static final String UNKNOWN = "unknown";

  private GroupRecall() {}

  /**
   * {@code {grouping: {value: {"queries": n, "recall_at": {N: recall}}}}}, values in order; a
   * grouping no query has a value for is left out.
   */
  public static Map<String, Object> of(
      JavaRDD<SplitImages.Image> queries, JavaPairRDD<Long, TopList> top, int[] ns) {
    Map<Tuple2<String, String>, Long> totals =
        queries.flatMap(q -> keys(q).iterator()).countByValue();
    Map<Tuple2<Tuple2<String, String>, Integer>, Long> ranks =
        queries
            .flatMapToPair(q -> keys(q).stream().map(k -> new Tuple2<>(q.index, k)).iterator())
            .join(top.mapValues(TopList::firstCorrectRank))
            .map(x -> new Tuple2<>(x._2()._1(), x._2()._2()))
            .countByValue();
    int maxN = ns[ns.length - 1];
    Map<String, Object> out = new LinkedHashMap<>();
    for (String grouping : GROUPINGS) {
      Map<String, Object> values = new TreeMap<>();
      boolean anyKnown = false;
      for (Map.Entry<Tuple2<String, String>, Long> total : totals.entrySet()) {
        if (!total.getKey()._1().equals(grouping)) {
          continue;
        }
        anyKnown |= !total.getKey()._2().equals(UNKNOWN);
        long[] rankCounts = new long[maxN + 1];
        ranks.forEach(
            (k, count) -> {
              if (k._1().equals(total.getKey())) {
                rankCounts[k._2()] += count;
              }
            });
        values.put(
            total.getKey()._2(),
            Map.of(
                "queries",
                total.getValue(),
                "recall_at",
                EvaluationFiles.recallAt(ns, EvaluationFiles.curve(rankCounts, total.getValue()))));
      }
      if (anyKnown) {
        out.put(grouping, values);
      }
    }
    return out;
  }

  private static List<Tuple2<String, String>> keys(SplitImages.Image q) {
    List<Tuple2<String, String>> out = new ArrayList<>(GROUPINGS.size());
    out.add(new Tuple2<>("condition", q.condition == null ? UNKNOWN : q.condition));
    out.add(new Tuple2<>("capture_date", q.capturedAt == null ? UNKNOWN : q.capturedAt));
    return out;
  }
}
