package org.netvlad.jobs.nightly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.config.NightlySettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.ExtractAndEvaluateJob;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.io.AtomicFiles;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.Summaries;

/**
 * One night, under the root's lock: mine-tuples, train-netvlad (warm-started as planned), the last
 * good model evaluated on tonight's split, tonight's evaluation; then the verdict, {@code current}
 * moved when the night is not flagged, old runs deleted, and the summary written last (it marks the
 * night finished).
 */
final class Night {
  static final String LAST_GOOD_STAGE = "evaluate-last-good-model";

  private final SparkSession spark;
  private final NightlyJob.Config config;
  private final NightlyRoot root;
  private final RunFolder night;
  private final NightPlan plan;
  private final Progress progress;
  private final long startNanos = System.nanoTime();

  Night(
      SparkSession spark,
      NightlyJob.Config config,
      NightlyRoot root,
      RunFolder night,
      NightPlan plan,
      Progress progress) {
    this.spark = spark;
    this.config = config;
    this.root = root;
    this.night = night;
    this.plan = plan;
    this.progress = progress;
  }

  Map<String, Object> run() {
    PipelineConfig s = config.settings();
    String uri = night.root().toString();
    PipelineConfig train =
        plan.trainSettings(
            s, night); // a warm start with other network settings is refused before any work
    NightStages stages = new NightStages(night, progress);
    stages.run(
        MineTuplesJob.NAME,
        night,
        MineTuplesJob.NAME,
        () ->
            MineTuplesJob.run(
                spark,
                new MineTuplesJob.Config(uri, config.inputs(), config.imagesUri(), s, false)));
    stages.run(
        TrainNetVladJob.NAME,
        night,
        TrainNetVladJob.NAME,
        () -> TrainNetVladJob.run(spark, new TrainNetVladJob.Config(uri, train, false)));
    PipelineConfig lastGoodSettings = plan.lastGoodEvaluationSettings(s, night);
    Map<String, Object> lastGood =
        lastGoodSettings == null
            ? null
            : stages.run(
                LAST_GOOD_STAGE,
                folder(NightPlan.LAST_GOOD_EVALUATION),
                ExtractAndEvaluateJob.NAME,
                () ->
                    ExtractAndEvaluateJob.run(
                        spark, new ExtractAndEvaluateJob.Config(uri, lastGoodSettings, false)));
    Map<String, Object> tonight =
        stages.run(
            ExtractAndEvaluateJob.NAME,
            night,
            ExtractAndEvaluateJob.NAME,
            () ->
                ExtractAndEvaluateJob.run(
                    spark,
                    new ExtractAndEvaluateJob.Config(
                        uri, plan.evaluationSettings(s, night), false)));

    RecallVerdict verdict =
        RecallVerdict.of(
            Math.toIntExact(s.get(NightlySettings.RECALL_AT)),
            tonight,
            lastGood,
            s.get(NightlySettings.MAX_RECALL_DROP));
    progress.say(verdict.describe());
    boolean moved = !verdict.flagged() && root.moveCurrentTo(config.date());
    String current = root.currentDate();
    progress.say(
        moved
            ? root.path()
                + "/"
                + NightlyRoot.CURRENT
                + " now names "
                + NightlyRoot.relative(config.date())
            : root.path()
                + "/"
                + NightlyRoot.CURRENT
                + " stays at "
                + (current == null ? "nothing" : NightlyRoot.relative(current)));
    Set<String> protect = new HashSet<>(Arrays.asList(config.date(), plan.lastGood()));
    List<String> pruned = root.prune(s.get(NightlySettings.KEEP_RUNS), protect);
    if (!pruned.isEmpty()) {
      progress.say(
          "deleted the run folders of "
              + pruned
              + " (nightly.keep-runs "
              + s.get(NightlySettings.KEEP_RUNS)
              + ")");
    }
    Map<String, Object> summary =
        summary(stages, tonight, lastGood, verdict, moved, current, pruned, train);
    write(summary, verdict.n());
    return summary;
  }

