package org.netvlad.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.netvlad.common.eval.RowMajorGemm;
import org.netvlad.common.hash.Hash;
import org.netvlad.jobs.descriptors.DistributedRecall;

/**
 * {@code submit/bench recall [DATABASE...]}: the exact distributed top-N join of
 * extract-and-evaluate (2,000 queries against D database descriptors of 4,096 dims, N = 20,
 * local[2]) side by side, in interleaved rounds ({@code -Dbench.rounds}, default 3), with
 *
 * <ul>
 *   <li>faiss {@code IndexFlatL2} and PyTorch matmul + top-k on 2 threads, same shape ({@code
 *       tests/bench/search_peer_bench.py}, when a Python with them is found);
 *   <li>the bare product [Q x dims] x [dims x D]: our direct BLAS call ({@link RowMajorGemm}),
 *       ND4J's {@code mmul}, and PyTorch's matmul, on the same 2 cores.
 * </ul>
 *
 * Prints seconds and effective GFLOP/s (2 Q D dims / seconds), the ratios join/faiss and
 * GEMM/PyTorch round by round and their medians, and the peak resident memory of the join. Default
 * D: 50,000 and 250,000 (Pittsburgh 250k scale). The database is cached before timing, as the job's
 * descriptors are.
 */
public final class RecallBench {
  private static final int QUERIES = Integer.getInteger("bench.queries", 2_000);
  private static final int DIMS = Integer.getInteger("bench.dims", 4_096);
  private static final int BLOCK_ROWS = Integer.getInteger("bench.block-rows", 2_048);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  private static final int N = 20;
  private static final int THREADS = 2;
  private static final int ROWS_PER_PARTITION = 2_048;

