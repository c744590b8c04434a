package org.netvlad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.netvlad.common.data.Role;
import org.netvlad.common.layout.StreetLayout;
import org.netvlad.common.mining.MiningParams;
import org.netvlad.common.mining.QueryTuple;
import org.netvlad.common.mining.SitePoint;
import org.netvlad.common.mining.TupleMiner;
import org.netvlad.jobs.cli.JobMain;

/**
 * {@code submit/bench mining}: the mine-tuples job in local[2] against a plain single-threaded
 * in-process grid search over the same points, at fixed density (2,500 panoramas per km², about 20
 * x 20 km per million).
 *
 * <p>For each size it renders a street layout to a Parquet manifest (not timed), runs the
 * single-threaded baseline in this JVM, then the Spark floor of the mining phase ({@link
 * #sparkFloor}), then runs {@code submit/mine-tuples --master local[2]} as a separate process with
 * a fixed driver heap, in turns with the Python peer (a warm-up round, then {@code -Dbench.rounds},
 * default 3), and prints the medians, their ratios and the job's peak memory.
 */
public final class MiningBench {
  private static final double EASTING0 = 540_000;
  private static final double NORTHING0 = 4_440_000;
  private static final double PANORAMAS_PER_KM2 = 2_500;

  private MiningBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    Path work =
        Path.of(
            System.getProperty("bench.dir", root.resolve("tests/target/bench-mining").toString()));
    String jobHeap = System.getProperty("bench.job.heap", "3g");
    List<Long> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Long.parseLong(a.replace("_", "").replace(",", "")));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1_000_000L, 4_000_000L);
    }
    String python = PythonPeer.find("scipy, pyarrow");
    List<String> peerLines = new ArrayList<>();
    List<String> report = new ArrayList<>();
    report.add(
        String.format(
            Locale.ROOT,
            "%-10s %-11s %12s %12s %12s %12s %10s %10s %11s %12s %12s",
            "panoramas",
            "area_km",
            "baseline_s",
            "floor_s",
            "job_mine_s",
            "job_total_s",
            "mine/base",
            "total/base",
            "floor/base",
            "peak_heap_mb",
            "peak_rss_mb"));
    for (long size : sizes) {
      double sideM = Math.sqrt(size / PANORAMAS_PER_KM2) * 1000;
      StreetLayout layout = StreetLayout.sizedFor(size, sideM, sideM, 12, 1);
      Path manifest = work.resolve("layout-" + size + ".parquet");
      long images = generate(layout, manifest);
      double baselineS = baseline(layout);
      double floorS = sparkFloor(manifest, work.resolve("floor-" + size));
      Path run = work.resolve("run-" + size);
      Rounds rounds = new Rounds();
      // Round 0 warms both up (page cache; the job's first local run records its class-data
      // archive, submit/lib/common.sh) and is not counted; then job and peer take turns.
      for (int round = 0; round <= ROUNDS; round++) {
        long t0 = System.nanoTime();
        runJob(root, manifest, run, jobHeap);
        double jobWallS = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> summary =
            JobMain.fromJson(Files.readString(run.resolve("summary/mine-tuples.json")));
        Map<String, Double> peer =
            python == null
                ? null
                : runPeer(python, manifest, work.resolve("peer-" + size), summary);
        if (round > 0) {
          rounds.add(jobWallS, summary, peer);
        }
      }
      Map<String, Object> summary = rounds.lastSummary;
      @SuppressWarnings("unchecked")
      Map<String, Object> memory = (Map<String, Object>) summary.get("driver_memory");
      double jobWallS = rounds.median("job_wall_s");
      double mineS = rounds.median("job_mining_s");
      report.add(
          String.format(
              Locale.ROOT,
              "%-10d %-11s %12.2f %12.2f %12.2f %12.2f %10.2f %10.2f %11.2f %12s %12s",
              images,
              String.format(Locale.ROOT, "%.0fx%.0f", sideM / 1000, sideM / 1000),
              baselineS,
              floorS,
              mineS,
              jobWallS,
              mineS / baselineS,
              jobWallS / baselineS,
              floorS / baselineS,
              memory.get("peak_heap_mb"),
              memory.get("peak_rss_mb")));
      System.err.println(report.get(0) + "\n" + report.get(report.size() - 1));
      if (python != null) {
        peerLines.add(peerLine(images, summary, rounds));
      }
    }
    System.out.println(BenchMachine.describe());
    System.out.println(
        "mining benchmark: local[2] job (driver heap "
            + jobHeap
            + ", median of "
            + ROUNDS
            + " rounds after a warm-up, interleaved with the python peer's) vs single-threaded"
            + " in-process grid search; floor: the mining phase's Spark work without the mining"
            + " (count by split and role, write the panoramas), best of "
            + FLOOR_RUNS
            + " in a warm local[2] session");
    report.forEach(System.out::println);
    if (python == null) {
      System.out.println(
          "python peer: not measured (no python3 with scipy and pyarrow; set"
              + " NETVLAD_TORCH_PYTHON)");
    } else {
      System.out.println(
          "python peer (tests/bench/mining_peer.py: pyarrow + scipy cKDTree, one thread, same"
              + " manifest, same tuples; whole processes, start-up included):");
      peerLines.forEach(System.out::println);
    }
  }

  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

  /** The timed rounds of one size: each figure's values, and the last job summary. */
  private static final class Rounds {
    final Map<String, List<Double>> values = new java.util.TreeMap<>();
    Map<String, Object> lastSummary;

    void add(double jobWallS, Map<String, Object> summary, Map<String, Double> peer) {
      @SuppressWarnings("unchecked")
      Map<String, Object> timings = (Map<String, Object>) summary.get("timings_ms");
      put("job_wall_s", jobWallS);
      put("job_ingest_s", ((Number) timings.get("ingest")).doubleValue() / 1000);
      put("job_mining_s", ((Number) timings.get("mining")).doubleValue() / 1000);
      if (peer != null) {
        put("peer_wall_s", peer.get("wall_s"));
        put("peer_read_s", peer.get("read_s"));
        put("peer_mine_s", peer.get("mine_s") + peer.get("write_s"));
        put("ratio_wall", jobWallS / peer.get("wall_s"));
      }
      lastSummary = summary;
    }

    private void put(String key, double value) {
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    double median(String key) {
      return ModelBench.medianOf(values.get(key));
    }
  }

  /**
   * Runs the Python peer on the manifest and checks that its counts equal the job's summary;
   * returns its phases and its whole-process wall time ({@code wall_s}).
   */
  private static Map<String, Double> runPeer(
      String python, Path manifest, Path out, Map<String, Object> summary) throws Exception {
    long t0 = System.nanoTime();
    Map<String, Double> peer =
        new java.util.HashMap<>(
            PythonPeer.run(
                PythonPeer.script(
                    python, "mining_peer.py", 1, manifest.toString(), out.toString())));
    peer.put("wall_s", (System.nanoTime() - t0) / 1e9);
    if (!peer.containsKey("queries_in")) {
      throw new IllegalStateException("the python peer failed on " + manifest);
    }
    for (String key :
        List.of(
            "queries_in",
            "queries_kept",
            "pairs_within_positive_radius",
            "pairs_within_negative_radius")) {
      long job = ((Number) summary.get(key)).longValue();
      long theirs = peer.get(key).longValue();
      if (job != theirs) {
        throw new IllegalStateException(
            key
                + ": the job counted "
                + job
                + ", the python peer "
                + theirs
                + " ("
                + manifest
                + ")");
      }
    }
    return peer;
  }

  /**
   * A line of the whole-process times and phases, medians over the rounds, with the job / peer
   * ratios.
   */
  private static String peerLine(long images, Map<String, Object> summary, Rounds r) {
    return String.format(
        Locale.ROOT,
        "  %,d panoramas, counts equal (%,d pairs <= 10 m, %,d <= 25 m): whole process job %.1f s /"
            + " peer %.1f s = %.1fx (median of the rounds' ratios %.2fx, rounds %s); ingest %.1f s"
            + " / peer read %.2f s = %.1fx; mining %.1f s / peer mine + write %.2f s = %.1fx",
        images,
        ((Number) summary.get("pairs_within_positive_radius")).longValue(),
        ((Number) summary.get("pairs_within_negative_radius")).longValue(),
        r.median("job_wall_s"),
        r.median("peer_wall_s"),
        r.median("job_wall_s") / r.median("peer_wall_s"),
        r.median("ratio_wall"),
        rounded(r.values.get("ratio_wall")),
        r.median("job_ingest_s"),
        r.median("peer_read_s"),
        r.median("job_ingest_s") / r.median("peer_read_s"),
        r.median("job_mining_s"),
        r.median("peer_mine_s"),
        r.median("job_mining_s") / r.median("peer_mine_s"));
  }

  private static String rounded(List<Double> values) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList().toString();
  }

  static final StructType MANIFEST =
      new StructType()
          .add("image_id", DataTypes.StringType)
          .add("path", DataTypes.StringType)
          .add("utm_easting", DataTypes.DoubleType)
          .add("utm_northing", DataTypes.DoubleType)
          .add("utm_zone", DataTypes.StringType)
          .add("role", DataTypes.StringType)
          .add("split", DataTypes.StringType)
          .add("captured_at", DataTypes.DateType);

  /** A local[2] session on loopback without a UI. */
  private static SparkSession localSession(String name) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(name)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /**
   * The bench manifest of about {@code size} panoramas under {@code work}, written unless there.
   */
  static Path manifestFor(Path work, long size) {
    Path manifest = work.resolve("layout-" + size + ".parquet");
    if (!Files.exists(manifest.resolve("_SUCCESS"))) {
      double sideM = Math.sqrt(size / PANORAMAS_PER_KM2) * 1000;
      generate(StreetLayout.sizedFor(size, sideM, sideM, 12, 1), manifest);
    }
    return manifest;
  }

  /** Writes the layout as a Parquet manifest (UTM 17T), in parallel over streets. */
  static long generate(StreetLayout layout, Path out) {
    SparkSession spark = localSession("bench-layout");
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Integer> streets = IntStream.range(0, layout.streetCount()).boxed().toList();
      var rows =
          sc.parallelize(streets, Math.max(2, streets.size() / 50))
              .flatMap(
                  s -> {
                    List<Row> r = new ArrayList<>();
                    for (StreetLayout.LayoutImage i : layout.street(s)) {
                      r.add(
                          RowFactory.create(
                              i.imageId(),
                              i.imageId() + ".jpg",
                              EASTING0 + i.eastM(),
                              NORTHING0 + i.northM(),
                              "17T",
                              i.role().text(),
                              i.split().text(),
                              Date.valueOf(i.capturedAt())));
                    }
                    return r.iterator();
                  });
      var df = spark.createDataFrame(rows, MANIFEST);
      df.write().mode(SaveMode.Overwrite).parquet(out.toString());
      return spark.read().parquet(out.toString()).count();
    } finally {
      spark.stop();
    }
  }

  private static final int FLOOR_RUNS = 3;

  /**
   * Seconds of the Spark work the job's mining phase does besides mining, at best: over panoramas
   * already cached in memory (the job persists them at ingest), count them by split and role and
   * write them as Parquet (as many rows as the job writes tuples, give or take the database rows).
   * No job that writes its output in Spark can mine faster than this.
   */
  static double sparkFloor(Path manifest, Path out) {
    SparkSession spark = localSession("bench-floor");
    try {
      var panoramas = spark.read().parquet(manifest.toString()).persist();
      panoramas.count();
      double best = Double.POSITIVE_INFINITY;
      for (int run = 0; run < FLOOR_RUNS; run++) {
        long t0 = System.nanoTime();
        panoramas.groupBy("split", "role").count().collectAsList();
        panoramas
            .write()
            .mode(SaveMode.Overwrite)
            .option("parquet.enable.dictionary", "false")
            .partitionBy("split")
            .parquet(out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "floor run %d: %.2f s%n", run + 1, seconds);
        best = Math.min(best, seconds);
      }
      return best;
    } finally {
      spark.stop();
    }
  }

  /** Runs of the baseline; the median counts (one run alone swings widely on a shared machine). */
  private static final int BASELINE_RUNS = 3;

  /** Median seconds of a single-threaded exact grid search over the same points, split by split. */
  static double baseline(StreetLayout layout) {
    Map<String, List<SitePoint>> db = new HashMap<>();
    Map<String, List<SitePoint>> queries = new HashMap<>();
    for (int s = 0; s < layout.streetCount(); s++) {
      for (StreetLayout.LayoutImage i : layout.street(s)) {
        String split = i.split().text();
        boolean isQuery = i.role() == Role.QUERY;
        List<SitePoint> list =
            (isQuery ? queries : db).computeIfAbsent(split, k -> new ArrayList<>());
        list.add(
            new SitePoint(
                i.imageId(),
                isQuery ? -1 : list.size(),
                EASTING0 + i.eastM(),
                NORTHING0 + i.northM(),
                (int) i.capturedAt().toEpochDay()));
      }
    }
    TupleMiner miner = new TupleMiner(new MiningParams(10, 25, false));
    double[] seconds = new double[BASELINE_RUNS];
    for (int run = 0; run < BASELINE_RUNS; run++) {
      long kept = 0;
      long t0 = System.nanoTime();
      for (String split : queries.keySet()) {
        for (QueryTuple t : miner.mine(db.getOrDefault(split, List.of()), queries.get(split))) {
          kept += t.hasPositive() ? 1 : 0;
        }
      }
      seconds[run] = (System.nanoTime() - t0) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "baseline run %d: %,d queries kept in %.2f s%n",
          run + 1,
          kept,
          seconds[run]);
    }
    java.util.Arrays.sort(seconds);
    return seconds[BASELINE_RUNS / 2];
  }

  static void runJob(Path root, Path manifest, Path run, String heap)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                root.resolve("submit/mine-tuples").toString(),
                "--master",
                "local[2]",
                "--",
                "--run",
                run.toString(),
                "--input",
                manifest.toString(),
                "--overwrite")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("NETVLAD_DRIVER_MEMORY", heap);
    Process p = pb.start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("mine-tuples failed with exit code " + p.exitValue());
    }
  }
}
