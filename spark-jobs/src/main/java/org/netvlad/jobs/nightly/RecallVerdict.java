package org.netvlad.jobs.nightly;

import java.util.LinkedHashMap;
import java.util.Map;
import org.netvlad.jobs.io.Summaries;

/**
 * Whether tonight's model is worse than the last good night's: both evaluated on tonight's split,
 * flagged when tonight's Recall@N is more than the allowed drop below the last good model's.
 *
 * @param n the N of the Recall@N compared
 * @param tonight tonight's Recall@N
 * @param lastGoodModel the last good night's model's Recall@N on tonight's split; NaN on a first
 *     night
 * @param maxDrop the allowed drop, as a fraction of queries
 */
record RecallVerdict(int n, double tonight, double lastGoodModel, double maxDrop) {
  /**
   * The verdict from the two evaluations' summaries ({@code recall_at}); {@code lastGood} null on a
   * first night.
   */
  static RecallVerdict of(
      int n, Map<String, Object> tonight, Map<String, Object> lastGood, double maxDrop) {
    return new RecallVerdict(
        n, recall(tonight, n), lastGood == null ? Double.NaN : recall(lastGood, n), maxDrop);
  }

  private static double recall(Map<String, Object> evaluation, int n) {
    return Summaries.recallAt(evaluation, n);
  }

  /** How far tonight fell below the last good model (negative: it rose); NaN on a first night. */
  double drop() {
    return lastGoodModel - tonight;
  }

  boolean flagged() {
    return drop()
        > maxDrop + 1e-12; // a drop of exactly the allowed amount passes, whatever the rounding
  }

  /** One line for the progress log and the summary. */
  String describe() {
    if (Double.isNaN(lastGoodModel)) {
      return String.format("Recall@%d %.3f; no last good night to compare with", n, tonight);
    }
    return String.format(
        "Recall@%d %.3f tonight, %.3f by the last good model on the same split: %s %.1f points%s",
        n,
        tonight,
        lastGoodModel,
        drop() > 0 ? "down" : "up",
        100 * Math.abs(drop()),
        flagged()
            ? String.format(
                ", more than the %.1f allowed (nightly.max-recall-drop): flagged", 100 * maxDrop)
            : "");
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("recall_at_n", n);
    m.put("tonight", tonight);
    m.put("last_good_model", Double.isNaN(lastGoodModel) ? null : lastGoodModel);
    m.put("drop", Double.isNaN(lastGoodModel) ? null : drop());
    m.put("max_drop", maxDrop);
    m.put("flagged", flagged());
    m.put("verdict", describe());
    return m;
  }
}
