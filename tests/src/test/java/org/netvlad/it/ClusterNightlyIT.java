package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.model.Networks;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.cli.JobMain;

/**
 * {@code submit/nightly} on a real cluster, end to end: a Spark standalone master and two workers
 * (separate JVMs, spark.authenticate on), an HDFS mini cluster, a rendered city on HDFS, and each
 * night a real spark-submit reading and writing hdfs:// paths. Night 1 trains from scratch while a
 * second nightly on the same root is refused; local mode gives the same tuples, model and Recall@N;
 * night 2 warm-starts from night 1, quarantines a corrupt new image and a bad manifest row and
 * moves current; night 3 starts from a damaged model, is flagged (exit 4) and leaves current; a
 * full quota fails night 4 naming the place, leaving the previous nights and current as they were.
 * The secret is written nowhere. The faults that take long (a worker killed, the driver killed in
 * training and in evaluation, a failed night finished after the quota is lifted) run with
 * -Dnightly.faults=true.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNightlyIT extends SparkTestBase {
  /**
   * Kept after the run for its logs (the nightlies', the master's, workers' and executors'); HDFS's
   * data is removed.
   */
  static final Path work = Jobs.projectRoot().resolve("tests/target/cluster-nightly");

  static NightlyCluster cluster;
  static String city;
  static String root;

  /**
   * Night 1's trained parameters and Recall@N: what every fault test's night, with the same data
   * and seed, must end with.
   */
  static float[] referenceParams;

  static Object referenceRecall;

  @BeforeAll
  static void startClusters() throws Exception {
    long t = System.nanoTime();
    deleteTree(work);
    Files.createDirectories(work);
    cluster = NightlyCluster.start(work);
    System.out.printf(
        "HDFS and a standalone cluster (master + 2 workers) up in %.1f s%n",
        (System.nanoTime() - t) / 1e9);
    spark
        .sparkContext()
        .hadoopConfiguration()
        .set(NightlyCluster.CLOSE_WAIT_KEY, NightlyCluster.CLOSE_WAIT_MS);
    String renderRun = cluster.hdfs("/city-run");
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            renderRun,
            null,
            PipelineConfig.load(
                "", "t", List.of("render.images=400", "render.width-px=64", "render.height-px=48")),
            false));
    city = renderRun + "/city";
    root = cluster.hdfs("/nightly");
  }

  @AfterAll
  static void stopClusters() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    deleteTree(work.resolve("hdfs"));
  }

  private static void deleteTree(Path folder) throws Exception {
    if (Files.exists(folder)) {
      try (Stream<Path> paths = Files.walk(folder)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static String night(String date) {
    return root + "/runs/" + date;
  }

  private static List<String> manifest() {
    return List.of(city + "/manifest.csv");
  }

  @Test
  @Order(1)
  void nightOneTrainsFromScratchOnTheClusterWhileASecondNightlyOnTheRootIsRefused()
      throws Exception {
    long t = System.nanoTime();
    Process first =
        cluster.start(
            "night1", cluster.spark.url(), root, "2024-05-01", manifest(), city, List.of());
    cluster.awaitLine(
        "night1", first, "mine-tuples: starting"); // it holds the root's lock from before this line
    NightlyCluster.Result twin =
        cluster.run(
            "night1-twin", cluster.spark.url(), root, "2024-05-01", manifest(), city, List.of());
    NightlyCluster.Result night1 = cluster.finish("night1", first, t);
    System.out.printf(
        "night 1 on the cluster: exit %d in %.1f s; the second nightly refused in %.1f s: %s%n",
        night1.exit(), night1.seconds(), twin.seconds(), twin.lastLine());

    assertEquals(2, twin.exit(), twin.stderr());
    assertTrue(
        twin.lastLine()
            .startsWith(
                "nightly: error: "
                    + root
                    + " is locked by nightly on host "
                    + InetAddress.getLocalHost().getHostName()
                    + ", process "
                    + first.pid()
                    + ", since "),
        twin.lastLine());
    assertEquals("", twin.stdout().strip(), "the refused nightly printed no summary");
    assertEquals(0, night1.exit(), night1.stderr());

    Map<String, Object> summary = night1.summary();
    assertEquals(summary, cluster.summary(night("2024-05-01"), "nightly"));
    assertEquals("runs/2024-05-01\n", cluster.readHdfs(root + "/current"));
    assertEquals(true, summary.get("current_moved"));
    assertEquals(
        List.of("mine-tuples", "train-netvlad", "extract-and-evaluate"), stages(summary, "stage"));
    assertEquals(List.of("ran", "ran", "ran"), stages(summary, "status"));
    Map<String, Object> evaluation = cluster.summary(night("2024-05-01"), "extract-and-evaluate");
    assertEquals(evaluation.get("recall_at"), summary.get("recall_at_tonight"));
    referenceParams =
        NightlyCluster.model(cluster.fs(), night("2024-05-01") + "/model/epoch=1")
            .params()
            .data()
            .asFloat();
    referenceRecall = summary.get("recall_at_tonight");
    assertEquals(
        null,
        ((Map<?, ?>) summary.get("warm_start")).get("checkpoint"),
        "the first night starts from scratch");
    assertEquals(false, summary.get("flagged"));
    assertEquals(1, ((List<?>) summary.get("trend")).size());
    for (String file :
        List.of(
            "summary/nightly.html",
            "summary/nightly-trend.png",
            "evaluation/report.html",
            "model/epoch=1/model.zip")) {
      assertTrue(cluster.exists(night("2024-05-01") + "/" + file), file);
    }
    // the work ran on the workers: both executors trained
    for (int w = 0; w < 2; w++) {
      try (Stream<Path> logs = Files.walk(work.resolve("cluster/work-" + w))) {
        assertTrue(
            logs.anyMatch(p -> p.getFileName().toString().equals("stderr")),
            "worker " + w + " ran an executor");
      }
    }
  }

  @Test
  @Order(2)
  void localModeGivesTheSameTuplesModelAndRecall() throws Exception {
    String local = work.resolve("local-root").toUri().toString().replaceAll("/$", "");
    NightlyCluster.Result r =
        cluster.run("night1-local", "local[2]", local, "2024-05-01", manifest(), city, List.of());
    assertEquals(0, r.exit(), r.stderr());
    String onCluster = night("2024-05-01");
    String inLocalMode = local + "/runs/2024-05-01";
    for (String split : List.of("train", "val", "test")) {
      assertEquals(
          rows(onCluster + "/tuples/" + split),
          rows(inLocalMode + "/tuples/" + split),
          split + " tuples");
    }
    FileSystem localFs = FileSystem.getLocal(cluster.hdfs.getConfiguration(0)).getRaw();
    for (int epoch = 0; epoch <= 1; epoch++) {
      float[] a =
          NightlyCluster.model(cluster.fs(), onCluster + "/model/epoch=" + epoch)
              .params()
              .data()
              .asFloat();
      float[] b =
          NightlyCluster.model(localFs, inLocalMode + "/model/epoch=" + epoch)
              .params()
              .data()
              .asFloat();
      // two workers: an average of two is the same sum in either order, so the model is bit for bit
      // the same
      assertArrayEquals(a, b, "epoch " + epoch + " parameters");
    }
    assertEquals(
        cluster.summary(onCluster, "nightly").get("recall_at_tonight"),
        r.summary().get("recall_at_tonight"));
    Map<String, Object> localTraining =
        JobMain.fromJson(
            Files.readString(
                Path.of(java.net.URI.create(inLocalMode + "/summary/train-netvlad.json"))));
    assertEquals(
        lossAndRecall(cluster.summary(onCluster, "train-netvlad")),
        lossAndRecall(localTraining),
        "the same loss and validation Recall@N each epoch");
  }

  @Test
  @Order(3)
  void nightTwoWarmStartsFromNightOneQuarantinesACorruptImageAndABadRowAndMovesCurrent()
      throws Exception {
    String manifest2 = newPanoramasWithACorruptImageAndABadRow();
    NightlyCluster.Result r =
        cluster.run(
            "night2",
            cluster.spark.url(),
            root,
            "2024-05-02",
            List.of(manifest2),
            city,
            List.of("nightly.max-recall-drop=1")); // this night checks the warm start and current;
    // night 3 checks the flag
    assertEquals(0, r.exit(), r.stderr());
    Map<String, Object> summary = r.summary();
    Map<String, Object> train1 = cluster.summary(night("2024-05-01"), "train-netvlad");
    Map<String, Object> train2 = cluster.summary(night("2024-05-02"), "train-netvlad");
    String best1 = night("2024-05-01") + "/model/epoch=" + train1.get("best_epoch");
    assertEquals(best1, ((Map<?, ?>) train2.get("warm_start")).get("checkpoint"));
    assertEquals(
        train1.get("id"),
        ((Map<?, ?>) train2.get("built_from")).get("warm-start"),
        "the lineage names night 1's training");
    assertEquals(1, train2.get("epochs_trained"), "nightly.epochs");
    // epoch 0 of night 2 is night 1's best model: the same weights, the same validation Recall@N
    // (the val split did not change)
    assertArrayEquals(
        NightlyCluster.model(cluster.fs(), best1).params().data().asFloat(),
        NightlyCluster.model(cluster.fs(), night("2024-05-02") + "/model/epoch=0")
            .params()
            .data()
            .asFloat());
    assertEquals(
        historyRow(train1, (Integer) train1.get("best_epoch")).get("recall_at"),
        historyRow(train2, 0).get("recall_at"));
    // the last good model on tonight's test split (unchanged: the new rows are train rows) scores
    // what it scored last night
    assertEquals(
        cluster.summary(night("2024-05-01"), "extract-and-evaluate").get("recall_at"),
        summary.get("recall_at_last_good_model"));
    assertEquals(
        List.of("mine-tuples", "train-netvlad", "evaluate-last-good-model", "extract-and-evaluate"),
        stages(summary, "stage"));
    assertEquals("runs/2024-05-02\n", cluster.readHdfs(root + "/current"));
    assertEquals(
        List.of("2024-05-01", "2024-05-02"),
        stages(Map.of("stages", summary.get("trend")), "date"));

    // quarantined with their reasons, and the night completed
    Map<String, Object> mine = cluster.summary(night("2024-05-02"), "mine-tuples");
    assertEquals(1, mine.get("rows_rejected"));
    Row rejectedRow = spark.read().parquet(night("2024-05-02") + "/rejected").first();
    assertEquals("bad_row", rejectedRow.getAs("image_id"));
    assertEquals("not_a_number", rejectedRow.getAs("reason"));
    assertEquals(1, train2.get("rejected_images"));
    Row rejectedImage =
        spark.read().parquet(night("2024-05-02") + "/training/rejected-images").first();
    assertEquals("new_corrupt", rejectedImage.getAs("image_id"));
    assertTrue(
        ((String) rejectedImage.getAs("reason")).contains("images/new_corrupt.png"),
        rejectedImage.toString());
    System.out.printf(
        "night 2 (warm start): %.1f s; quarantined row: %s; image: %s%n",
        r.seconds(), rejectedRow.getAs("detail"), rejectedImage.getAs("reason"));
  }

  /**
   * Night 2's input: the city's manifest, one new panorama whose PNG is cut in half, one row with a
   * latitude that is no number.
   */
  private static String newPanoramasWithACorruptImageAndABadRow() throws Exception {
    FileSystem fs = cluster.fs();
    List<String> lines =
        new ArrayList<>(List.of(cluster.readHdfs(city + "/manifest.csv").strip().split("\n")));
    String trainDb =
        lines.stream().filter(l -> l.endsWith(",database,train")).findFirst().orElseThrow();
    String[] f = trainDb.split(",");
    byte[] png = cluster.readBytes(city + "/" + f[1]);
    try (var out = fs.create(new org.apache.hadoop.fs.Path(city + "/images/new_corrupt.png"))) {
      out.write(java.util.Arrays.copyOf(png, png.length / 2));
    }
    lines.add(
        "new_corrupt,images/new_corrupt.png,"
            + f[2]
            + ","
            + f[3]
            + ",2012-06-01,day,90.000,database,train");
    lines.add("bad_row,images/bad_row.png,north,-79.99,2012-06-01,day,90.000,database,train");
    String manifest = cluster.hdfs("/inputs/night2.csv");
    try (var out = fs.create(new org.apache.hadoop.fs.Path(manifest))) {
      out.write(
          (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return manifest;
  }

  @Test
  @Order(4)
  void nightThreeFromADamagedModelIsFlaggedAndLeavesCurrentWhereItWas() throws Exception {
    String damaged =
        damagedCopyOf(
            night("2024-05-02")
                + "/model/epoch="
                + cluster.summary(night("2024-05-02"), "train-netvlad").get("best_epoch"));
    NightlyCluster.Result r =
        cluster.run(
            "night3",
            cluster.spark.url(),
            root,
            "2024-05-03",
            manifest(),
            city,
            List.of("nightly.warm-start=" + damaged, "nightly.keep-runs=2"));
    System.out.printf(
        "night 3 (damaged model): exit %d in %.1f s: %s%n",
        r.exit(), r.seconds(), ((Map<?, ?>) r.summary().get("verdict")).get("verdict"));
    assertEquals(4, r.exit(), r.stderr());
    Map<String, Object> summary = r.summary();
    Map<?, ?> verdict = (Map<?, ?>) summary.get("verdict");
    assertEquals(true, summary.get("flagged"));
    assertTrue(((Number) verdict.get("drop")).doubleValue() > 0.02, verdict.toString());
    assertEquals(
        summary.get("recall_at_last_good_model"),
        cluster
            .summary(night("2024-05-03") + "/last-good-model", "extract-and-evaluate")
            .get("recall_at"));
    assertEquals(
        "runs/2024-05-02\n",
        cluster.readHdfs(root + "/current"),
        "a flagged night does not move current");
    assertEquals(false, summary.get("current_moved"));
    assertTrue(
        cluster
            .readHdfs(night("2024-05-03") + "/summary/nightly.html")
            .contains("class=\"flagged\""));
    // keep 2: night 3 and night 2, which current names; night 1 is deleted
    assertEquals(List.of("2024-05-01"), summary.get("deleted_runs"));
    assertFalse(cluster.exists(night("2024-05-01")));
    assertTrue(cluster.exists(night("2024-05-02")));
    List<?> trend = (List<?>) summary.get("trend");
    assertEquals(List.of("2024-05-02", "2024-05-03"), stages(Map.of("stages", trend), "date"));
    assertEquals(List.of(false, true), stages(Map.of("stages", trend), "flagged"));
  }

  /**
   * A copy of a checkpoint whose last convolution is zeroed: every image gets the same descriptor,
   * and no gradient repairs it.
   */
  private static String damagedCopyOf(String checkpoint) throws Exception {
    FileSystem fs = cluster.fs();
    MultiLayerNetwork net = NightlyCluster.model(fs, checkpoint);
    net.getLayer(Networks.featureLayerIndex(net)).params().assign(0);
    String damaged = cluster.hdfs("/damaged-model");
    try (var out = fs.create(new org.apache.hadoop.fs.Path(damaged + "/model.zip"))) {
      ModelSerializer.writeModel(net, out, false);
    }
    org.apache.hadoop.fs.FileUtil.copy(
        fs,
        new org.apache.hadoop.fs.Path(checkpoint + "/checkpoint.json"),
        fs,
        new org.apache.hadoop.fs.Path(damaged + "/checkpoint.json"),
        false,
        fs.getConf());
    return damaged;
  }

  @Test
  @Order(5)
  void aFullQuotaFailsANightNamingThePlaceAndLeavesThePreviousNightsAndCurrent() throws Exception {
    var fs = cluster.hdfs.getFileSystem();
    org.apache.hadoop.fs.Path runs = new org.apache.hadoop.fs.Path(root + "/runs");
    Map<String, Long> before = listing(night("2024-05-02"));
    long used = fs.getContentSummary(runs).getSpaceConsumed();
    // room for 12 MB: the night starts (the plan and each stage's record are small files) and its
    // disk fills up on the way
    fs.setQuota(runs, HdfsConstants.QUOTA_DONT_SET, used + (12L << 20));
    NightlyCluster.Result r;
    try {
      // a block being written reserves its whole size times its replicas: 1 MB blocks, one replica,
      // so the small files fit
      r =
          cluster.run(
              "night4-quota",
              cluster.spark.url(),
              List.of(
                  "--conf",
                  "spark.hadoop.dfs.blocksize=1048576",
                  "--conf",
                  "spark.hadoop.dfs.replication=1"),
              root,
              "2024-05-04",
              manifest(),
              city,
              List.of());
    } finally {
      fs.setQuota(runs, HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
    }
    System.out.printf(
        "night 4 on a full quota: exit %d in %.1f s: %s%n", r.exit(), r.seconds(), r.lastLine());
    assertEquals(3, r.exit(), r.stderr());
    assertTrue(
        r.lastLine().startsWith("nightly: error: I/O failure ")
            && r.lastLine().contains(" " + night("2024-05-04"))
            && r.lastLine()
                .contains(
                    "DSQuotaExceededException: The DiskSpace quota of /nightly/runs is exceeded"),
        r.lastLine());
    assertEquals("runs/2024-05-02\n", cluster.readHdfs(root + "/current"));
    assertEquals(before, listing(night("2024-05-02")), "the last good night is as it was");
    assertFalse(cluster.exists(night("2024-05-04") + "/summary/nightly.json"));
  }

  @Test
  @Order(6)
  void theSecretIsOnNoCommandLineAndInNoOutputAndAuthenticationWasOn() throws Exception {
    assertEquals(
        List.of(), cluster.filesContaining("/", cluster.secret), "HDFS: runs, summaries, models");
    List<Path> leaks = new ArrayList<>();
    try (Stream<Path> files = Files.walk(work)) {
      for (Path p :
          files
              .filter(Files::isRegularFile)
              .filter(p -> !p.startsWith(work.resolve("hdfs")))
              .toList()) {
        if (!p.equals(cluster.secretFile)
            && !p.getFileName().toString().equals("spark-daemons.conf")
            && new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains(cluster.secret)) {
          leaks.add(p);
        }
      }
    }
    assertEquals(
        List.of(),
        leaks,
        "logs of the master, workers, executors and the nightlies, local outputs");
    assertTrue(
        Files.readString(work.resolve("cluster/master.log")).contains("authentication enabled"));
    try (Stream<Path> files = Files.walk(work.resolve("cluster/work-0"))) {
      Path executorLog =
          files.filter(p -> p.getFileName().toString().equals("stderr")).findFirst().orElseThrow();
      String log = Files.readString(executorLog);
      assertTrue(log.contains("authentication enabled"), executorLog.toString());
      assertTrue(
          log.contains("spark.authenticate.secret=*********(redacted)")
              || !log.contains("spark.authenticate.secret"),
          executorLog.toString());
    }
  }

  /** The faults that take long run with -Dnightly.faults=true. */
  private static void faultsAsked() {
    Assumptions.assumeTrue(
        Boolean.getBoolean("nightly.faults"), "the fault matrix runs with -Dnightly.faults=true");
  }

  @Test
  @Order(7)
  void aWorkerKilledDuringTrainingCostsTimeNotTheModel() throws Exception {
    faultsAsked();
    String faultRoot = cluster.hdfs("/faults/worker");
    long t = System.nanoTime();
    Process p =
        cluster.start(
            "fault-worker",
            cluster.spark.url(),
            faultRoot,
            "2024-05-01",
            manifest(),
            city,
            List.of());
    cluster.awaitLine("fault-worker", p, "epoch 1: training on");
    List<ProcessHandle> executors = cluster.spark.worker(1).descendants().toList();
    cluster.spark.killWorker(
        1); // SIGKILL: its executor loses its worker and ends, its tasks are lost
    NightlyCluster.Result r = cluster.finish("fault-worker", p, t);
    executors.forEach(ProcessHandle::destroyForcibly); // only if the executor outlived its worker
    cluster.spark.addWorker();
    System.out.printf(
        "worker killed in epoch 1: exit %d in %.1f s; executor of the killed worker alive after the"
            + " night: %s%n",
        r.exit(), r.seconds(), executors.stream().anyMatch(ProcessHandle::isAlive));
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(
        r.stderr().contains("Lost executor")
            || r.stderr().contains("ExecutorLostFailure")
            || r.stderr().contains("lost"),
        "Spark noticed the loss:\n" + r.stderr());
    float[] params =
        NightlyCluster.model(cluster.fs(), faultRoot + "/runs/2024-05-01/model/epoch=1")
            .params()
            .data()
            .asFloat();
    // the lost tasks ran again on the other worker from the same inputs: the same averaged model as
    // without the fault
    assertArrayEquals(referenceParams, params);
    assertEquals(referenceRecall, r.summary().get("recall_at_tonight"));
  }

  @Test
  @Order(8)
  void theDriverKilledDuringTrainingIsFinishedByTheSameCommandFromTheLastCheckpoint()
      throws Exception {
    faultsAsked();
    String faultRoot = cluster.hdfs("/faults/driver-training");
    String run = faultRoot + "/runs/2024-05-01";
    nightKilledAt("fault-driver-training", faultRoot, "epoch 1: training on");
    assertTrue(cluster.exists(run + "/model/epoch=0/checkpoint.json"), "epoch 0 was checkpointed");
    for (String unfinished :
        List.of("/model/epoch=1", "/summary/train-netvlad.json", "/summary/nightly.json")) {
      assertFalse(cluster.exists(run + unfinished), unfinished);
    }
    assertFalse(cluster.exists(faultRoot + "/current"));

    NightlyCluster.Result again =
        cluster.run(
            "fault-driver-training-again",
            cluster.spark.url(),
            faultRoot,
            "2024-05-01",
            manifest(),
            city,
            List.of());
    assertEquals(0, again.exit(), again.stderr());
    assertTrue(
        again.stderr().contains("taking over the lock on " + faultRoot + " of nightly"),
        again.stderr());
    assertTrue(
        again.stderr().contains("resuming from checkpoint " + run + "/model/epoch=0"),
        again.stderr());
    assertEquals(
        List.of("finished in an earlier attempt", "resumed from a checkpoint", "ran"),
        stages(again.summary(), "status"));
    assertArrayEquals(
        referenceParams,
        NightlyCluster.model(cluster.fs(), run + "/model/epoch=1").params().data().asFloat());
    assertEquals(referenceRecall, again.summary().get("recall_at_tonight"));
    assertEquals("runs/2024-05-01\n", cluster.readHdfs(faultRoot + "/current"));
  }

  @Test
  @Order(9)
  void theDriverKilledDuringEvaluationIsFinishedByTheSameCommandWithoutReadingHalfAnEvaluation()
      throws Exception {
    faultsAsked();
    String faultRoot = cluster.hdfs("/faults/driver-evaluation");
    String run = faultRoot + "/runs/2024-05-01";
    // descriptors written to its staging folder, not committed
    nightKilledAt("fault-driver-evaluation", faultRoot, "PCA whitening fitted");
    assertTrue(cluster.exists(run + "/_staging"), "the evaluation had begun writing");
    for (String unfinished :
        List.of(
            "/summary/extract-and-evaluate.json",
            "/evaluation",
            "/descriptors",
            "/summary/nightly.json")) {
      assertFalse(cluster.exists(run + unfinished), unfinished);
    }
    NightlyCluster.Result again =
        cluster.run(
            "fault-driver-evaluation-again",
            cluster.spark.url(),
            faultRoot,
            "2024-05-01",
            manifest(),
            city,
            List.of());
    assertEquals(0, again.exit(), again.stderr());
    assertEquals(
        List.of("finished in an earlier attempt", "finished in an earlier attempt", "ran"),
        stages(again.summary(), "status"));
    assertEquals(referenceRecall, again.summary().get("recall_at_tonight"));
    assertFalse(cluster.exists(run + "/_staging"), "the dead attempt's staging folder is gone");
  }

  @Test
  @Order(10)
  void aNightThatFailedOnAFullQuotaFinishesWhenStartedAgainWithRoom() throws Exception {
    faultsAsked();
    NightlyCluster.Result again =
        cluster.run(
            "night4-again",
            cluster.spark.url(),
            root,
            "2024-05-04",
            manifest(),
            city,
            List.of("nightly.max-recall-drop=1"));
    assertEquals(0, again.exit(), again.stderr());
    assertEquals("2024-05-02", again.summary().get("last_good_night"));
    assertEquals("runs/2024-05-04\n", cluster.readHdfs(root + "/current"));
  }

  @Test
  @Order(11)
  void aRootTheUserMayNotWriteIsRefusedNamingIt() throws Exception {
    faultsAsked();
    Map<String, Long> before = listing(root);
    long t = System.nanoTime();
    Process p =
        cluster.start(
            "unwritable",
            cluster.spark.url(),
            List.of(),
            root,
            "2024-05-05",
            manifest(),
            city,
            List.of(),
            Map.of("HADOOP_USER_NAME", "bob"));
    NightlyCluster.Result r = cluster.finish("unwritable", p, t);
    System.out.printf(
        "a root bob may not write: exit %d in %.1f s: %s%n", r.exit(), r.seconds(), r.lastLine());
    assertEquals(3, r.exit(), r.stderr());
    assertTrue(
        r.lastLine()
            .startsWith(
                "nightly: error: I/O failure locking "
                    + root
                    + ": AccessControlException: Permission denied: user=bob,"
                    + " access=WRITE"),
        r.lastLine());
    assertEquals(before, listing(root));
  }

  /**
   * Starts night 2024-05-01 on {@code faultRoot} and kills its driver once its progress shows
   * {@code line}.
   */
  private static void nightKilledAt(String name, String faultRoot, String line) throws Exception {
    Process p =
        cluster.start(
            name, cluster.spark.url(), faultRoot, "2024-05-01", manifest(), city, List.of());
    cluster.awaitLine(name, p, line);
    killDriver(p);
  }

  /**
   * Kills the driver (the spark-submit JVM the script became) with SIGKILL, as a lost machine or
   * the OOM killer would.
   */
  private static void killDriver(Process p) throws Exception {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    assertTrue(p.waitFor(1, java.util.concurrent.TimeUnit.MINUTES));
  }

  private static List<Object> stages(Map<String, Object> summary, String key) {
    List<Object> out = new ArrayList<>();
    for (Object stage : (List<?>) summary.get("stages")) {
      out.add(((Map<?, ?>) stage).get(key));
    }
    return out;
  }

  /** Each epoch's loss and validation Recall@N from a training summary (not its timings). */
  @SuppressWarnings("unchecked")
  private static List<String> lossAndRecall(Map<String, Object> trainSummary) {
    return ((List<Map<String, Object>>) trainSummary.get("history"))
        .stream()
            .map(
                row ->
                    row.get("epoch")
                        + ": loss "
                        + row.get("loss")
                        + ", recall "
                        + row.get("recall_at"))
            .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> historyRow(Map<String, Object> trainSummary, int epoch) {
    for (Map<String, Object> row : (List<Map<String, Object>>) trainSummary.get("history")) {
      if (((Number) row.get("epoch")).intValue() == epoch) {
        return row;
      }
    }
    throw new AssertionError("no epoch " + epoch + " in " + trainSummary.get("history"));
  }

  /** A Parquet table's rows as text, sorted: the same rows in any order and partitioning. */
  private static List<String> rows(String table) {
    return spark.read().parquet(table).collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  /** Every file under a folder with its length and modification time. */
  private static Map<String, Long> listing(String folder) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    var files = cluster.fs().listFiles(new org.apache.hadoop.fs.Path(folder), true);
    while (files.hasNext()) {
      var f = files.next();
      out.put(f.getPath() + " " + f.getLen(), f.getModificationTime());
    }
    return out;
  }
}
