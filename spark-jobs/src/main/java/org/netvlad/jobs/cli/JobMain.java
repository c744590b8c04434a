package org.netvlad.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.netvlad.jobs.io.IoFailures;

/**
 * What every job's {@code main} does: parse, print {@code --help}, start the session that
 * spark-submit configured (no master here), run, print the summary, and exit 0, or print a one-line
 * reason on stderr and exit non-zero: {@link #EXIT_FAILURE} (2) for bad input, settings or run
 * folder state, {@link #EXIT_IO} (3) for a failed file system operation, {@link #EXIT_BUG} (1) for
 * anything else; the nightly also {@link #EXIT_FLAGGED} (4), after its summary, for a night worse
 * than the last good one.
 */
public final class JobMain {
  /**
   * Something unexpected: a bug, or a failure nobody classified; a stack trace comes before the
   * line.
   */
  public static final int EXIT_BUG = 1;

  /**
   * A {@link JobFailure}: bad input or settings, or a run folder in a state the job cannot go on
   * from.
   */
  public static final int EXIT_FAILURE = 2;

  /**
   * A {@link JobIoFailure}, or any I/O error: permission refused, disk or quota full, storage
   * unreachable.
   */
  public static final int EXIT_IO = 3;

  /**
   * The nightly finished, but its model is worse than the last good night's by more than allowed: a
   * scheduler alerts.
   */
  public static final int EXIT_FLAGGED = 4;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Parses and validates a job's arguments; throws {@link JobFailure} when they are wrong. */
  public interface Parser<C> {
    C parse(JobArgs args, SparkSession spark);
  }

  /** Runs a job and returns its summary. */
  public interface Runner<C> {
    Map<String, Object> run(SparkSession spark, C config);
  }

  private JobMain() {}

  public static <C> void main(
      String name,
      java.util.List<JobArgs.Option> options,
      Parser<C> parser,
      Runner<C> runner,
      String[] argv) {
    main(name, options, true, parser, runner, summary -> 0, argv);
  }

  /**
   * Like {@link #main(String, java.util.List, Parser, Runner, String[])} for a job with or without
   * a run folder ({@code --run}, {@code --overwrite}), whose finished summary may still end the
   * process with a non-zero code.
   */
  public static <C> void main(
      String name,
      java.util.List<JobArgs.Option> options,
      boolean runFolder,
      Parser<C> parser,
      Runner<C> runner,
      java.util.function.ToIntFunction<Map<String, Object>> exitCodeOf,
      String[] argv) {
    int code;
    String failure = null;
    SparkSession spark = null;
    try {
      JobArgs args = JobArgs.parse(name, options, argv, runFolder);
      if (args.help()) {
        System.out.print(args.usage());
        return;
      }
      spark =
          SparkSecret.configure(SparkSession.builder().appName("netvlad " + name)).getOrCreate();
      C config = parser.parse(args, spark);
      Map<String, Object> summary = runner.run(spark, config);
      System.out.println(toJson(summary));
      code = exitCodeOf.applyAsInt(summary);
    } catch (Exception | Error e) { // Spark's own exceptions are checked ones, thrown undeclared
      code = exitCode(e);
      if (code == EXIT_BUG) {
        e.printStackTrace();
      }
      failure = name + ": " + reason(e);
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    if (failure != null) { // after stop, so Spark's shutdown logging cannot bury the reason
      System.err.println(failure);
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The exit code a job's failure ends the process with. */
  static int exitCode(Throwable e) {
    if (e instanceof JobIoFailure || !(e instanceof JobFailure) && IoFailures.ioCause(e) != null) {
      return EXIT_IO;
    }
    return e instanceof JobFailure ? EXIT_FAILURE : EXIT_BUG;
  }

  /** The one line that says why: the failure's own message, or the I/O error, or the root cause. */
  static String reason(Throwable e) {
    if (e instanceof JobFailure) {
      return "error: " + e.getMessage();
    }
    java.io.IOException io = IoFailures.ioCause(e);
    return io != null
        ? "error: I/O failure: " + IoFailures.describe(io)
        : "failed: " + rootCause(e);
  }

  /** The innermost cause, which says what went wrong (Spark wraps task failures several deep). */
  static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? e.toString() : e.getClass().getSimpleName() + " caused by " + t;
  }

  public static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> fromJson(String text) {
    try {
      return JSON.readValue(text, Map.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new JobFailure("summary is not JSON: " + e.getMessage(), e);
    }
  }
}
