package org.netvlad.jobs.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.cli.JobFailure;

/**
 * A run folder on any Hadoop file system, and the atomic commit of a job's outputs into it.
 *
 * <p>A job writes everything under {@code <run>/_staging/<job>-<id>/}, then commits: it removes
 * the previous outputs it replaces, renames each new output into place and renames its summary
 * {@code <run>/summary/<job>.json} last. The summary is the commit marker: a job whose summary exists
 * is finished, and outputs without it are leftovers of a failed commit that the next attempt
 * replaces.
 */
public final class RunFolder {
  private static final String STAGING = "_staging";

  private final Path root;
  private final FileSystem fs;

  public RunFolder(String runUri, Configuration hadoop) {
    this.root = new Path(runUri);
    try {
      this.fs = root.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new JobFailure("cannot open run folder " + runUri + ": " + e.getMessage(), e);
    }
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
      throw new JobFailure("cannot create staging folder " + staging + ": " + e.getMessage(), e);
    }
    return staging;
  }

  /**
   * Moves a job's staged outputs into the run folder, summary last.
   *
   * @param outputs folder names relative to both the staging folder and the run folder
   */
  public void commit(String job, Path staging, List<String> outputs) {
    Path summary = resolve(summaryPath(job));
    try {
      fs.delete(summary, false);
      for (String output : outputs) {
        Path target = resolve(output);
        fs.delete(target, true);
        fs.mkdirs(target.getParent());
        rename(new Path(staging, output), target);
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
      throw new JobFailure("commit of " + job + " into " + root + " failed: " + e.getMessage(), e);
    }
  }

  public boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw new JobFailure("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public String readText(Path path) {
    return new String(readBytes(fs, path), StandardCharsets.UTF_8);
  }

  public void writeText(Path path, String text) {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new JobFailure("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads a whole (small) file from any Hadoop file system. */
  public static byte[] readBytes(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new JobFailure("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }
}
