package org.netvlad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.netvlad.cluster.StandaloneCluster;
import org.netvlad.jobs.cli.JobMain;

/**
 * {@code submit/bench mine-cluster [PANORAMAS...]}: mine-tuples on a Spark standalone cluster of 2
 * workers with 1 core each (separate JVMs on loopback), each executor with a fixed heap, on the
 * mining benchmark's manifests (default 1M and 4M panoramas at the same density). From the event
 * log: each executor's peaks (JVM heap used, process RSS, Spark's storage and execution memory,
 * polled every 100 ms), the largest task's peak execution memory, tasks, and shuffle bytes per
 * panorama: the figures that say whether an executor's memory grows with the input.
 */
public final class ClusterMiningBench {
  private static final String EXECUTOR_MEMORY = System.getProperty("bench.executor.memory", "1g");

  private ClusterMiningBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    Path work = root.resolve("tests/target/bench-mining");
    List<Long> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Long.parseLong(a.replace("_", "").replace(",", "")));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000_000L, 4_000_000L);
    }
    List<String> lines = new ArrayList<>();
    StandaloneCluster.Options options = new StandaloneCluster.Options(2, 1, "3g", null);
    try (StandaloneCluster cluster =
        StandaloneCluster.start(root, options, work.resolve("cluster-logs"))) {
      System.err.println("bench: standalone cluster at " + cluster.url());
      for (long size : sizes) {
        Path manifest = MiningBench.manifestFor(work, size);
        Path run = work.resolve("cluster-run-" + size);
        Path events = Files.createDirectories(work.resolve("cluster-events-" + size));
        try (Stream<Path> old = Files.list(events)) {
          for (Path f : old.toList()) {
            Files.delete(f);
          }
        }
        long t0 = System.nanoTime();
        runJob(
            root, cluster.url(), manifest, run, events, work.resolve("cluster-" + size + ".log"));
        double wallS = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> summary =
            JobMain.fromJson(Files.readString(run.resolve("summary/mine-tuples.json")));
        long panoramas = ((Number) summary.get("rows_accepted")).longValue();
        lines.add(describe(size, panoramas, wallS, EventLog.read(onlyFile(events))));
        System.err.println("bench: " + lines.get(lines.size() - 1));
      }
    }
    System.out.println(BenchMachine.describe());
    System.out.println(
        "mine-tuples on a standalone cluster: 2 workers x 1 core, executor heap "
            + EXECUTOR_MEMORY
            + ", driver 1g");
    lines.forEach(System.out::println);
  }

  private static void runJob(
      Path root, String master, Path manifest, Path run, Path events, Path log)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                root.resolve("submit/mine-tuples").toString(),
                "--master",
                master,
                "--total-executor-cores",
                "2",
                "--executor-cores",
                "1",
                "--executor-memory",
                EXECUTOR_MEMORY,
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.dir=" + events.toUri(),
                "--conf",
                "spark.eventLog.logStageExecutorMetrics=true",
                "--conf",
                "spark.executor.processTreeMetrics.enabled=true",
                "--conf",
                "spark.executor.metrics.pollingInterval=100ms",
                "--",
                "--run",
                run.toUri().toString(),
                "--input",
                manifest.toUri().toString(),
                "--overwrite"));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("NETVLAD_DRIVER_MEMORY", "1g");
    int exit = pb.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException(
          "mine-tuples on the cluster failed (exit " + exit + "); see " + log);
    }
  }

  private static Path onlyFile(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> all = files.toList();
      if (all.size() != 1) {
        throw new IllegalStateException("expected one event log in " + folder + ", found " + all);
      }
      return all.get(0);
    }
  }

  private static String describe(long size, long panoramas, double wallS, EventLog e) {
    StringBuilder executors = new StringBuilder();
    e.peaksByExecutor.forEach(
        (id, peaks) ->
            executors.append(
                String.format(
                    Locale.ROOT,
                    " executor %s: heap used %.0f MB, RSS %.0f MB, storage %.0f MB, execution %.0f"
                        + " MB;",
                    id,
                    mb(peaks.get("JVMHeapMemory")),
                    mb(peaks.get("ProcessTreeJVMRSSMemory")),
                    mb(peaks.get("OnHeapStorageMemory")),
                    mb(peaks.get("OnHeapExecutionMemory")))));
    return String.format(
        Locale.ROOT,
        "%,d panoramas (%,d accepted): %.1f s, %d tasks, largest task's execution memory %.0f MB,"
            + " shuffle written %.1f bytes per panorama, spilled to disk %.0f MB;%s",
        size,
        panoramas,
        wallS,
        e.tasks,
        mb(e.largestTaskExecutionBytes),
        (double) e.shuffleWrittenBytes / panoramas,
        mb(e.diskSpilledBytes),
        executors);
  }

  private static double mb(Long bytes) {
    return bytes == null ? Double.NaN : bytes / 1048576.0;
  }

  /** The figures read from one application's event log. */
  static final class EventLog {
    final Map<String, Map<String, Long>> peaksByExecutor = new TreeMap<>();
    long tasks;
    long largestTaskExecutionBytes;
    long shuffleWrittenBytes;
    long diskSpilledBytes;

    @SuppressWarnings("unchecked")
    static EventLog read(Path file) throws IOException {
      EventLog log = new EventLog();
      for (String line : Files.readAllLines(file)) {
        Map<String, Object> event = JobMain.fromJson(line);
        String type = (String) event.get("Event");
        if ("SparkListenerStageExecutorMetrics".equals(type)
            && !"driver".equals(event.get("Executor ID"))) {
          Map<String, Long> peaks =
              log.peaksByExecutor.computeIfAbsent(
                  (String) event.get("Executor ID"), k -> new TreeMap<>());
          ((Map<String, Object>) event.get("Executor Metrics"))
              .forEach((k, v) -> peaks.merge(k, ((Number) v).longValue(), Math::max));
        } else if ("SparkListenerTaskEnd".equals(type) && event.get("Task Metrics") != null) {
          Map<String, Object> m = (Map<String, Object>) event.get("Task Metrics");
          log.tasks++;
          log.largestTaskExecutionBytes =
              Math.max(
                  log.largestTaskExecutionBytes,
                  ((Number) m.get("Peak Execution Memory")).longValue());
          log.shuffleWrittenBytes +=
              ((Number)
                      ((Map<String, Object>) m.get("Shuffle Write Metrics"))
                          .get("Shuffle Bytes Written"))
                  .longValue();
          log.diskSpilledBytes += ((Number) m.get("Disk Bytes Spilled")).longValue();
        }
      }
      return log;
    }
  }
}
