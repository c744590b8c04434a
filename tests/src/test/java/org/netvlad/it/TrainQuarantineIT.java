package org.netvlad.it;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobFailure;

/**
 * train-netvlad meets unreadable images (a truncated PNG among the training database, a missing
 * training query, a validation query that is not an image) the way extract-and-evaluate does: they
 * are set aside, listed in training/rejected-images/ with their reason, counted in the summary and
 * kept out of the tuples; past train.max-rejected-fraction the job fails with one line naming one.
 */
class TrainQuarantineIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void unreadableImagesAreSetAsideAndPastTheThresholdFailTheJob() throws Exception {
    Path root = dir.resolve("run");
    String run = root.toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            run,
            null,
            PipelineConfig.load(
                "", "t", List.of("render.images=800", "render.width-px=64", "render.height-px=48")),
            false));
    Jobs.mineCity(spark, run);
    Map<String, String> pathOf = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .select("image_id", "path")
            .collectAsList()) {
      pathOf.put(r.getString(0), r.getString(1));
    }
    String trainDb =
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .filter(col("split").equalTo("train").and(col("role").equalTo("database")))
            .orderBy("image_id")
            .first()
            .getAs("image_id");
    String trainQuery = firstKeptQuery(root, "train");
    String valQuery = firstKeptQuery(root, "val");
    Path city = root.resolve("city");
    byte[] png = Files.readAllBytes(city.resolve(pathOf.get(trainDb)));
    Files.write(city.resolve(pathOf.get(trainDb)), Arrays.copyOf(png, png.length / 2));
    Files.delete(city.resolve(pathOf.get(trainQuery)));
    Files.writeString(city.resolve(pathOf.get(valQuery)), "not a png");

    // No unreadable image allowed: the k-means sample meets the truncated one and the job stops
    // naming it
    JobFailure failure =
        assertThrows(JobFailure.class, () -> train(run, "train.max-rejected-fraction=0"));
    String m = failure.getMessage();
    assertTrue(
        m.contains("train.max-rejected-fraction 0")
            && m.contains(pathOf.get(trainDb))
            && m.contains("cannot decode image"),
        m);
    assertFalse(m.contains("\n"), "one line: " + m);
    System.out.println("train-netvlad's error line past the threshold: " + m);
    assertFalse(Files.exists(root.resolve("summary/train-netvlad.json")));
    assertEquals(
        pathOf.get(trainDb),
        spark
            .read()
            .parquet(root.resolve("training/rejected-images").toString())
            .first()
            .getAs("path"),
        "the failed run lists what it met");

    // The default threshold (1%) tolerates three images in about 800: they are set aside
    Map<String, Object> summary = train(run);
    assertEquals(3L, ((Number) summary.get("rejected_images")).longValue());
    Map<String, Row> listed = new HashMap<>();
    for (Row r :
        spark.read().parquet(root.resolve("training/rejected-images").toString()).collectAsList()) {
      listed.put(r.getAs("image_id"), r);
    }
    assertEquals(
        Map.of(
            trainDb,
            "database/train/init",
            trainQuery,
            "query/train/refresh",
            valQuery,
            "query/val/validation"),
        Map.of(
            trainDb,
            where(listed.get(trainDb)),
            trainQuery,
            where(listed.get(trainQuery)),
            valQuery,
            where(listed.get(valQuery))));
    for (Row r : listed.values()) {
      assertTrue(
          ((String) r.getAs("reason")).contains((String) r.getAs("path")),
          "the reason names the file: " + r);
    }
    // neither the unreadable query nor the unreadable database image is in any tuple
    for (Row r :
        spark.read().parquet(root.resolve("negcache/epoch=1").toString()).collectAsList()) {
      assertFalse(r.getAs("query_id").equals(trainQuery));
      assertFalse(r.getAs("best_positive_id").equals(trainDb));
      assertFalse(r.getList(r.fieldIndex("hard_negative_ids")).contains(trainDb));
    }
  }

  private Map<String, Object> train(String run, String... settings) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "model.width-px=64",
                "model.height-px=48",
                "model.clusters=16",
                "model.init-images=100000",
                "model.init-features-per-image=20",
                "model.init-iterations=10",
                "train.epochs=1",
                "train.workers=1",
                "train.negative-candidates=60",
                "train.negatives-per-tuple=4",
                "train.optimizer=adam",
                "train.max-queries-per-epoch=16"));
    all.addAll(List.of(settings));
    return TrainNetVladJob.run(
        spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "t", all), false));
  }

  private String firstKeptQuery(Path root, String split) {
    return spark
        .read()
        .parquet(root.resolve("tuples/" + split).toString())
        .select("query_id")
        .as(Encoders.STRING())
        .orderBy("query_id")
        .first();
  }

  private static String where(Row r) {
    return r.getAs("role") + "/" + r.getAs("split") + "/" + r.getAs("stage");
  }
}
