package org.netvlad.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.cli.JobFailure;

/**
 * A run folder on any Hadoop file system, and the atomic commit of a job's outputs into it.
 *
 * <p>A job writes everything under {@code <run>/_staging/<job>-<id>/}, then commits: it removes the
 * previous outputs it replaces, renames each new output into place and renames its summary {@code
 * <run>/summary/<job>.json} last. The summary is the commit marker: a job whose summary exists is
 * finished, and outputs without it are leftovers of a failed commit that the next attempt replaces.
 * A job holds the folder's {@link RunLock} while it runs, so the staging folders of other attempts
 * it removes are those of attempts that died.
 *
 * <p>On a local disk the folder is written without Hadoop's {@code .crc} sidecars: a user who edits
 * a file the jobs wrote (a rendered manifest) would otherwise meet a checksum error on the next
 * read.
 */
public final class RunFolder {
  private static final String STAGING = "_staging";

  private final Path root;
  private final FileSystem fs;

  public RunFolder(String runUri, Configuration hadoop) {
    this.root = new Path(runUri);
    try {
      FileSystem opened = root.getFileSystem(hadoop);
      this.fs = opened instanceof LocalFileSystem local ? local.getRaw() : opened;
    } catch (IOException e) {
      throw IoFailures.failure("opening run folder", runUri, e, e);
    }
  }

  /**
   * Takes the folder's lock for a job (creating the folder), which also shows that it is writable
   * before any work starts.
   *
   * @throws JobFailure naming the holder when another process holds it; a JobIoFailure naming the
   *     folder when it cannot be written
   */
  public RunLock lock(String job, Duration staleAfter, Consumer<String> log) {
    return RunLock.acquire(fs, root, job, staleAfter, log);
  }

  public Path root() {
    return root;
  }

  public FileSystem fs() {
    return fs;
  }

  public Path resolve(String relative) {
    return new Path(root, relative);
  }

  public static String summaryPath(String job) {
    return "summary/" + job + ".json";
  }

  /** True when the job's summary (its commit marker) exists. */
  public boolean isFinished(String job) {
    return exists(resolve(summaryPath(job)));
  }

  /** A fresh staging folder for one attempt of a job; older attempts' folders are removed. */
  public Path newStaging(String job) {
    Path staging = new Path(resolve(STAGING), job + "-" + UUID.randomUUID());
    try {
      Path parent = resolve(STAGING);
      if (fs.exists(parent)) {
        for (FileStatus old : fs.listStatus(parent)) {
          if (old.getPath().getName().startsWith(job + "-")) {
            fs.delete(old.getPath(), true);
          }
        }
      }
      fs.mkdirs(staging);
    } catch (IOException e) {
      throw IoFailures.failure("creating staging folder", staging, e, e);
    }
    return staging;
  }

  /**
   * Moves a job's staged outputs into the run folder, summary last. The outputs they replace are
   * first moved aside into the staging folder (a rename each), so no output is ever half deleted;
   * an output this attempt did not stage is removed (the previous attempt's would not match).
   *
   * @param outputs folder names relative to both the staging folder and the run folder
   */
  public void commit(String job, Path staging, List<String> outputs) {
    Path summary = resolve(summaryPath(job));
    try {
      fs.delete(summary, false);
      Path retired = new Path(staging, "_replaced");
      for (String output : outputs) {
        Path target = resolve(output);
        moveAside(target, new Path(retired, output));
        Path staged = new Path(staging, output);
        if (fs.exists(staged)) {
          fs.mkdirs(target.getParent());
          rename(staged, target);
        }
      }
      fs.mkdirs(summary.getParent());
      rename(new Path(staging, summaryPath(job)), summary);
      fs.delete(staging, true);
      Path stagingRoot = resolve(STAGING);
      FileStatus[] left = fs.exists(stagingRoot) ? fs.listStatus(stagingRoot) : new FileStatus[0];
      if (left.length == 0) {
        fs.delete(stagingRoot, true);
      }
    } catch (IOException e) {
      throw IoFailures.failure("committing " + job + " into", root, e, e);
    }
  }

  /** Renames {@code path}, when it exists, to {@code aside} (whose parent is created). */
  public void moveAside(Path path, Path aside) throws IOException {
    if (fs.exists(path)) {
      fs.mkdirs(aside.getParent());
      rename(path, aside);
    }
  }

  public boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw IoFailures.failure("reading", path, e, e);
    }
  }

  public String readText(Path path) {
    return new String(readBytes(fs, path), StandardCharsets.UTF_8);
  }

  public void writeText(Path path, String text) {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw IoFailures.failure("writing", path, e, e);
    }
  }

  /** Reads a whole (small) file from any Hadoop file system. */
  public static byte[] readBytes(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw IoFailures.failure("reading", path, e, e);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }
}
