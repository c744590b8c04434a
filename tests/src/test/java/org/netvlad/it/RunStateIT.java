package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.ExtractAndEvaluateJob;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;

/**
 * A run folder across runs that go wrong or overlap: two trainings started at once on one folder, a
 * training --overwrite that fails at each stage, and a re-mine under a finished or stopped
 * training. Nothing finished is lost, nothing is resumed or reused from outputs that no longer
 * match.
 */
class RunStateIT extends SparkTestBase {
  static final List<String> TRAIN =
      List.of(
          "model.width-px=64",
          "model.height-px=48",
          "model.clusters=16",
          "model.init-images=60",
          "train.epochs=1",
          "train.workers=1",
          "train.negative-candidates=60",
          "train.negatives-per-tuple=4",
          "train.tuples-per-batch=2",
          "train.averaging-frequency=1",
          "train.optimizer=adam",
          "train.max-queries-per-epoch=24");

  @TempDir static Path shared;
  @TempDir Path dir;

  /**
   * What each of the two trainings started at once on the fixture's folder ended with: a summary or
   * a failure.
   */
  private static final List<Object> RACE = new CopyOnWriteArrayList<>();

  /**
   * A rendered, mined city, trained for one epoch by the first of two runs started on it at the
   * same moment.
   */
  @BeforeAll
  static void trainedRun() throws Exception {
    String run = shared.resolve("run").toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            run,
            null,
            PipelineConfig.load(
                "", "t", List.of("render.images=400", "render.width-px=64", "render.height-px=48")),
            false));
    Jobs.mineCity(spark, run);
    CyclicBarrier start = new CyclicBarrier(2);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  RACE.add(train(run, false));
                } catch (Exception e) {
                  RACE.add(e);
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static Map<String, Object> train(String run, boolean overwrite, String... extra) {
    List<String> settings = new ArrayList<>(TRAIN);
    settings.addAll(List.of(extra));
    return TrainNetVladJob.run(
        spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "t", settings), overwrite));
  }

  private static Map<String, Object> evaluate(String run, boolean overwrite, String... settings) {
    return ExtractAndEvaluateJob.run(
        spark,
        new ExtractAndEvaluateJob.Config(
            run, PipelineConfig.load("", "t", List.of(settings)), overwrite));
  }

  @Test
  void ofTwoTrainingsStartedAtOnceOneRunsAndTheOtherIsRefusedNamingIt() throws Exception {
    assertEquals(2, RACE.size());
    Map<?, ?> summary =
        (Map<?, ?>)
            RACE.stream()
                .filter(o -> o instanceof Map)
                .findFirst()
                .orElseThrow(() -> new AssertionError(RACE));
    JobFailure refused =
        (JobFailure)
            RACE.stream()
                .filter(o -> o instanceof JobFailure)
                .findFirst()
                .orElseThrow(() -> new AssertionError(RACE));
    assertTrue(
        refused.getMessage().contains(" is locked by train-netvlad on host ")
            && refused
                .getMessage()
                .contains(", process " + ProcessHandle.current().pid() + ", since "),
        refused.getMessage());
    assertEquals(
        JobMain.toJson(summary),
        JobMain.toJson(
            JobMain.fromJson(Files.readString(shared.resolve("run/summary/train-netvlad.json")))),
        "the folder holds the summary the running training printed");
  }

  @Test
  void aFailedOverwriteKeepsTheFinishedTrainingUntilTheNewOneHasItsFirstCheckpoint()
      throws Exception {
    Path root = copyOfTrainedRun();
    String run = root.toUri().toString();
    Map<String, String> finished = outputs(root);
    String finishedId = (String) summary(root).get("id");

    // fails before any work: a backbone weights file that is not there
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> train(run, true, "model.backbone-weights=" + dir.resolve("missing.zip").toUri()));
    assertTrue(e.getMessage().contains("model.backbone-weights"), e.getMessage());
    assertEquals(finished, outputs(root), "after a failure before the k-means initialisation");

    // fails in the k-means initialisation: 4 features for 16 clusters
    e =
        assertThrows(
            JobFailure.class,
            () -> train(run, true, "model.init-images=1", "model.init-features-per-image=4"));
    assertTrue(e.getMessage().contains("k-means"), e.getMessage());
    assertEquals(finished, outputs(root), "after a failure in the k-means initialisation");

    // fails in epoch 1, after the new training's first checkpoint: a training query image that
    // cannot be
    // decoded, with no unreadable image allowed (else it would be quarantined and training go on)
    Path image = root.resolve("city").resolve(aTrainingQueryPath(root));
    byte[] png = Files.readAllBytes(image);
    Files.writeString(image, "not a png");
    long failingRunStartMs =
        System.currentTimeMillis() - 1000; // file times may be rounded to the second
    e =
        assertThrows(
            JobFailure.class,
            () -> train(run, true, "train.seed=2", "train.max-rejected-fraction=0"));
    assertTrue(
        e.getMessage().contains("cannot be read") && e.getMessage().contains("epoch 1"),
        e.getMessage());
    assertFalse(
        Files.exists(root.resolve("summary/train-netvlad.json")),
        "the previous training is replaced, the new one unfinished");
    Map<String, Object> epoch0 =
        JobMain.fromJson(Files.readString(root.resolve("model/epoch=0/checkpoint.json")));
    assertNotEquals(finishedId, epoch0.get("id"), "model/epoch=0 is the new training's");
    assertFalse(
        Files.exists(root.resolve("model/epoch=1")),
        "no checkpoint of the previous training is left to be taken for the new one's");
    Path cache1 =
        root.resolve("negcache/epoch=1"); // the refresh that met the image may have written the new
    // training's
    assertTrue(
        !Files.exists(cache1) || Files.getLastModifiedTime(cache1).toMillis() >= failingRunStartMs,
        "no hard-negative cache of the previous training is left");

    // the new training resumes from its own first checkpoint once the image is readable again
    Files.write(image, png);
    Map<String, Object> resumed =
        train(run, false, "train.seed=2", "train.max-rejected-fraction=0");
    assertEquals(epoch0.get("id"), resumed.get("id"));
    assertEquals(1, resumed.get("epochs_trained"));
    assertTrue(Files.isDirectory(root.resolve("model/epoch=1")));
    assertFalse(
        Files.exists(root.resolve("_staging")),
        "the previous training's outputs went with the staging folder");
  }

  @Test
  void aReMineIsNotTakenForTheTuplesAFinishedOrStoppedTrainingWasBuiltFrom() throws Exception {
    Path root = copyOfTrainedRun();
    String run = root.toUri().toString();
    Map<String, Object> trained = summary(root);
    Map<String, Object> evaluated = evaluate(run, false, "eval.pca=false");
    String mined =
        (String)
            JobMain.fromJson(Files.readString(root.resolve("summary/mine-tuples.json"))).get("id");
    assertEquals(Map.of("mine-tuples", mined), trained.get("built_from"));
    assertEquals(
        Map.of("mine-tuples", mined, "train-netvlad", trained.get("id")),
        evaluated.get("built_from"));

    // asked again as they finished, the jobs answer with their summaries; asked otherwise, they say
    // what differs
    assertEquals(JobMain.toJson(trained), JobMain.toJson(train(run, false)));
    assertEquals(JobMain.toJson(evaluated), JobMain.toJson(evaluate(run, false, "eval.pca=false")));
    JobFailure e = assertThrows(JobFailure.class, () -> train(run, false, "train.epochs=2"));
    assertTrue(
        e.getMessage().contains("train.epochs (finished with 1, now 2)")
            && e.getMessage().contains("--overwrite"),
        e.getMessage());
    e =
        assertThrows(
            JobFailure.class, () -> evaluate(run, false, "eval.pca=false", "eval.recall-at=1,5"));
    assertTrue(
        e.getMessage().contains("eval.recall-at (finished with 1,5,10,20, now 1,5)"),
        e.getMessage());

    // mine-tuples again on other input: a manifest without its last 30 rows
    List<String> manifest = Files.readAllLines(root.resolve("city/manifest.csv"));
    Path fewer =
        Jobs.writeLines(dir.resolve("fewer.csv"), manifest.subList(0, manifest.size() - 30));
    org.netvlad.jobs.MineTuplesJob.run(
        spark,
        new org.netvlad.jobs.MineTuplesJob.Config(
            run,
            List.of(fewer.toString()),
            root.resolve("city").toString(),
            PipelineConfig.load("", "t", List.of()),
            true));
    String reMined =
        (String)
            JobMain.fromJson(Files.readString(root.resolve("summary/mine-tuples.json"))).get("id");
    String change =
        "the outputs of mine-tuples changed since (mine-tuples was run again: id "
            + mined
            + " then, "
            + reMined
            + " now)";

    e = assertThrows(JobFailure.class, () -> train(run, false));
    assertTrue(
        e.getMessage().startsWith("train-netvlad already finished in ")
            && e.getMessage().contains(change),
        e.getMessage());
    e = assertThrows(JobFailure.class, () -> evaluate(run, false, "eval.pca=false"));
    assertTrue(
        e.getMessage().startsWith("extract-and-evaluate already finished in ")
            && e.getMessage().contains(change),
        e.getMessage());

    // a training stopped after its checkpoint (as a killed one is: no summary yet) is not resumed
    // on the new tuples
    Files.delete(root.resolve("summary/train-netvlad.json"));
    e = assertThrows(JobFailure.class, () -> train(run, false));
    assertEquals(
        "cannot resume from checkpoint "
            + new org.apache.hadoop.fs.Path(run, "model/epoch=1")
            + ", which was trained on earlier"
            + " outputs: "
            + change
            + ". Use --overwrite to train again from the start",
        e.getMessage());

    Map<String, Object> retrained = train(run, true);
    assertEquals(Map.of("mine-tuples", reMined), retrained.get("built_from"));
    assertEquals(
        Map.of("mine-tuples", reMined, "train-netvlad", retrained.get("id")),
        evaluate(run, true, "eval.pca=false").get("built_from"));
  }

  /**
   * A copy of the fixture's run folder that reads its own images (mine-tuples recorded the image
   * root as a URI).
   */
  private Path copyOfTrainedRun() throws IOException {
    Path copy = dir.resolve("run");
    Path from = shared.resolve("run");
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = copy.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    Path mined = copy.resolve("summary/mine-tuples.json");
    Map<String, Object> summary = JobMain.fromJson(Files.readString(mined));
    summary.put("images", copy.toUri() + "city");
    Files.writeString(mined, JobMain.toJson(summary));
    return copy;
  }

  private static Map<String, Object> summary(Path root) throws IOException {
    return JobMain.fromJson(Files.readString(root.resolve("summary/train-netvlad.json")));
  }

  /**
   * Every file a training owns (summary, model/, negcache/, training/), by path, as a SHA-256 of
   * its bytes.
   */
  private static Map<String, String> outputs(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String owned : List.of("summary/train-netvlad.json", "model", "negcache", "training")) {
      try (Stream<Path> files = Files.walk(root.resolve(owned))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          out.put(
              root.relativize(f).toString(),
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      }
    }
    assertTrue(
        out.keySet().stream().anyMatch(k -> k.startsWith("model/epoch=1/"))
            && out.keySet().stream().anyMatch(k -> k.startsWith("negcache/")),
        out.keySet().toString());
    return out;
  }

  /**
   * The path of a kept training query whose file is no database image's (k-means samples those,
   * before the checkpoint).
   */
  private String aTrainingQueryPath(Path root) {
    List<Row> queries =
        spark
            .read()
            .parquet(root.resolve("tuples/train").toString())
            .select("query_id")
            .collectAsList();
    List<Row> panoramas =
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .select("image_id", "path", "role")
            .collectAsList();
    List<String> databasePaths =
        panoramas.stream()
            .filter(r -> r.getString(2).equals("database"))
            .map(r -> r.getString(1))
            .toList();
    String queryId = queries.get(0).getString(0);
    String path =
        panoramas.stream()
            .filter(r -> r.getString(0).equals(queryId))
            .map(r -> r.getString(1))
            .findFirst()
            .orElseThrow();
    assertFalse(databasePaths.contains(path), path);
    return path;
  }
}
