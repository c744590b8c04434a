package org.netvlad.jobs.nightly;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.io.AtomicFiles;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.training.Checkpoints;

/**
 * A night's stages, each a job run in this Spark application. A job that had finished tonight only
 * returns its summary, and training resumes from its newest checkpoint, so a night started again
 * goes on where it stopped. What each stage did and how long it took is kept in {@code
 * <night>/nightly/stages/}, so the summary of a night finished in several attempts still tells each
 * stage's time.
 */
final class NightStages {
  private static final Map<String, List<String>> COUNTS =
      Map.of(
          "mine-tuples",
              List.of(
                  "rows_in", "rows_rejected", "queries_in", "queries_kept", "rejected_by_reason"),
          "train-netvlad",
              List.of(
                  "epochs_trained",
                  "best_epoch",
                  "train_queries",
                  "train_database_images",
                  "rejected_images"),
          "extract-and-evaluate",
              List.of("split", "queries", "database_images", "rejected_images", "recall_at"));

  private final RunFolder night;
  private final Progress progress;
  private final List<Map<String, Object>> done = new ArrayList<>();

  NightStages(RunFolder night, Progress progress) {
    this.night = night;
    this.progress = progress;
  }

  /**
   * Runs a stage.
   *
   * @param output the folder the job writes (whose summary marks it finished)
   * @param job the job's name
   */
  Map<String, Object> run(
      String stage, RunFolder output, String job, Supplier<Map<String, Object>> work) {
    Path record = night.resolve("nightly/stages/" + stage + ".json");
    boolean finishedBefore = output.isFinished(job);
    boolean resumed =
        !finishedBefore
            && job.equals(TrainNetVladJob.NAME)
            && new Checkpoints(output).newest().isPresent();
    progress.say(
        stage
            + (finishedBefore
                ? ": finished earlier tonight"
                : resumed ? ": resuming" : ": starting"));
    long t = System.nanoTime();
    Map<String, Object> summary = work.get();
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("stage", stage);
    if (finishedBefore && night.exists(record)) {
      entry.putAll(JobMain.fromJson(night.readText(record)));
      entry.put("status", "finished in an earlier attempt");
    } else {
      entry.put(
          "status",
          finishedBefore ? "finished earlier" : resumed ? "resumed from a checkpoint" : "ran");
      entry.put("seconds", Math.round((System.nanoTime() - t) / 1e8) / 10.0);
      AtomicFiles.replace(night.fs(), record, JobMain.toJson(entry));
    }
    entry.put("counts", counts(job, summary));
    done.add(entry);
    return summary;
  }

  /** The stages run so far, in order. */
  List<Map<String, Object>> done() {
    return done;
  }

  private static Map<String, Object> counts(String job, Map<String, Object> summary) {
    Map<String, Object> counts = new LinkedHashMap<>();
    for (String key : COUNTS.getOrDefault(job, List.of())) {
      if (summary.containsKey(key)) {
        counts.put(key, summary.get(key));
      }
    }
    return counts;
  }
}
