package org.netvlad.jobs.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.netvlad.jobs.cli.JobFailure;

/**
 * An exclusive lock on a folder (a run folder, a nightly root) between processes on any hosts, that
 * a holder which died cannot keep for ever.
 *
 * <p>The lock lives in {@code <folder>/_lock/} as numbered claims ({@link LockClaims}): claim
 * {@code n} is a small JSON file naming its holder ({@link LockHolder}: job, host, process, when).
 * The highest claim holds the lock until its holder marks it released, or until it is stale: its
 * process has ended (a holder on this host), or it has given no sign of life for the stale time (a
 * holder on another host touches its claim every tenth of that time). To lock, a process publishes
 * its claim whole under the next number with an atomic create-if-absent, so of two processes that
 * both find the lock free or stale exactly one gets the number, and the other then finds the
 * winner's claim alive and is refused. Numbers only grow and the highest claim is never removed, so
 * a process that looked long ago and publishes an old number sees a higher claim when it checks.
 * Atomic on local file systems and HDFS; on object stores (s3a) only as good as their rename.
 */
public final class RunLock implements AutoCloseable {
  public static final String FOLDER = "_lock";
  private static final int ATTEMPTS = 5;

  private final LockClaims claims;
  private final long number;
  private final ScheduledExecutorService heartbeat;

  private RunLock(LockClaims claims, long number, Duration staleAfter) {
    this.claims = claims;
    this.number = number;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "run-lock heartbeat " + claims.folder());
              t.setDaemon(true);
              return t;
            });
    long periodMs = Math.max(100, staleAfter.toMillis() / 10);
    heartbeat.scheduleAtFixedRate(
        () -> claims.touch(number), periodMs, periodMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock on {@code folder} for {@code job}, creating the folder when it does not exist.
   *
   * @param staleAfter how long a holder on another host may give no sign of life before its lock is
   *     taken over
   * @param log where a takeover of a stale lock is reported
   * @throws JobFailure naming the holder when the lock is held; a {@link
   *     org.netvlad.jobs.cli.JobIoFailure} naming the folder when it cannot be written
   */
  public static RunLock acquire(
      FileSystem fs, Path folder, String job, Duration staleAfter, Consumer<String> log) {
    LockClaims claims = new LockClaims(fs, new Path(folder, FOLDER));
    LockHolder me = LockHolder.current(job);
    try {
      for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          long mine = nextFree(claims, folder, staleAfter, log);
          if (claims.publish(mine, me)) {
            if (claims.top() == mine) {
              claims.removeBelow(mine, staleAfter);
              return new RunLock(claims, mine, staleAfter);
            }
            claims.remove(mine); // an outdated number: a higher claim was published meanwhile
          }
        } catch (FileNotFoundException e) {
          // the claim looked at was superseded and removed meanwhile: look again
        }
      }
    } catch (IOException e) {
      throw IoFailures.failure("locking", folder, e, e);
    }
    throw new JobFailure(
        "cannot lock "
            + folder
            + ": other processes kept claiming it ("
            + ATTEMPTS
            + " attempts); try again");
  }

  /**
   * The number a new claim takes: above the highest, when that one is released or stale; else a
   * refusal.
   */
  private static long nextFree(
      LockClaims claims, Path folder, Duration staleAfter, Consumer<String> log)
      throws IOException {
    long top = claims.top();
    if (top < 0 || claims.released(top)) {
      return top + 1;
    }
    LockHolder holder = claims.holder(top);
    long silentMs = claims.silentMs(top);
    String stale = holder.staleness(silentMs, staleAfter);
    if (stale == null) {
      throw new JobFailure(
          folder
              + " is locked by "
              + holder.describe()
              + ", last sign of life "
              + silentMs / 1000
              + " s ago; wait for it to end (the lock of a process that has ended is taken over)");
    }
    log.accept("taking over the lock on " + folder + " of " + holder.describe() + ": " + stale);
    return top + 1;
  }

  /** Releases the lock; a failure to mark it released leaves it to be taken over as stale. */
  @Override
  public void close() {
    heartbeat.shutdown(); // no interrupt: an HDFS call in flight is let finish
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      claims.release(number);
    } catch (IOException e) {
      System.err.println(
          "warning: cannot release the lock " + claims.folder() + ": " + IoFailures.describe(e));
    }
  }
}
