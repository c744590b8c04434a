package org.netvlad.jobs.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.hadoop.fs.Path;
import org.netvlad.common.config.Settings;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;

/**
 * What a job's outputs were built from and with. Each commit of a job gets a random id (its
 * summary's {@code id}); a job records the ids of the upstream outputs it read ({@code built_from},
 * job name to id) and its settings. A re-run compares them with what it would use now, so that
 * neither a finished job nor a checkpoint is taken for up to date when its inputs or settings have
 * changed since.
 */
public final class Lineage {
  public static final String ID = "id";
  public static final String BUILT_FROM = "built_from";

  private Lineage() {}

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** A finished job's summary, or null when the job has not finished in that folder. */
  public static Map<String, Object> finishedSummary(RunFolder folder, String job) {
    return folder.isFinished(job)
        ? JobMain.fromJson(folder.readText(folder.resolve(RunFolder.summaryPath(job))))
        : null;
  }

  /**
   * The summary of a job that already finished in the folder, to hand back instead of running it
   * again, once {@code requireUpToDate} has accepted it; null when the job has to run (it has not
   * finished there, or {@code overwrite}).
   *
   * @param redo what --overwrite would do, for the progress line
   */
  public static Map<String, Object> alreadyFinished(
      RunFolder folder,
      String job,
      boolean overwrite,
      String redo,
      Consumer<Map<String, Object>> requireUpToDate,
      Consumer<String> say) {
    Map<String, Object> finished = finishedSummary(folder, job);
    if (finished == null || overwrite) {
      return null;
    }
    requireUpToDate.accept(finished);
    say.accept(
        "already finished in " + folder.root() + "; nothing to do (--overwrite to " + redo + ")");
    return finished;
  }

  /**
   * The id of a job's finished outputs in a folder; null when unfinished, or finished before ids
   * were recorded.
   */
  public static String idOf(RunFolder folder, String job) {
    Map<String, Object> summary = finishedSummary(folder, job);
    return summary == null ? null : (String) summary.get(ID);
  }

  /** The {@code id} and {@code built_from} entries for a summary or a checkpoint's sidecar. */
  public static Map<String, Object> fields(String id, Map<String, String> builtFrom) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(ID, id);
    m.put(BUILT_FROM, builtFrom);
    return m;
  }

  /**
   * "the outputs of X changed since (id a then, b now)" for each upstream job whose outputs now
   * have another id than {@code recorded} says; an id unknown on either side (written before ids
   * were recorded) is not compared.
   */
  public static List<String> changedUpstream(Object recorded, Map<String, String> now) {
    List<String> changes = new ArrayList<>();
    if (!(recorded instanceof Map<?, ?> then)) {
      return changes;
    }
    now.forEach(
        (job, id) -> {
          Object was = then.get(job);
          if (was != null && id != null && !was.equals(id)) {
            changes.add(
                "the outputs of "
                    + job
                    + " changed since ("
                    + job
                    + " was run again: id "
                    + was
                    + " then, "
                    + id
                    + " now)");
          }
        });
    return changes;
  }

  /**
   * "key (finished: a, now: b)" for each setting the job reads whose value differs; a setting the
   * recorded settings lack (newer than they are) had its default then.
   */
  public static List<String> changedSettings(
      Object recorded, Map<String, String> now, Predicate<String> reads) {
    List<String> changes = new ArrayList<>();
    if (!(recorded instanceof Map<?, ?> then)) {
      return changes;
    }
    now.forEach(
        (key, value) -> {
          if (reads.test(key)) {
            Object was =
                then.containsKey(key) ? then.get(key) : Settings.byKey(key, "").defaultText();
            if (!value.equals(String.valueOf(was))) {
              changes.add(key + " (finished with " + was + ", now " + value + ")");
            }
          }
        });
    return changes;
  }

  /**
   * Refuses to hand back a finished job's summary as the answer to a request that differs from what
   * it finished with: other upstream outputs, other values of {@code sameAs}'s summary entries
   * (inputs), or other settings among those the job reads.
   *
   * @throws JobFailure naming each difference and the way out (--overwrite)
   */
  public static void requireUpToDate(
      String job,
      Path folder,
      Map<String, Object> finished,
      Map<String, String> upstreamNow,
      Map<String, Object> sameAs,
      Map<String, String> settingsNow,
      Predicate<String> reads) {
    List<String> changes = new ArrayList<>(changedUpstream(finished.get(BUILT_FROM), upstreamNow));
    sameAs.forEach(
        (key, value) -> {
          Object was = finished.get(key);
          if (was != null && !was.equals(value)) {
            changes.add(key + " (finished with " + was + ", now " + value + ")");
          }
        });
    changes.addAll(changedSettings(finished.get("settings"), settingsNow, reads));
    if (!changes.isEmpty()) {
      throw new JobFailure(
          job
              + " already finished in "
              + folder
              + ", but not with this request: "
              + String.join("; ", changes)
              + ". Run it as it finished to get its summary, or with --overwrite to redo it");
    }
  }
}
