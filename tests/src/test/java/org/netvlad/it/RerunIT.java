package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;

/**
 * Outputs are committed atomically; re-running a finished job changes nothing unless asked to, and
 * is refused when asked for other inputs or settings.
 */
class RerunIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aFinishedRunIsLeftAloneAndAFailedOverwriteKeepsThePreviousOutputs() throws Exception {
    Path good = Jobs.writeTinyManifest(dir.resolve("good.csv"));
    Path run = dir.resolve("run");
    String uri = run.toUri().toString();
    Map<String, Object> first = Jobs.mine(spark, uri, List.of(good.toString()), false);
    Path summary = run.resolve("summary/mine-tuples.json");
    String summaryText = Files.readString(summary);
    FileTime before = Files.getLastModifiedTime(run.resolve("tuples"));
    Thread.sleep(20);

    Map<String, Object> again = Jobs.mine(spark, uri, List.of(good.toString()), false);
    assertEquals(
        JobMain.toJson(first), JobMain.toJson(again), "the finished summary is returned as it is");
    assertEquals(summaryText, Files.readString(summary));
    assertEquals(before, Files.getLastModifiedTime(run.resolve("tuples")));

    // asked for something else, a finished run says so rather than answer with what it did
    JobFailure otherSettings =
        assertThrows(
            JobFailure.class,
            () ->
                Jobs.mine(
                    spark,
                    uri,
                    List.of(good.toString()),
                    false,
                    "mining.positive-radius-m=1",
                    "ingest.max-rejected-fraction=0.5"));
    assertEquals(
        "mine-tuples already finished in "
            + new org.apache.hadoop.fs.Path(uri)
            + ", but not with this request: ingest.max-rejected-fraction (finished with 0.01, now"
            + " 0.5); mining.positive-radius-m (finished with 10, now 1). Run it as it finished to"
            + " get its summary, or with --overwrite to redo it",
        otherSettings.getMessage());
    Path other = Jobs.writeTinyManifest(dir.resolve("other.csv"));
    JobFailure otherInput =
        assertThrows(
            JobFailure.class, () -> Jobs.mine(spark, uri, List.of(other.toString()), false));
    assertTrue(
        otherInput
            .getMessage()
            .contains("inputs (finished with [" + good + "], now [" + other + "])"),
        otherInput.getMessage());
    assertEquals(summaryText, Files.readString(summary));

    Path bad =
        Jobs.writeLines(
            dir.resolve("bad.csv"),
            List.of("image_id,path,lat,lon", "a,a.jpg,NaN,1", "b,b.jpg,1,1"));
    assertThrows(JobFailure.class, () -> Jobs.mine(spark, uri, List.of(bad.toString()), true));
    assertEquals(
        summaryText, Files.readString(summary), "a failed overwrite keeps the finished run");
    assertEquals(1L, spark.read().parquet(uri + "/tuples/train").count());

    Map<String, Object> redone =
        Jobs.mine(spark, uri, List.of(good.toString()), true, "mining.positive-radius-m=1");
    assertNotEquals(summaryText, Files.readString(summary));
    assertEquals(0L, redone.get("queries_kept"));
    assertFalse(Files.exists(run.resolve("tuples/train")), "no query kept: no split folder");
    try (Stream<Path> files = Files.list(run)) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().equals("_staging")),
          "staging cleaned up");
    }
  }
}
