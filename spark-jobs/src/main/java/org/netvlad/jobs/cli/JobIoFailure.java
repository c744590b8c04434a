package org.netvlad.jobs.cli;

/**
 * A file system operation failed (permission refused, disk or quota full, storage unreachable):
 * main prints the message, which names the location, as one line and exits with {@link
 * JobMain#EXIT_IO}.
 */
public class JobIoFailure extends JobFailure {
  private static final long serialVersionUID = 1L;

  public JobIoFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
