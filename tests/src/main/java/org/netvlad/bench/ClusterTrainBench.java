package org.netvlad.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.netvlad.cluster.StandaloneCluster;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.cli.JobMain;

/**
 * {@code submit/bench train-cluster [IMAGES...]}: the driver's memory of train-netvlad on a Spark
 * standalone cluster (a master and a worker with 2 cores, separate JVMs on loopback), for rendered
 * cities of different sizes (default 1,000 and 4,000 images). The job runs through {@code
 * submit/train-netvlad --master spark://...} in client mode, so the driver is a JVM of its own: the
 * figures are its heap after a full collection at the end of each epoch and its peaks.
 */
public final class ClusterTrainBench {
  private ClusterTrainBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000, 4_000);
    }
    List<String> lines = new ArrayList<>();
    try (StandaloneCluster cluster =
        StandaloneCluster.start(root, 2, "6g", root.resolve("tests/target/bench-cluster/logs"))) {
      System.err.println("bench: standalone cluster at " + cluster.url());
      for (int images : sizes) {
        Path run = root.resolve("tests/target/bench-cluster/city-" + images);
        prepare(run, images);
        Path log = root.resolve("tests/target/bench-cluster/train-" + images + ".log");
        List<String> command =
            new ArrayList<>(
                List.of(
                    "bash",
                    root.resolve("submit/train-netvlad").toString(),
                    "--master",
                    cluster.url(),
                    "--total-executor-cores",
                    "2",
                    "--executor-memory",
                    "3g",
                    "--",
                    "--run",
                    run.toUri().toString(),
                    "--overwrite"));
        for (String s :
            List.of(
                "model.width-px=64",
                "model.height-px=48",
                "model.init-images=200",
                "train.epochs=2",
                "train.max-queries-per-epoch=40",
                "train.optimizer=adam")) {
          command.addAll(List.of("--set", s));
        }
        ProcessBuilder pb =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("NETVLAD_DRIVER_MEMORY", "1g");
        long t = System.nanoTime();
        int exit = pb.start().waitFor();
        if (exit != 0) {
          throw new IllegalStateException(
              "train-netvlad on the cluster failed (exit " + exit + "); see " + log);
        }
        Map<String, Object> summary =
            JobMain.fromJson(Files.readString(run.resolve("summary/train-netvlad.json")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> history = (List<Map<String, Object>>) summary.get("history");
        StringBuilder heaps = new StringBuilder();
        for (Map<String, Object> row : history) {
          heaps.append(
              String.format(
                  Locale.ROOT,
                  " epoch %s %.0f MB;",
                  row.get("epoch"),
                  ((Number) row.get("driver_heap_mb")).doubleValue()));
        }
        lines.add(
            String.format(
                Locale.ROOT,
                "train-netvlad on a standalone cluster, %,d images (%s train database images, %s"
                    + " train queries), %.0f s: driver heap after GC:%s driver peaks %s",
                images,
                summary.get("train_database_images"),
                summary.get("train_queries"),
                (System.nanoTime() - t) / 1e9,
                heaps,
                summary.get("driver_memory")));
        System.err.println("bench: " + lines.get(lines.size() - 1));
      }
    }
    lines.forEach(System.out::println);
  }

  /** Renders and mines a city in this JVM (local mode) unless a previous run left it. */
  private static void prepare(Path run, int images) {
    if (Files.exists(run.resolve("summary/mine-tuples.json"))) {
      return;
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("cluster bench data")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .getOrCreate();
    String uri = run.toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            uri,
            null,
            PipelineConfig.load(
                "",
                "bench",
                List.of("render.images=" + images, "render.width-px=64", "render.height-px=48")),
            false));
    MineTuplesJob.run(
        spark,
        new MineTuplesJob.Config(
            uri,
            List.of(uri + "/city/manifest.csv"),
            uri + "/city",
            PipelineConfig.load("", "bench", List.of()),
            false));
    spark.stop();
  }
}