  private RecallBench() {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      sizes.add(Integer.parseInt(a));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(50_000, 250_000);
    }
    System.out.println(BenchMachine.describe());
    String python = PythonPeer.find("faiss");
    if (python == null) {
      python = PythonPeer.find("torch");
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + THREADS + "]")
            .appName("recall bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.kryo.registrator", "org.netvlad.jobs.cli.KryoRegistrations")
            .getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<DistributedRecall.Item> queries =
        items(sc, QUERIES, 1, 7).persist(StorageLevel.MEMORY_ONLY());
    queries.count();
    List<String> report = new ArrayList<>();
    for (int database : sizes) {
      report.addAll(measure(sc, queries, database, python));
    }
    spark.stop();
    System.out.println(
        "blas: "
            + Nd4j.factory().blas().getBlasVendor()
            + "; peers: "
            + (python == null
                ? "none found (pip install faiss-cpu torch; or set NETVLAD_TORCH_PYTHON)"
                : python));
    report.forEach(System.out::println);
  }

  private static List<String> measure(
      JavaSparkContext sc, JavaRDD<DistributedRecall.Item> queries, int database, String python)
      throws Exception {
    double flop = 2.0 * QUERIES * database * DIMS;
    // the database cached (deserialised when it fits: 50,000 x 4,096 floats are 0.8 GB)
    StorageLevel level =
        (long) database * DIMS * 4 <= 2L << 30
            ? StorageLevel.MEMORY_ONLY()
            : StorageLevel.MEMORY_AND_DISK_SER();
    JavaRDD<DistributedRecall.Item> db =
        items(sc, database, (database + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION, 11)
            .persist(level);
    db.count();
    joinSeconds(
        queries,
        db,
        DistributedRecall
            .BROADCAST_QUERY_BYTES); // warm-up: JIT, native libraries, the cache's first read
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    long joinPeakKb = 0;
    long pairwisePeakKb = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      resetPeakResident();
      seconds
          .computeIfAbsent("join", k -> new ArrayList<>())
          .add(joinSeconds(queries, db, DistributedRecall.BROADCAST_QUERY_BYTES));
      joinPeakKb = Math.max(joinPeakKb, peakResidentKb());
      resetPeakResident();
      seconds
          .computeIfAbsent("join_pairwise", k -> new ArrayList<>())
          .add(joinSeconds(queries, db, 0));
      pairwisePeakKb = Math.max(pairwisePeakKb, peakResidentKb());
      if (python != null) {
        Map<String, Double> peers =
            PythonPeer.run(
                PythonPeer.script(
                    python,
                    "search_peer_bench.py",
                    THREADS,
                    String.valueOf(QUERIES),
                    String.valueOf(database),
                    String.valueOf(DIMS),
                    String.valueOf(N),
                    String.valueOf(THREADS),
                    "1"));
        peers.forEach(
            (k, v) -> seconds.computeIfAbsent(k.replace("_s", ""), x -> new ArrayList<>()).add(v));
      }
      rawGemmSeconds(database)
          .forEach((k, v) -> seconds.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      System.err.printf(Locale.ROOT, "round %d, D %d: %s%n", round, database, lastOf(seconds));
    }
    db.unpersist(true);
    System.gc();

    List<String> out = new ArrayList<>();
    out.add(
        String.format(
            Locale.ROOT,
            "Q %d x D %d x %d dims, top-%d, %d threads, %s cache, medians of %d interleaved"
                + " rounds:",
            QUERIES,
            database,
            DIMS,
            N,
            THREADS,
            level == StorageLevel.MEMORY_ONLY() ? "in-memory" : "serialised",
            ROUNDS));
    for (Map.Entry<String, List<Double>> e : seconds.entrySet()) {
      double s = ModelBench.medianOf(e.getValue());
      out.add(
          String.format(
              Locale.ROOT, "  %-16s %7.2f s  %6.1f GFLOP/s", e.getKey(), s, flop / s / 1e9));
    }
    out.add(
        ratioLine("join / faiss IndexFlatL2 (speed)", seconds.get("faiss"), seconds.get("join")));
    out.add(
        ratioLine("join / PyTorch matmul + top-k", seconds.get("torch_topk"), seconds.get("join")));
    out.add(
        ratioLine(
            "join (queries broadcast) / join block against block",
            seconds.get("join_pairwise"),
            seconds.get("join")));
    out.add(
        ratioLine(
            "direct GEMM / PyTorch matmul", seconds.get("torch_gemm"), seconds.get("gemm_direct")));
    out.add(
        ratioLine(
            "ND4J mmul / PyTorch matmul",
            seconds.get("torch_gemm"),
            seconds.get("gemm_nd4j_mmul")));
    out.add(
        String.format(
            Locale.ROOT,
            "  peak resident memory of the process (heap %s, cache, off-heap) during the join: %.2f"
                + " GB (queries broadcast), %.2f GB (block against block)",
            Runtime.getRuntime().maxMemory() / (1L << 30) + " GB",
            joinPeakKb / 1048576.0,
            pairwisePeakKb / 1048576.0));
    return out;
  }

  /**
   * The join, broadcasting the queries when they fit in broadcastBytes, else block against block
   * (0: always).
   */
  private static double joinSeconds(
      JavaRDD<DistributedRecall.Item> queries,
      JavaRDD<DistributedRecall.Item> db,
      long broadcastBytes) {
    long t = System.nanoTime();
    long lists = DistributedRecall.topN(queries, db, N, 25, BLOCK_ROWS, broadcastBytes).count();
    if (lists != QUERIES) {
      throw new IllegalStateException(lists + " top lists for " + QUERIES + " queries");
    }
    return (System.nanoTime() - t) / 1e9;
  }

  /**
   * "name: speed ratio per round (median)", the speed of ours over the peer's; "not measured"
   * without the peer.
   */
  private static String ratioLine(String name, List<Double> peerSeconds, List<Double> ourSeconds) {
    if (peerSeconds == null || peerSeconds.size() != ourSeconds.size()) {
      return "  " + name + ": not measured";
    }
    List<Double> ratios = new ArrayList<>();
    StringBuilder rounds = new StringBuilder();
    for (int i = 0; i < ourSeconds.size(); i++) {
      ratios.add(peerSeconds.get(i) / ourSeconds.get(i));
      rounds.append(String.format(Locale.ROOT, " %.2f", ratios.get(i)));
    }
    return String.format(
        Locale.ROOT, "  %s: %.2fx (rounds:%s)", name, ModelBench.medianOf(ratios), rounds);
  }

  private static String lastOf(Map<String, List<Double>> seconds) {
    StringBuilder b = new StringBuilder();
    seconds.forEach(
        (k, v) -> b.append(String.format(Locale.ROOT, "%s %.2f s; ", k, v.get(v.size() - 1))));
    return b.toString();
  }

  /** Random unit-scale descriptors made where they live: row i of a seeded hash stream. */
  private static JavaRDD<DistributedRecall.Item> items(
      JavaSparkContext sc, int rows, int partitions, long seed) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    return sc.parallelize(parts, partitions)
        .flatMap(
            p -> {
              List<DistributedRecall.Item> out = new ArrayList<>();
              long from = (long) rows * p / partitions;
              long to = (long) rows * (p + 1) / partitions;
              for (long i = from; i < to; i++) {
                float[] d = new float[DIMS];
                for (int t = 0; t < DIMS; t++) {
                  d[t] = (float) (Hash.unit(Hash.of(seed, i, t)) - 0.5);
                }
                out.add(new DistributedRecall.Item(i, d, (i % 1000) * 10.0, (i / 1000) * 10.0));
              }
              return out.iterator();
            });
  }

  /**
   * [Q x dims] times [dims x D] on THREADS cores, best of two: seconds of the direct BLAS call and,
   * while x takes at most 1 GB (ND4J copies the transposed operand), of ND4J's mmul.
   */
  private static Map<String, Double> rawGemmSeconds(int database) {
    Map<String, Double> out = new LinkedHashMap<>();
    Nd4j.getEnvironment().setMaxThreads(THREADS);
    // OpenBLAS takes its threads from OMP_NUM_THREADS, which submit/ sets to 1 (one per Spark task
    // core): all cores for the baseline, then back for the next join's tasks.
    int blasThreads = Nd4j.factory().blas().getMaxThreads();
    Nd4j.factory().blas().setMaxThreads(THREADS);
    try (INDArray q = Nd4j.rand(DataType.FLOAT, QUERIES, DIMS);
        INDArray x = Nd4j.rand(DataType.FLOAT, database, DIMS);
        INDArray product = Nd4j.create(DataType.FLOAT, QUERIES, database)) {
      FloatPointer pq = floats(q);
      FloatPointer px = floats(x);
      FloatPointer pout = floats(product);
      out.put(
          "gemm_direct",
          best(() -> RowMajorGemm.timesTransposed(pq, QUERIES, px, database, DIMS, pout)));
      if ((long) database * DIMS * Float.BYTES <= 1L << 30) {
        INDArray xt = x.transpose();
        out.put("gemm_nd4j_mmul", best(() -> q.mmuli(xt, product)));
      }
    } finally {
      Nd4j.factory().blas().setMaxThreads(blasThreads);
    }
    return out;
  }

  /** An array's native buffer, its size known to the pointer. */
  private static FloatPointer floats(INDArray a) {
    return new FloatPointer(a.data().addressPointer()).capacity(a.length());
  }

  private static double best(Runnable product) {
    product.run(); // warm-up
    double best = Double.POSITIVE_INFINITY;
    for (int repeat = 0; repeat < 2; repeat++) {
      long t = System.nanoTime();
      product.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }

  /**
   * Resets this process's peak resident set (Linux: 5 in clear_refs), so that the next reading
   * covers one phase.
   */
  private static void resetPeakResident() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println(
          "bench: cannot reset the peak resident set ("
              + e.getMessage()
              + "); readings cover the whole run");
    }
  }

  /**
   * VmHWM of this process in kB: the peak resident set, heap and ND4J's off-heap buffers together
   * (0 if unknown).
   */
  private static long peakResidentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }
}
