package org.netvlad.jobs.nightly;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.RunSettings;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;

/**
 * {@code submit/nightly}: one night of the pipeline under a root folder, as a scheduler runs it
 * every night. Under the root's lock it runs mine-tuples, train-netvlad (warm-started from the last
 * good night) and extract-and-evaluate in {@code <root>/runs/<date>/}, compares tonight's Recall@N
 * with the last good model's on the same split, moves {@code <root>/current} to tonight unless the
 * night is flagged, deletes old runs and writes {@code summary/nightly.json} and a page. A night
 * started again goes on where it stopped; a finished one only prints its summary. Exit code 4 for a
 * flagged night.
 */
public final class NightlyJob {
  public static final String NAME = "nightly";

  public static final List<JobArgs.Option> OPTIONS =
      List.of(
          new JobArgs.Option(
              "--root",
              "URI",
              false,
              true,
              "the nightly's root folder: runs/<date>/ per night, current, the lock"),
          new JobArgs.Option(
              "--input",
              "URI",
              true,
              true,
              "a manifest (.csv, .jsonl, .parquet) or dbStruct .mat, file or folder"),
          new JobArgs.Option(
              "--images",
              "URI",
              false,
              false,
              "the image root that relative paths are under (default: the first input's folder)"),
          new JobArgs.Option(
              "--date", "YYYY-MM-DD", false, false, "the night to run (default: today in UTC)"));

  /** The validated request of one night. */
  public record Config(
      String rootUri,
      List<String> inputs,
      String imagesUri,
      String date,
      PipelineConfig settings) {}

  private NightlyJob() {}

  public static void main(String[] args) {
    JobMain.main(
        NAME, OPTIONS, false, NightlyJob::config, NightlyJob::run, NightlyJob::exitCode, args);
  }

  /** 0 for a good night, {@link JobMain#EXIT_FLAGGED} for a flagged one. */
  public static int exitCode(Map<String, Object> summary) {
    return Boolean.TRUE.equals(summary.get("flagged")) ? JobMain.EXIT_FLAGGED : 0;
  }

  public static Config config(JobArgs args, SparkSession spark) {
    PipelineConfig settings = JobConfigs.load(args, spark.sparkContext().hadoopConfiguration());
    List<String> inputs = args.values("--input");
    String images =
        MineTuplesJob.imageRoot(
            inputs, args.value("--images"), spark.sparkContext().hadoopConfiguration());
    return new Config(args.value("--root"), inputs, images, date(args.value("--date")), settings);
  }

  private static String date(String text) {
    if (text == null) {
      return LocalDate.now(ZoneOffset.UTC).toString();
    }
    try {
      return LocalDate.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new JobFailure("--date " + text + " is not a date as YYYY-MM-DD");
    }
  }

  /** Runs (or finishes) the night under the root's lock; returns its summary. */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    NightlyRoot root =
        NightlyRoot.open(config.rootUri(), spark.sparkContext().hadoopConfiguration());
    try (RunLock lock = root.lock(RunSettings.lockStaleAfter(config.settings()), progress::say)) {
      RunFolder night = root.night(config.date());
      Map<String, Object> finished = Lineage.finishedSummary(night, NAME);
      if (finished != null) {
        requireSameRequest(finished, config, night);
        progress.say(
            "the night of "
                + config.date()
                + " had finished in "
                + night.root()
                + "; nothing to do");
        return finished;
      }
      NightPlan plan = NightPlan.loadOrCreate(root, night, config.settings());
      progress.say(
          "the night of "
              + config.date()
              + " in "
              + night.root()
              + "; warm start: "
              + plan.warmStartReason());
      return new Night(spark, config, root, night, plan, progress).run();
    }
  }

  /**
   * Refuses to hand back a finished night's summary for a request with other inputs or settings.
   */
  private static void requireSameRequest(
      Map<String, Object> finished, Config config, RunFolder night) {
    List<String> changes =
        new ArrayList<>(
            Lineage.changedSettings(
                finished.get("settings"), config.settings().asText(), key -> true));
    if (!config.inputs().equals(finished.get("inputs"))) {
      changes.add(
          "--input (finished with " + finished.get("inputs") + ", now " + config.inputs() + ")");
    }
    if (!config.imagesUri().equals(finished.get("images"))) {
      changes.add(
          "--images (finished with "
              + finished.get("images")
              + ", now "
              + config.imagesUri()
              + ")");
    }
    if (!changes.isEmpty()) {
      throw new JobFailure(
          "the night of "
              + config.date()
              + " already finished in "
              + night.root()
              + ", but not with this request: "
              + String.join("; ", changes)
              + ". Run it as it finished to get its summary, or give another --date");
    }
  }
}
