package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.data.DbStruct;

/**
 * A Tokyo Time Machine-style spec, whose queries are database panoramas, with capture time stamps:
 * no query is refused as a duplicate of its database copy, and with the Time Machine rule a query's
 * positives are the same place's other dates, never itself.
 */
class TimeMachineSpecIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void positivesComeFromOtherDatesAndQueriesAreNotDuplicates() throws Exception {
    // Two places 100 m apart, each captured on three dates (yyyymm); two queries taken from them.
    // Query 1 sits on p1_2010: p1_2008 is 1 m away, p1_2012 2.24 m. Query 2 sits on p2_2012:
    // p2_2008 is 2 m away, p2_2010 2.24 m.
    String[] db = {
      "p1_2008.jpg", "p1_2010.jpg", "p1_2012.jpg", "p2_2008.jpg", "p2_2010.jpg", "p2_2012.jpg"
    };
    double[][] dbUtm = {
      {381000, 3950000},
      {381001, 3950000},
      {381000, 3950002},
      {381100, 3950000},
      {381100, 3950001},
      {381102, 3950000}
    };
    double[] dbStamps = {200805, 201005, 201205, 200805, 201005, 201205};
    String[] q = {"p1_2010.jpg", "p2_2012.jpg"};
    double[][] qUtm = {dbUtm[1], dbUtm[5]};
    double[] qStamps = {201005, 201205};
    Path mat = dir.resolve("tokyoTM_val.mat");
    Files.write(mat, dbStruct("val", db, dbUtm, dbStamps, q, qUtm, qStamps));

    String run = dir.resolve("run").toUri().toString();
    // The Time Machine rule turns itself on for a time-stamped spec
    // (mining.positive-needs-other-date=auto).
    Map<String, Object> summary = Jobs.mine(spark, run, List.of(mat.toString()), false);
    assertEquals(true, summary.get("positive_needs_other_date"));
    assertEquals(0L, summary.get("rows_rejected"));
    assertEquals("54S", summary.get("frame_zone"));
    Map<String, Row> tuples = Jobs.tuples(spark, run, "val");
    assertEquals(
        List.of("database/p1_2008.jpg", "database/p1_2012.jpg"),
        Jobs.ids(tuples.get("query/p1_2010.jpg"), "positive_ids"));
    assertEquals(
        List.of("database/p2_2008.jpg", "database/p2_2010.jpg"),
        Jobs.ids(tuples.get("query/p2_2012.jpg"), "positive_ids"));
    // Queries live with the database images in the reference layout.
    assertEquals(
        "images/p1_2010.jpg",
        spark
            .read()
            .parquet(run + "/panoramas")
            .filter("image_id = 'query/p1_2010.jpg'")
            .first()
            .getAs("path"));

    // render-city draws each picture once, dated by the spec, and lists it in both roles.
    Path rendered = dir.resolve("rendered");
    Map<String, Object> render =
        org.netvlad.jobs.RenderCityJob.run(
            spark,
            new org.netvlad.jobs.RenderCityJob.Config(
                rendered.toUri().toString(),
                mat.toString(),
                org.netvlad.common.config.PipelineConfig.defaults(),
                false));
    assertEquals(6, render.get("images"));
    assertEquals(8, render.get("manifest_rows"));
    List<String> manifest = Files.readAllLines(rendered.resolve("city/manifest.csv"));
    assertEquals(
        1,
        manifest.stream()
            .filter(
                l ->
                    l.startsWith("query/p1_2010.jpg,images/p1_2010.jpg,")
                        && l.contains(",2010-05-01,"))
            .count());
  }

  static byte[] dbStruct(
      String which,
      String[] db,
      double[][] dbUtm,
      double[] dbStamps,
      String[] q,
      double[][] qUtm,
      double[] qStamps) {
    return new DbStruct(
            which, List.of(db), dbUtm, dates(dbStamps), List.of(q), qUtm, dates(qStamps))
        .toMatBytes();
  }

  /** yyyymm time stamps as the dates the spec stores (0: no date). */
  private static List<LocalDate> dates(double[] stamps) {
    List<LocalDate> out = new java.util.ArrayList<>();
    for (double s : stamps) {
      out.add(s == 0 ? null : LocalDate.of((int) s / 100, (int) s % 100, 1));
    }
    return out;
  }
}
