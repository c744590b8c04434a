package org.netvlad.jobs.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Small files replaced whole: a reader sees the old content or the new, never a part (the nightly's
 * {@code current} pointer, its plan and summary). The new content is written to a hidden temporary
 * file beside the target and renamed over it: rename(2) on a local disk, HDFS's rename with
 * OVERWRITE elsewhere (atomic on HDFS; on object stores only as good as their rename).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Replaces {@code target} with {@code bytes}.
   *
   * @throws org.netvlad.jobs.cli.JobIoFailure naming the target when it cannot be written
   */
  public static void replace(FileSystem fs, Path target, byte[] bytes) {
    Path temp =
        new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    try {
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(temp, false)) {
        out.write(bytes);
      }
      if ("file".equals(fs.getUri().getScheme())) {
        Files.move(
            local(fs, temp),
            local(fs, target),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        FileContext.getFileContext(fs.getUri(), fs.getConf())
            .rename(temp, target, Options.Rename.OVERWRITE);
      }
    } catch (IOException e) {
      deleteQuietly(fs, temp);
      throw IoFailures.failure("writing", target, e, e);
    }
  }

  public static void replace(FileSystem fs, Path target, String text) {
    replace(fs, target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static java.nio.file.Path local(FileSystem fs, Path p) {
    return Paths.get(fs.makeQualified(p).toUri());
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException | RuntimeException ignored) {
      // the write failed already; a left temporary file is hidden and harmless
    }
  }
}
