package org.netvlad.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.MineTuplesJob;

/** Helpers to run jobs in-process and read their outputs back. */
final class Jobs {
  private Jobs() {}

  static Path projectRoot() {
    return Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
  }

  static Path pittsburghSpec(String name) {
    return projectRoot().resolve("tests/data/pitts30k").resolve(name);
  }

  static Map<String, Object> mine(
      SparkSession spark, Path run, List<String> inputs, String... settings) {
    return mine(spark, run.toUri().toString(), inputs, false, settings);
  }

  static Map<String, Object> mine(
      SparkSession spark, String run, List<String> inputs, boolean overwrite, String... settings) {
    MineTuplesJob.Config config =
        new MineTuplesJob.Config(
            run, inputs, "/images", PipelineConfig.load("", "test", List.of(settings)), overwrite);
    return MineTuplesJob.run(spark, config);
  }

  /** Mines a city that render-city wrote into the run folder, with its images where they are. */
  static Map<String, Object> mineCity(SparkSession spark, String run, String... settings) {
    return MineTuplesJob.run(
        spark,
        new MineTuplesJob.Config(
            run,
            List.of(run + "/city/manifest.csv"),
            run + "/city",
            PipelineConfig.load("", "test", List.of(settings)),
            false));
  }

  /** Every row of tuples/&lt;split&gt;/, keyed by query id. */
  static Map<String, Row> tuples(SparkSession spark, String run, String split) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : spark.read().parquet(run + "/tuples/" + split).collectAsList()) {
      out.put(r.getAs("query_id"), r);
    }
    return out;
  }

  static Path writeLines(Path file, List<String> lines) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, lines);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The smallest useful manifest: one database image and one query 3 m north of it. */
  static Path writeTinyManifest(Path file) {
    return writeLines(
        file,
        List.of(
            "image_id,path,lat,lon,role",
            "a,a.jpg,40.44,-79.99,database",
            "b,b.jpg,40.44003,-79.99,query"));
  }

  static List<String> ids(Row tuple, String column) {
    return new ArrayList<>(tuple.getList(tuple.fieldIndex(column)));
  }
}