  private Map<String, Object> summary(
      NightStages stages,
      Map<String, Object> tonight,
      Map<String, Object> lastGood,
      RecallVerdict verdict,
      boolean moved,
      String current,
      List<String> pruned,
      PipelineConfig train) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(Lineage.ID, Lineage.newId());
    m.put("job", NightlyJob.NAME);
    m.put("date", config.date());
    m.put("root", root.path().toString());
    m.put("run", night.root().toString());
    m.put("inputs", config.inputs());
    m.put("images", config.imagesUri());
    m.put("warm_start", warmStart(train));
    m.put("stages", stages.done());
    m.put("verdict", verdict.toMap());
    m.put("flagged", verdict.flagged());
    m.put("recall_at_tonight", Summaries.recallAt(tonight));
    m.put("recall_at_last_good_model", lastGood == null ? null : Summaries.recallAt(lastGood));
    m.put("last_good_night", plan.lastGood());
    m.put("recall_at_last_good_night", plan.lastGood() == null ? null : lastNightsOwnRecall());
    m.put("current", current == null ? null : NightlyRoot.relative(current));
    m.put("current_moved", moved);
    m.put("deleted_runs", pruned);
    m.put("trend", trend(verdict));
    m.put("seconds", Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0);
    m.put("settings", config.settings().asText());
    return m;
  }

  /** A folder inside the night's, as a run folder of its own (an evaluation's output). */
  private RunFolder folder(String relative) {
    return new RunFolder(night.resolve(relative).toString(), night.fs().getConf());
  }

  private Map<String, Object> warmStart(PipelineConfig train) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("checkpoint", plan.warmStart().isEmpty() ? null : plan.warmStart());
    m.put("reason", plan.warmStartReason());
    m.put("epochs", train.get(org.netvlad.common.config.TrainSettings.EPOCHS));
    return m;
  }

  /**
   * The last good night's Recall@N as it reported it (on its own split), or null when it has no
   * evaluation any more.
   */
  private Object lastNightsOwnRecall() {
    Map<String, Object> evaluation =
        Lineage.finishedSummary(root.night(plan.lastGood()), ExtractAndEvaluateJob.NAME);
    return evaluation == null ? null : Summaries.recallAt(evaluation);
  }

  /** Recall@N of each kept night that finished, and tonight's, oldest first. */
  private List<Map<String, Object>> trend(RecallVerdict verdict) {
    List<Map<String, Object>> trend = new ArrayList<>();
    for (String date : root.dates()) {
      Map<String, Object> finished =
          date.equals(config.date())
              ? null
              : Lineage.finishedSummary(root.night(date), NightlyJob.NAME);
      if (date.equals(config.date())) {
        trend.add(point(date, verdict.tonight(), verdict.flagged()));
      } else if (finished != null
          && finished.get("verdict") instanceof Map<?, ?> v
          && v.get("tonight") instanceof Number r) {
        trend.add(point(date, r.doubleValue(), Boolean.TRUE.equals(v.get("flagged"))));
      }
    }
    return trend;
  }

  private static Map<String, Object> point(String date, double recall, boolean flagged) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", date);
    m.put("recall", recall);
    m.put("flagged", flagged);
    return m;
  }

  /** The picture and the page, then the summary, which marks the night finished. */
  @SuppressWarnings("unchecked")
  private void write(Map<String, Object> summary, int n) {
    AtomicFiles.replace(
        night.fs(),
        night.resolve(NightlyReport.TREND),
        NightlyReport.trendPng((List<Map<String, Object>>) summary.get("trend"), n));
    AtomicFiles.replace(night.fs(), night.resolve(NightlyReport.PAGE), NightlyReport.html(summary));
    AtomicFiles.replace(
        night.fs(), night.resolve(RunFolder.summaryPath(NightlyJob.NAME)), JobMain.toJson(summary));
  }
}
