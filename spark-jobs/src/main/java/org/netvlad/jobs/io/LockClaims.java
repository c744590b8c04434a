package org.netvlad.jobs.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The numbered claims of a {@link RunLock} in its folder: claim {@code n} (the holder's JSON), its
 * release marker {@code n.released}, and hidden temporary files a claim is written in before it is
 * published.
 */
final class LockClaims {
  private static final Pattern CLAIM = Pattern.compile("\\d{1,18}");
  private static final String RELEASED = ".released";

  private final FileSystem fs;
  private final Path folder;

  LockClaims(FileSystem fs, Path folder) {
    this.fs = fs;
    this.folder = folder;
  }

  Path folder() {
    return folder;
  }

  /** The highest claim's number, or -1 when there is none. */
  long top() throws IOException {
    long top = -1;
    for (FileStatus s : list()) {
      String name = s.getPath().getName();
      if (CLAIM.matcher(name).matches()) {
        top = Math.max(top, Long.parseLong(name));
      }
    }
    return top;
  }

  boolean released(long n) throws IOException {
    return fs.exists(marker(n));
  }

  LockHolder holder(long n) throws IOException {
    try (var in = fs.open(claim(n))) {
      return LockHolder.parse(in.readAllBytes());
    }
  }

  /** Milliseconds since the claim's holder last touched it (its heartbeat). */
  long silentMs(long n) throws IOException {
    return Math.max(
        0, System.currentTimeMillis() - fs.getFileStatus(claim(n)).getModificationTime());
  }

  /**
   * Publishes a claim whole under number {@code n}, atomically and only when no claim has that
   * number: a hard link on a local disk, a rename on HDFS (which refuses an existing target).
   *
   * @return false when another claim already has the number
   */
  boolean publish(long n, LockHolder holder) throws IOException {
    if (!fs.mkdirs(folder)) {
      throw new IOException("cannot create folder " + folder);
    }
    Path temp = new Path(folder, "." + n + "." + UUID.randomUUID() + ".tmp");
    return isLocal()
        ? publishLocal(temp, claim(n), holder.json())
        : publishByRename(temp, claim(n), holder.json());
  }

  private boolean publishLocal(Path temp, Path target, byte[] json) throws IOException {
    java.nio.file.Path tempFile = local(temp);
    Files.write(tempFile, json, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      Files.createLink(local(target), tempFile);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tempFile);
    }
  }

  private boolean publishByRename(Path temp, Path target, byte[] json) throws IOException {
    try (OutputStream out = fs.create(temp, false)) {
      out.write(json);
    }
    try {
      if (fs.rename(temp, target)) {
        return true;
      }
      if (fs.exists(target)) {
        return false;
      }
      throw new IOException("cannot rename " + temp + " to " + target);
    } finally {
      fs.delete(temp, false);
    }
  }

  /** Marks a claim released (the next locker takes the number above it). */
  void release(long n) throws IOException {
    try (OutputStream out = fs.create(marker(n), true)) {
      out.write('\n');
    }
  }

  /** The holder's sign of life: the claim's modification time set to now. */
  void touch(long n) {
    try {
      fs.setTimes(claim(n), System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: cannot touch the lock claim " + claim(n) + ": " + e);
    }
  }

  void remove(long n) throws IOException {
    fs.delete(claim(n), false);
  }

  /**
   * Removes the claims below {@code n} and their markers, which nobody reads any more, and
   * temporary files older than {@code staleAfter} (left by a process that died while publishing).
   */
  void removeBelow(long n, Duration staleAfter) throws IOException {
    long now = System.currentTimeMillis();
    for (FileStatus s : list()) {
      String name = s.getPath().getName();
      String number =
          name.endsWith(RELEASED) ? name.substring(0, name.length() - RELEASED.length()) : name;
      boolean below = CLAIM.matcher(number).matches() && Long.parseLong(number) < n;
      boolean oldTemp =
          name.startsWith(".") && now - s.getModificationTime() > staleAfter.toMillis();
      if (below || oldTemp) {
        fs.delete(s.getPath(), false);
      }
    }
  }

  private FileStatus[] list() throws IOException {
    try {
      return fs.listStatus(folder);
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }

  private Path claim(long n) {
    return new Path(folder, Long.toString(n));
  }

  private Path marker(long n) {
    return new Path(folder, n + RELEASED);
  }

  private boolean isLocal() {
    return "file".equals(fs.getUri().getScheme());
  }

  private java.nio.file.Path local(Path p) {
    return Paths.get(fs.makeQualified(p).toUri());
  }
}
