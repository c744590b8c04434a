package org.netvlad.jobs.io;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.ipc.RemoteException;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobIoFailure;

/**
 * Turns I/O errors into {@link JobIoFailure}s that name the location: "No space left on device" or
 * a refused permission deep inside a Spark task says nothing about where the job was writing.
 */
public final class IoFailures {
  /** Work that may throw anything; Spark throws checked exceptions undeclared. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Exception;
  }

  /** Work without a result. */
  @FunctionalInterface
  public interface Action {
    void run() throws Exception;
  }

  private IoFailures() {}

  /**
   * Runs work that writes {@code target}; an I/O error anywhere in it (a task's included) becomes a
   * {@link JobIoFailure} naming the target. Other failures pass unchanged.
   */
  public static <T> T writingResult(Path target, Work<T> work) {
    try {
      return work.run();
    } catch (JobFailure e) {
      throw e;
    } catch (Exception e) {
      IOException io = ioCause(e);
      if (io == null) {
        throw IoFailures.<RuntimeException>unchanged(e);
      }
      throw failure("writing", target, io, e);
    }
  }

  /** Rethrows a checked exception as it is, as Spark does, rather than wrapped in another. */
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E unchanged(Exception e) throws E {
    throw (E) e;
  }

  /** Like {@link #writingResult} for work without a result. */
  public static void writing(Path target, Action action) {
    writingResult(
        target,
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * The failure for an I/O error met while doing {@code what} (e.g. "writing") at {@code where}.
   */
  public static JobIoFailure failure(String what, Object where, IOException io, Throwable thrown) {
    return new JobIoFailure("I/O failure " + what + " " + where + ": " + describe(io), thrown);
  }

  /**
   * The innermost I/O exception in a chain of causes, or null; null too when it is a plain
   * IOException that only wraps another failure, as Spark wraps any failure on its way
   * (Utils.tryOrIOException): a broadcast used after it was destroyed is a bug, not an I/O failure.
   * Subclasses that wrap a cause (S3A's AccessDeniedException, Kerberos login failures) stay I/O.
   */
  public static IOException ioCause(Throwable e) {
    IOException found = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException io) {
        found = io;
      }
    }
    boolean onlyWraps =
        found != null
            && found.getClass() == IOException.class
            && found.getCause() != null
            && found.getCause() != found;
    return onlyWraps ? null : found;
  }

  /**
   * The exception's class and first message line ("DSQuotaExceededException: The DiskSpace quota of
   * /r is exceeded...").
   */
  public static String describe(IOException io) {
    String message = io.getMessage() == null ? "" : io.getMessage().split("\n")[0];
    // HDFS's errors can arrive wrapped as they crossed the wire; the class name says which
    String name =
        io instanceof RemoteException remote
            ? remote.getClassName().replaceAll(".*\\.", "")
            : io.getClass().getSimpleName();
    return name + (message.isEmpty() ? "" : ": " + message);
  }
}
