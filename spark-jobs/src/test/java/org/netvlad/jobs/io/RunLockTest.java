package org.netvlad.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobIoFailure;

/**
 * The run folder lock on a local disk: refusal, takeover of stale claims, and one winner among many
 * takers.
 */
class RunLockTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir java.nio.file.Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private static FileSystem local() throws Exception {
    return FileSystem.getLocal(new Configuration()).getRaw();
  }

  private RunLock lock(java.nio.file.Path folder, String job, Duration staleAfter)
      throws Exception {
    return RunLock.acquire(local(), new Path(folder.toUri()), job, staleAfter, log::add);
  }

  /** Writes claim {@code n} as another holder would have. */
  private java.nio.file.Path claim(java.nio.file.Path folder, long n, LockHolder holder)
      throws Exception {
    java.nio.file.Path file = folder.resolve("_lock").resolve(Long.toString(n));
    Files.createDirectories(file.getParent());
    return Files.write(file, holder.json());
  }

  private static long endedProcessId() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void aHeldLockRefusesOthersNamingItsHolderAndIsFreeAgainAfterRelease() throws Exception {
    java.nio.file.Path run = dir.resolve("run");
    try (RunLock held = lock(run, "train-netvlad", HOUR)) {
      JobFailure refused = assertThrows(JobFailure.class, () -> lock(run, "mine-tuples", HOUR));
      String m = refused.getMessage();
      assertTrue(
          m.startsWith(
              new Path(run.toUri())
                  + " is locked by train-netvlad on host "
                  + LockHolder.THIS_HOST
                  + ", process "
                  + ProcessHandle.current().pid()
                  + ", since "),
          m);
      assertFalse(refused instanceof JobIoFailure);
    }
    try (RunLock again = lock(run, "mine-tuples", HOUR)) {
      assertTrue(log.isEmpty(), "a released lock is free, not stale: " + log);
    }
  }

  @Test
  void aLockWhoseProcessEndedOnThisHostIsTakenOverAtOnce() throws Exception {
    java.nio.file.Path run = dir.resolve("run");
    long dead = endedProcessId();
    claim(
        run,
        7,
        new LockHolder("train-netvlad", LockHolder.THIS_HOST, dead, "", "2020-01-01T00:00:00Z"));
    try (RunLock taken = lock(run, "train-netvlad", HOUR)) {
      assertEquals(1, log.size());
      assertTrue(
          log.get(0).contains("process " + dead) && log.get(0).contains("has ended"), log.get(0));
      assertTrue(Files.exists(run.resolve("_lock/8")), "the next number");
      assertFalse(Files.exists(run.resolve("_lock/7")), "the stale claim is removed");
    }
  }

  @Test
  void aLiveProcessHoldsItsLockButAReusedProcessIdDoesNot() throws Exception {
    ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
    String parentStart = parent.info().startInstant().orElseThrow().toString();
    java.nio.file.Path live = dir.resolve("live");
    claim(
        live,
        0,
        new LockHolder(
            "nightly", LockHolder.THIS_HOST, parent.pid(), parentStart, "2020-01-01T00:00:00Z"));
    JobFailure refused =
        assertThrows(JobFailure.class, () -> lock(live, "mine-tuples", Duration.ofSeconds(1)));
    assertTrue(
        refused
            .getMessage()
            .contains(
                "locked by nightly on host " + LockHolder.THIS_HOST + ", process " + parent.pid()),
        refused.getMessage());

    java.nio.file.Path reused = dir.resolve("reused");
    claim(
        reused,
        0,
        new LockHolder(
            "nightly",
            LockHolder.THIS_HOST,
            parent.pid(),
            "2001-01-01T00:00:00Z",
            "2001-01-01T00:00:00Z"));
    try (RunLock taken = lock(reused, "mine-tuples", HOUR)) {
      assertTrue(
          log.get(0).contains("the id now names a process started " + parentStart), log.get(0));
    }
  }

  @Test
  void aLockHeldFromAnotherHostIsTakenOverOnlyAfterTheStaleTime() throws Exception {
    java.nio.file.Path run = dir.resolve("run");
    java.nio.file.Path claim =
        claim(run, 0, new LockHolder("train-netvlad", "elsewhere", 1, "", "2020-01-01T00:00:00Z"));
    JobFailure refused = assertThrows(JobFailure.class, () -> lock(run, "mine-tuples", HOUR));
    assertTrue(
        refused.getMessage().contains("locked by train-netvlad on host elsewhere, process 1"),
        refused.getMessage());
    Files.setLastModifiedTime(claim, FileTime.from(Instant.now().minus(Duration.ofMinutes(61))));
    try (RunLock taken = lock(run, "mine-tuples", HOUR)) {
      assertTrue(log.get(0).contains("no sign of life for 36"), log.get(0));
    }
  }

  @Test
  void aHolderRenewsItsClaimSoThatItNeverLooksStale() throws Exception {
    java.nio.file.Path run = dir.resolve("run");
    try (RunLock held = lock(run, "train-netvlad", Duration.ofSeconds(1))) {
      Thread.sleep(2_500);
      long silentMs =
          System.currentTimeMillis() - Files.getLastModifiedTime(run.resolve("_lock/0")).toMillis();
      assertTrue(
          silentMs < 1_000, "renewed every tenth of the stale time, last " + silentMs + " ms ago");
    }
    assertTrue(Files.exists(run.resolve("_lock/0.released")));
  }

  @Test
  void ofManyTakersOfAStaleOrFreeLockExactlyOneWins() throws Exception {
    for (int round = 0; round < 40; round++) {
      java.nio.file.Path run = dir.resolve("round" + round);
      if (round % 2 == 0) {
        java.nio.file.Path stale =
            claim(run, 3, new LockHolder("x", "elsewhere", 1, "", "2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(HOUR)));
      }
      List<Object> outcomes = race(run, 8);
      List<RunLock> winners = new ArrayList<>();
      for (Object o : outcomes) {
        if (o instanceof RunLock l) {
          winners.add(l);
        } else {
          assertTrue(
              o instanceof JobFailure f
                  && !(o instanceof JobIoFailure)
                  && f.getMessage().contains(" is locked by taker"),
              "round " + round + ": " + o);
        }
      }
      assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
      winners.forEach(RunLock::close);
    }
  }

  /**
   * Starts {@code takers} threads that lock the folder at the same moment; their locks or failures.
   */
  private List<Object> race(java.nio.file.Path run, int takers) throws Exception {
    CyclicBarrier start = new CyclicBarrier(takers);
    List<Object> outcomes = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < takers; i++) {
      String job = "taker" + i;
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  outcomes.add(lock(run, job, HOUR));
                } catch (Exception e) {
                  outcomes.add(e);
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return outcomes;
  }

  @Test
  void aFolderThatCannotBeWrittenFailsAsAnIoFailureNamingIt() throws Exception {
    java.nio.file.Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    java.nio.file.Path run = file.resolve("run");
    JobIoFailure e = assertThrows(JobIoFailure.class, () -> lock(run, "train-netvlad", HOUR));
    assertTrue(
        e.getMessage().startsWith("I/O failure locking " + new Path(run.toUri()) + ": "),
        e.getMessage());
  }
}
