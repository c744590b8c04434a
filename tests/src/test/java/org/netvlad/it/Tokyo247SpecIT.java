package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.data.DbStruct;
import org.netvlad.jobs.cli.JobFailure;

/**
 * A Tokyo 24/7-style spec, whose dbStruct has no conditions: each place's queries are taken by day,
 * at sunset and at night, and ingest.conditions names which is which, as the dataset does.
 */
class Tokyo247SpecIT extends SparkTestBase {
  private static final String[] CONDITIONS = {"day", "sunset", "night"};

  @TempDir Path dir;

  @Test
  void listedConditionsReachThePanoramas() throws Exception {
    Path mat = spec(dir.resolve("tokyo247.mat"));
    List<String> listed = new ArrayList<>(List.of("path,condition"));
    Map<String, String> expected = new TreeMap<>();
    for (int place = 0; place < 2; place++) {
      for (int c = 0; c < CONDITIONS.length; c++) {
        listed.add("queries/" + query(place, c) + "," + CONDITIONS[c]);
        expected.put("query/" + query(place, c), CONDITIONS[c]);
      }
    }
    Path conditions = Jobs.writeLines(dir.resolve("tokyo247_conditions.csv"), listed);

    Map<String, Object> summary =
        Jobs.mine(
            spark, dir.resolve("run"), List.of(mat.toString()), "ingest.conditions=" + conditions);
    assertEquals(0L, summary.get("rows_rejected"));
    Map<String, String> found = new TreeMap<>();
    for (Row r :
        spark
            .read()
            .parquet(dir.resolve("run/panoramas").toString())
            .filter("role = 'query'")
            .collectAsList()) {
      found.put(r.getAs("image_id"), r.getAs("condition"));
    }
    assertEquals(expected, found);
    assertEquals(
        0L,
        spark
            .read()
            .parquet(dir.resolve("run/panoramas").toString())
            .filter("role = 'database' AND condition IS NOT NULL")
            .count());
  }

  @Test
  void aListedImageNoInputHasFailsTheJobBeforeWritingAnything() throws Exception {
    Path mat = spec(dir.resolve("tokyo247.mat"));
    // Written without the query folder, as the spec names its files.
    Path conditions =
        Jobs.writeLines(
            dir.resolve("c.csv"),
            List.of("path,condition", query(0, 0) + ",day", "queries/" + query(0, 1) + ",sunset"));
    Path run = dir.resolve("run");
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () ->
                Jobs.mine(spark, run, List.of(mat.toString()), "ingest.conditions=" + conditions));
    assertTrue(
        e.getMessage().contains("1 of 2 listed images are in no input, e.g. [" + query(0, 0) + "]"),
        e.getMessage());
    assertTrue(e.getMessage().contains("ingest.dbstruct-query-folder"), e.getMessage());
    assertFalse(Files.exists(run.resolve("panoramas")));
    assertFalse(Files.exists(run.resolve("summary")));
  }

  private static String query(int place, int condition) {
    return String.format("%05d.jpg", place * CONDITIONS.length + condition + 1);
  }

  /** Two places 200 m apart, two database images each, and three queries per place. */
  private static Path spec(Path mat) throws Exception {
    String[] db = {"a1.jpg", "a2.jpg", "b1.jpg", "b2.jpg"};
    double[][] dbUtm = {{381000, 3950000}, {381003, 3950000}, {381200, 3950000}, {381203, 3950000}};
    String[] q = new String[6];
    double[][] qUtm = new double[6][];
    for (int place = 0; place < 2; place++) {
      for (int c = 0; c < CONDITIONS.length; c++) {
        q[place * 3 + c] = query(place, c);
        qUtm[place * 3 + c] = new double[] {381001 + 200 * place, 3950001 + c};
      }
    }
    Files.write(
        mat, new DbStruct("test", List.of(db), dbUtm, null, List.of(q), qUtm, null).toMatBytes());
    return mat;
  }
}
