package org.netvlad.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.netvlad.jobs.io.IoFailures;

/** Exit codes: 2 for a job's own failure, 3 for any I/O error however deep, 1 for the rest. */
class JobMainTest {
  @Test
  void everyFailureEndsWithItsExitCodeAndOneLine() {
    assertEquals(JobMain.EXIT_FAILURE, JobMain.exitCode(new JobFailure("bad setting")));
    assertEquals("error: bad setting", JobMain.reason(new JobFailure("bad setting")));

    // what Spark throws when a task ran out of disk: the I/O error is the task's exception, wrapped
    SparkException disk =
        new SparkException(
            "Job aborted due to stage failure: Task 0 in stage 3.0 failed",
            new RuntimeException(
                "Task failed while writing rows", new IOException("No space left on device")));
    assertEquals(JobMain.EXIT_IO, JobMain.exitCode(disk));
    assertEquals("error: I/O failure: IOException: No space left on device", JobMain.reason(disk));

    // the same met where the job writes names the place
    JobIoFailure named =
        assertThrowsIo(
            () ->
                IoFailures.writing(
                    new Path("file:/runs/r1/_staging/x/panoramas"),
                    () -> {
                      throw disk;
                    }));
    assertEquals(JobMain.EXIT_IO, JobMain.exitCode(named));
    assertEquals(
        "error: I/O failure writing file:/runs/r1/_staging/x/panoramas: IOException: No space left"
            + " on device",
        JobMain.reason(named));

    // Spark wraps any failure in an IOException on its way: that is no I/O failure
    SparkException wrapped =
        new SparkException(
            "Job aborted due to stage failure: Task serialization failed",
            new IOException(
                new SparkException("Attempted to use Broadcast(115) after it was destroyed")));
    assertEquals(JobMain.EXIT_BUG, JobMain.exitCode(wrapped));
    // but an I/O exception of its own kind that carries its cause is one (S3A's access denied, a
    // Kerberos login)
    SparkException denied =
        new SparkException(
            "Job aborted",
            new java.nio.file.AccessDeniedException("s3a://bucket/runs/r1", null, "403 Forbidden") {
              {
                initCause(new RuntimeException("AmazonS3Exception: Access Denied"));
              }
            });
    assertEquals(JobMain.EXIT_IO, JobMain.exitCode(denied));

    IllegalStateException bug = new IllegalStateException("a bug");
    assertEquals(JobMain.EXIT_BUG, JobMain.exitCode(bug));
    assertEquals("failed: java.lang.IllegalStateException: a bug", JobMain.reason(bug));
    // work that fails for another reason than I/O passes unchanged
    assertEquals(
        bug,
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                IoFailures.writing(
                    new Path("/x"),
                    () -> {
                      throw bug;
                    })));
    SparkException aborted = new SparkException("Job aborted");
    assertEquals(
        aborted,
        org.junit.jupiter.api.Assertions.assertThrows(
            SparkException.class,
            () ->
                IoFailures.writing(
                    new Path("/x"),
                    () -> {
                      throw aborted;
                    })));
  }

  @Test
  void aJobWithoutARunFolderTakesNeitherRunNorOverwrite() {
    List<JobArgs.Option> options =
        List.of(new JobArgs.Option("--root", "URI", false, true, "the root"));
    JobArgs args =
        JobArgs.parse("nightly", options, new String[] {"--root", "/r", "--set", "a=1"}, false);
    assertEquals("/r", args.value("--root"));
    assertEquals(null, args.value("--run"));
    JobFailure e =
        org.junit.jupiter.api.Assertions.assertThrows(
            JobFailure.class,
            () ->
                JobArgs.parse(
                    "nightly", options, new String[] {"--root", "/r", "--overwrite"}, false));
    assertEquals("nightly: unknown option '--overwrite'; --help lists the options", e.getMessage());
    String usage = JobArgs.parse("nightly", options, new String[] {"--help"}, false).usage();
    org.junit.jupiter.api.Assertions.assertTrue(
        usage.contains("--root URI") && !usage.contains("--run ") && !usage.contains("--overwrite"),
        usage);
  }

  private static JobIoFailure assertThrowsIo(org.junit.jupiter.api.function.Executable e) {
    return org.junit.jupiter.api.Assertions.assertThrows(JobIoFailure.class, e);
  }
}
