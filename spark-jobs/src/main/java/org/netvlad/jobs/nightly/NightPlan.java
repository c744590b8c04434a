package org.netvlad.jobs.nightly;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.netvlad.common.config.ConfigException;
import org.netvlad.common.config.EvalSettings;
import org.netvlad.common.config.NightlySettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.AtomicFiles;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.Summaries;
import org.netvlad.jobs.training.WarmStart;

/**
 * What a night decided when it first started: the last good night ({@code current} then) and the
 * checkpoint training warm-starts from. Kept in {@code <night>/nightly/plan.json}, so a night
 * started again decides the same, even after it has moved {@code current} to itself.
 *
 * @param lastGood the last good night's date, or null on the first night
 * @param lastGoodModel its best checkpoint folder, or null
 * @param warmStart the checkpoint training starts from, or "" for a new network
 * @param warmStartReason why that one
 */
record NightPlan(String lastGood, String lastGoodModel, String warmStart, String warmStartReason) {
  static final String FILE = "nightly/plan.json";

  /** Where the last good model's evaluation on tonight's split goes, inside the night's folder. */
  static final String LAST_GOOD_EVALUATION = "last-good-model";

  /** The plan a night made when it first started, or a new one (written before any stage runs). */
  static NightPlan loadOrCreate(NightlyRoot root, RunFolder night, PipelineConfig s) {
    Path file = night.resolve(FILE);
    if (night.exists(file)) {
      return parse(JobMain.fromJson(night.readText(file)));
    }
    NightPlan plan = create(root, s);
    plan.trainSettings(
        s, night); // a warm start that cannot be used is refused before it is written down for this
    // date
    AtomicFiles.replace(night.fs(), file, JobMain.toJson(plan.toMap()));
    return plan;
  }

  private static NightPlan create(NightlyRoot root, PipelineConfig s) {
    String lastGood = root.currentDate();
    String lastGoodModel = lastGood == null ? null : bestCheckpoint(root, lastGood);
    String choice = s.get(NightlySettings.WARM_START);
    return switch (choice) {
      case "auto" ->
          lastGoodModel == null
              ? new NightPlan(
                  null,
                  null,
                  "",
                  "auto: no last good night (no "
                      + root.path()
                      + "/"
                      + NightlyRoot.CURRENT
                      + "), from scratch")
              : new NightPlan(
                  lastGood,
                  lastGoodModel,
                  lastGoodModel,
                  "auto: the best checkpoint of the last good night, " + lastGood);
      case "none" ->
          new NightPlan(
              lastGood, lastGoodModel, "", "none: from scratch, as nightly.warm-start asks");
      default -> new NightPlan(lastGood, lastGoodModel, choice, "nightly.warm-start names it");
    };
  }

  /** The best checkpoint (by validation Recall@5) of a finished night's training. */
  private static String bestCheckpoint(NightlyRoot root, String date) {
    RunFolder night = root.night(date);
    Map<String, Object> training = Lineage.finishedSummary(night, TrainNetVladJob.NAME);
    Integer best = training == null ? null : Summaries.bestEpoch(training);
    if (best == null) {
      throw new JobFailure(
          root.path()
              + "/"
              + NightlyRoot.CURRENT
              + " names "
              + night.root()
              + ", which has no finished training ("
              + RunFolder.summaryPath(TrainNetVladJob.NAME)
              + "); fix or remove "
              + NightlyRoot.CURRENT);
    }
    return night.resolve("model/epoch=" + best).toString();
  }

  /**
   * Training's settings tonight: from the warm start with nightly.epochs epochs, or from scratch
   * with train.epochs; refused at once when the warm start's network settings differ.
   */
  PipelineConfig trainSettings(PipelineConfig s, RunFolder night) {
    List<String> overrides =
        warmStart.isEmpty()
            ? List.of(TrainSettings.WARM_START.key() + "=")
            : List.of(
                TrainSettings.WARM_START.key() + "=" + warmStart,
                TrainSettings.EPOCHS.key() + "=" + s.get(NightlySettings.EPOCHS));
    PipelineConfig train = with(s, overrides);
    WarmStart warm = WarmStart.of(train, night.fs().getConf());
    if (warm != null) {
      warm.check(train);
    }
    return train;
  }

  /**
   * The last good model evaluated on tonight's split, in a folder of its own; null on the first
   * night.
   */
  PipelineConfig lastGoodEvaluationSettings(PipelineConfig s, RunFolder night) {
    return lastGoodModel == null
        ? null
        : with(
            s,
            List.of(
                EvalSettings.CHECKPOINT.key() + "=" + lastGoodModel,
                EvalSettings.OUTPUT.key() + "=" + night.resolve(LAST_GOOD_EVALUATION),
                EvalSettings.LABEL.key() + "=last good night, " + lastGood,
                EvalSettings.COMPARE.key() + "="));
  }

  /**
   * Tonight's evaluation: of the best checkpoint, the model {@code current} and the next warm start
   * will take, in the night's folder, with the last good model's set beside it in the report.
   */
  PipelineConfig evaluationSettings(PipelineConfig s, RunFolder night) {
    String compare =
        lastGoodModel == null
            ? ""
            : "last good night " + lastGood + "=" + night.resolve(LAST_GOOD_EVALUATION);
    return with(
        s,
        List.of(
            EvalSettings.CHECKPOINT.key() + "=best",
            EvalSettings.OUTPUT.key() + "=",
            EvalSettings.COMPARE.key() + "=" + compare));
  }

  private static PipelineConfig with(PipelineConfig s, List<String> overrides) {
    try {
      return s.with(overrides, "submit/nightly");
    } catch (ConfigException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("last_good_night", lastGood);
    m.put("last_good_model", lastGoodModel);
    m.put("warm_start", warmStart);
    m.put("warm_start_reason", warmStartReason);
    return m;
  }

  private static NightPlan parse(Map<String, Object> m) {
    return new NightPlan(
        (String) m.get("last_good_night"),
        (String) m.get("last_good_model"),
        (String) m.get("warm_start"),
        (String) m.get("warm_start_reason"));
  }
}
