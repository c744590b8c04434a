package org.netvlad.jobs.cli;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines a user can follow on stderr: time, job, phase, what happened. */
public final class Progress {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final String job;
  private final long startNanos = System.nanoTime();

  public Progress(String job) {
    this.job = job;
  }

  public void say(String message) {
    System.err.printf(
        "%s [%s %6.1fs] %s%n",
        LocalTime.now().format(TIME), job, (System.nanoTime() - startNanos) / 1e9, message);
    System.err.flush();
  }
}
