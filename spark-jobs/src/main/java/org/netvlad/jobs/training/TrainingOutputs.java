package org.netvlad.jobs.training;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;

/**
 * train-netvlad's outputs besides the checkpoints: {@code training/} (metrics per epoch and their
 * curve), and the hand-over from a previous training to a new one.
 */
public final class TrainingOutputs {
  /** The folders one training owns in the run folder. */
  public static final List<String> FOLDERS = List.of("model", "negcache", "training");

  private TrainingOutputs() {}

  /**
   * Moves the previous training's outputs (summary first, then {@link #FOLDERS}) aside into the
   * staging folder, which is removed at the commit; called once the new training has its first
   * checkpoint, so that a new attempt that fails before it leaves the previous training whole.
   */
  public static void replacePrevious(RunFolder run, String job, Path staging, Progress progress) {
    try {
      boolean replaced = run.fs().delete(run.resolve(RunFolder.summaryPath(job)), false);
      for (String folder : FOLDERS) {
        replaced |= run.exists(run.resolve(folder));
        run.moveAside(run.resolve(folder), new Path(staging, "_replaced/" + folder));
      }
      if (replaced) {
        progress.say(
            "the new training has its first checkpoint: the previous training's outputs in "
                + run.root()
                + " are replaced");
      }
    } catch (IOException e) {
      throw IoFailures.failure("replacing the previous training in", run.root(), e, e);
    }
  }

  /**
   * Writes {@code training/} (metrics, curve, rejected images) in the staging folder, then renames
   * it into place.
   */
  public static void writeMetrics(
      RunFolder run, TrainingHistory history, TrainingQuarantine quarantine, Path staging) {
    Path tmp = new Path(staging, "training");
    Path target = run.resolve("training");
    try {
      run.fs().delete(tmp, true);
      run.fs().mkdirs(tmp);
      run.writeText(new Path(tmp, "metrics.json"), JobMain.toJson(history.rows()));
      run.writeText(new Path(tmp, "metrics.csv"), history.csv());
      try (OutputStream out = run.fs().create(new Path(tmp, "curve.png"))) {
        out.write(history.curvePng());
      }
      quarantine.write(new Path(tmp, "rejected-images"));
      run.fs().delete(target, true);
      if (!run.fs().rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw IoFailures.failure("writing", target, e, e);
    }
  }
}
