package org.netvlad.jobs.cli;

/**
 * A job cannot go on because of its input or settings (not a bug): main prints the message as one
 * line on stderr and exits non-zero.
 */
public class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailure(String message) {
    super(message);
  }

  public JobFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
