package org.netvlad.jobs.nightly;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.io.AtomicFiles;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;

/**
 * The nightly's root folder: a run folder per night ({@code runs/<date>/}), the {@code current}
 * pointer (one line, the run folder of the last good night relative to the root, replaced
 * atomically) and the root's lock.
 */
public final class NightlyRoot {
  public static final String CURRENT = "current";
  static final String RUNS = "runs";
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final String DELETING = ".deleting-";

  private final RunFolder root;

  private NightlyRoot(RunFolder root) {
    this.root = root;
  }

  /**
   * The root a URI names, made absolute (so that every run folder and checkpoint named from it is).
   */
  public static NightlyRoot open(String uri, Configuration hadoop) {
    RunFolder folder = new RunFolder(uri, hadoop);
    return new NightlyRoot(
        new RunFolder(folder.fs().makeQualified(folder.root()).toString(), hadoop));
  }

  /** The root's exclusive lock (its {@code _lock/}), held for a whole night. */
  public RunLock lock(Duration staleAfter, Consumer<String> log) {
    return root.lock(NightlyJob.NAME, staleAfter, log);
  }

  public Path path() {
    return root.root();
  }

  /** The run folder of a night, e.g. {@code runs/2024-05-01} (not created here). */
  public RunFolder night(String date) {
    return new RunFolder(root.resolve(relative(date)).toString(), root.fs().getConf());
  }

  static String relative(String date) {
    return RUNS + "/" + date;
  }

  /** The date {@code current} names, or null when there is no {@code current}. */
  public String currentDate() {
    Path file = root.resolve(CURRENT);
    if (!root.exists(file)) {
      return null;
    }
    String line = root.readText(file).trim();
    String date = line.startsWith(RUNS + "/") ? line.substring(RUNS.length() + 1) : "";
    if (!DATE.matcher(date).matches()) {
      throw new JobFailure(
          file
              + " should name a run folder as runs/YYYY-MM-DD but holds '"
              + line
              + "'; fix or remove it");
    }
    return date;
  }

  /**
   * Points {@code current} at a night, atomically, unless it names a later night already (a night
   * run again for an earlier date does not move it back).
   *
   * @return whether it moved
   */
  public boolean moveCurrentTo(String date) {
    String now = currentDate();
    if (now != null && now.compareTo(date) > 0) {
      return false;
    }
    AtomicFiles.replace(root.fs(), root.resolve(CURRENT), relative(date) + "\n");
    return true;
  }

  /** The dates of the run folders, oldest first. */
  public List<String> dates() {
    List<String> dates = new ArrayList<>();
    for (FileStatus s : list(root.resolve(RUNS))) {
      String name = s.getPath().getName();
      if (s.isDirectory() && DATE.matcher(name).matches()) {
        dates.add(name);
      }
    }
    dates.sort(Comparator.naturalOrder());
    return dates;
  }

  /**
   * Deletes the run folders beyond the newest {@code keep}, never the one {@code current} names nor
   * those {@code protect} names (tonight's, and the last good night it warm-started from and was
   * compared with: a night started again reads them). Each is first renamed aside (atomic), so a
   * folder is never seen half deleted under its own name; what an interrupted deletion left is
   * removed the next time.
   *
   * @return the dates deleted
   */
  public List<String> prune(long keep, Set<String> protect) {
    String current = currentDate();
    List<String> dates = dates();
    List<String> deleted = new ArrayList<>();
    try {
      for (int i = 0; i < dates.size() - keep; i++) {
        String date = dates.get(i);
        if (!date.equals(current) && !protect.contains(date)) {
          Path aside = root.resolve(RUNS + "/" + DELETING + date + "-" + UUID.randomUUID());
          if (!root.fs().rename(root.resolve(relative(date)), aside)) {
            throw new IOException(
                "rename " + root.resolve(relative(date)) + " -> " + aside + " failed");
          }
          deleted.add(date);
        }
      }
      for (FileStatus s : list(root.resolve(RUNS))) {
        if (s.getPath().getName().startsWith(DELETING)) {
          root.fs().delete(s.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw IoFailures.failure("deleting old runs in", root.resolve(RUNS), e, e);
    }
    return deleted;
  }

  private FileStatus[] list(Path folder) {
    try {
      return root.fs().listStatus(folder);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    } catch (IOException e) {
      throw IoFailures.failure("listing", folder, e, e);
    }
  }
}
