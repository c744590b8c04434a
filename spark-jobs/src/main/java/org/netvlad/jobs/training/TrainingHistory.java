package org.netvlad.jobs.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.io.Summaries;

/**
 * The metrics of every epoch so far (epoch 0: the initialised, untrained network), the best epoch
 * by validation Recall@5, and their forms on disk: rows of {@code training/metrics.json}, CSV, the
 * curve picture, the checkpoint sidecar and the job summary.
 */
public final class TrainingHistory {
  /** Recall@5 picks the best checkpoint; it is always validated. */
  public static final int SELECTION_N = 5;

  private final int[] recallAt;
  private final List<Map<String, Object>> rows = new ArrayList<>();

  public TrainingHistory(int[] recallAt) {
    this.recallAt = withSelectionN(recallAt);
  }

  /** The N list with 5 added when it is missing. */
  public static int[] withSelectionN(int[] ns) {
    java.util.TreeSet<Integer> all = new java.util.TreeSet<>();
    for (int n : ns) {
      all.add(n);
    }
    all.add(SELECTION_N);
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  public int[] recallAt() {
    return recallAt.clone();
  }

  @SuppressWarnings("unchecked")
  public static TrainingHistory fromSidecar(Map<String, Object> sidecar, int[] recallAt) {
    TrainingHistory h = new TrainingHistory(recallAt);
    for (Map<String, Object> row : (List<Map<String, Object>>) sidecar.get("history")) {
      h.rows.add(new LinkedHashMap<>(row));
    }
    return h;
  }

  /** Adds an epoch's row. */
  public void add(EpochFigures f) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("epoch", f.epoch());
    row.put("loss", Double.isNaN(f.loss()) ? null : f.loss());
    row.put("violating_share", Double.isNaN(f.violatingShare()) ? null : f.violatingShare());
    row.put("queries_sat_out", f.queriesSatOut());
    row.put("tuples", f.tuples());
    Map<String, Object> r = new LinkedHashMap<>();
    for (int k = 0; k < recallAt.length; k++) {
      r.put(Integer.toString(recallAt[k]), f.recall()[k]);
    }
    row.put("recall_at", r);
    row.put("refresh_s", f.refreshSeconds());
    row.put("train_s", f.trainSeconds());
    row.put("validate_s", f.validateSeconds());
    row.put("driver_heap_mb", f.driverHeapMb());
    rows.add(row);
  }

  public List<Map<String, Object>> rows() {
    return rows;
  }

  public int lastEpoch() {
    return rows.isEmpty() ? -1 : epoch(rows.get(rows.size() - 1));
  }

  public int bestEpoch() {
    int best = -1;
    double bestRecall = -1;
    for (Map<String, Object> row : rows) {
      double r = recall(row, SELECTION_N);
      if (r > bestRecall) {
        bestRecall = r;
        best = epoch(row);
      }
    }
    return best;
  }

  public double bestRecallAt5() {
    return rows.stream().mapToDouble(r -> recall(r, SELECTION_N)).max().orElse(Double.NaN);
  }

  /** Recall@n after an epoch. */
  public double recall(int epoch, int n) {
    return rows.stream()
        .filter(r -> epoch(r) == epoch)
        .mapToDouble(r -> recall(r, n))
        .findFirst()
        .orElse(Double.NaN);
  }

  @SuppressWarnings("unchecked")
  private static double recall(Map<String, Object> row, int n) {
    Object v = ((Map<String, Object>) row.get("recall_at")).get(Integer.toString(n));
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  private static int epoch(Map<String, Object> row) {
    return ((Number) row.get("epoch")).intValue();
  }

  private static double number(Map<String, Object> row, String key) {
    Object v = row.get(key);
    return v == null ? Double.NaN : ((Number) v).doubleValue();
  }

  public String recallText(int epoch) {
    StringBuilder b = new StringBuilder();
    for (int n : recallAt) {
      b.append(b.length() == 0 ? "" : " ").append(String.format("R@%d %.3f", n, recall(epoch, n)));
    }
    return b.toString();
  }

  public Map<String, Object> sidecar(int epoch, MultiLayerNetwork net, PipelineConfig settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("iteration", net.getIterationCount());
    m.put("recall_at", rows.get(rows.size() - 1).get("recall_at"));
    m.put("best_epoch", bestEpoch());
    m.put("settings", settings.asText());
    m.put("history", rows);
    return m;
  }

  public Map<String, Object> summary() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epochs_trained", lastEpoch());
    m.put(Summaries.BEST_EPOCH, bestEpoch());
    Map<String, Object> untrained = new LinkedHashMap<>();
    Map<String, Object> best = new LinkedHashMap<>();
    for (int n : recallAt) {
      untrained.put(Integer.toString(n), recall(0, n));
      best.put(Integer.toString(n), recall(bestEpoch(), n));
    }
    m.put("recall_at_untrained", untrained);
    m.put("recall_at", best);
    m.put("history", rows);
    return m;
  }

  public String csv() {
    StringBuilder b = new StringBuilder("epoch,loss,violating_share,queries_sat_out,tuples");
    for (int n : recallAt) {
      b.append(",recall_at_").append(n);
    }
    b.append(",refresh_s,train_s,validate_s,driver_heap_mb\n");
    for (Map<String, Object> row : rows) {
      b.append(epoch(row))
          .append(',')
          .append(csvNumber(number(row, "loss")))
          .append(',')
          .append(csvNumber(number(row, "violating_share")))
          .append(',')
          .append(row.get("queries_sat_out"))
          .append(',')
          .append(row.get("tuples"));
      for (int n : recallAt) {
        b.append(',').append(recall(row, n));
      }
      b.append(',')
          .append(number(row, "refresh_s"))
          .append(',')
          .append(number(row, "train_s"))
          .append(',')
          .append(number(row, "validate_s"))
          .append(',')
          .append(csvNumber(number(row, "driver_heap_mb")))
          .append('\n');
    }
    return b.toString();
  }

  private static String csvNumber(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  public byte[] curvePng() {
    int[] epochs = rows.stream().mapToInt(TrainingHistory::epoch).toArray();
    double[] loss = rows.stream().mapToDouble(r -> number(r, "loss")).toArray();
    double[][] recall = new double[recallAt.length][];
    for (int k = 0; k < recallAt.length; k++) {
      int n = recallAt[k];
      recall[k] = rows.stream().mapToDouble(r -> recall(r, n)).toArray();
    }
    return TrainingCurve.png(epochs, loss, recallAt, recall);
  }
}
