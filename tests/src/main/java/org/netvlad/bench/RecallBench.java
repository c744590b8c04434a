package org.netvlad.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.netvlad.common.render.Hash;
import org.netvlad.jobs.training.DistributedRecall;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code submit/bench recall [DATABASE...]}: the exact distributed top-N join of extract-and-evaluate
 * (2,000 queries against D database descriptors of 4,096 dims, N = 20, local[2]) against raw ND4J
 * GEMM of the same product size on the same two cores, measured in the same run. Prints the join's
 * effective GFLOP/s (2 Q D dims / seconds), raw GEMM's, their ratio, and the peak resident memory.
 * Default D: 50,000 and 250,000 (Pittsburgh 250k scale). The database is cached before timing, as
 * the job's descriptors are.
 */
public final class RecallBench {
  private static final int QUERIES = Integer.getInteger("bench.queries", 2_000);
  private static final int DIMS = Integer.getInteger("bench.dims", 4_096);
  private static final int BLOCK_ROWS = Integer.getInteger("bench.block-rows", 2_048);
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
    SparkSession spark = SparkSession.builder().master("local[2]").appName("recall bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator").getOrCreate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<DistributedRecall.Item> queries = items(sc, QUERIES, 1, 7).persist(StorageLevel.MEMORY_ONLY());
    queries.count();
    for (int database : sizes) {
      double flop = 2.0 * QUERIES * database * DIMS;
      // the database cached (deserialised when it fits: 50,000 x 4,096 floats are 0.8 GB)
      StorageLevel level = (long) database * DIMS * 4 <= 2L << 30 ? StorageLevel.MEMORY_ONLY() : StorageLevel.MEMORY_AND_DISK_SER();
      JavaRDD<DistributedRecall.Item> db = items(sc, database, (database + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION, 11).persist(level);
      db.count();
      resetPeakResident();
      double best = Double.POSITIVE_INFINITY;
      for (int repeat = 0; repeat < 2; repeat++) {
        long t = System.nanoTime();
        long lists = DistributedRecall.topN(queries, db, 20, 25, BLOCK_ROWS).count();
        best = Math.min(best, (System.nanoTime() - t) / 1e9);
        if (lists != QUERIES) {
          throw new IllegalStateException(lists + " top lists for " + QUERIES + " queries");
        }
      }
      String joinPeak = peakResident();
      db.unpersist(true);
      System.gc(); // the cache's heap back before the baseline's off-heap matrices
      resetPeakResident();
      double gemmSeconds = rawGemmSeconds(database);
      String gemmPeak = peakResident();
      System.out.printf(Locale.ROOT, "bench recall: Q %d x D %d x %d dims (N 20, %s cache): join %.2f s = %.1f GFLOP/s; raw ND4J GEMM"
              + " of the same product on the same 2 cores %.2f s = %.1f GFLOP/s; join/GEMM %.2f; peak resident memory (process: heap,"
              + " cache and off-heap) during the join %s, during the raw GEMM %s%n",
          QUERIES, database, DIMS, level == StorageLevel.MEMORY_ONLY() ? "in-memory" : "serialised", best, flop / best / 1e9,
          gemmSeconds, flop / gemmSeconds / 1e9, gemmSeconds / best, joinPeak, gemmPeak);
    }
    spark.stop();
  }

  /** Random unit-scale descriptors made where they live: row i of a seeded hash stream. */
  private static JavaRDD<DistributedRecall.Item> items(JavaSparkContext sc, int rows, int partitions, long seed) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    return sc.parallelize(parts, partitions).flatMap(p -> {
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

  /** The best of three: [Q x dims] times [dims x D] in one ND4J GEMM, all cores of the machine (two here). */
  private static double rawGemmSeconds(int database) {
    int cores = Runtime.getRuntime().availableProcessors();
    Nd4j.getEnvironment().setMaxThreads(cores);
    // OpenBLAS takes its threads from OMP_NUM_THREADS, which submit/ sets to 1 (one per Spark task
    // core): all cores for the baseline, then back for the next join's tasks.
    int blasThreads = Nd4j.factory().blas().getMaxThreads();
    Nd4j.factory().blas().setMaxThreads(cores);
    try {
      return bestGemmSeconds(database);
    } finally {
      Nd4j.factory().blas().setMaxThreads(blasThreads);
    }
  }

  private static double bestGemmSeconds(int database) {
    INDArray q = Nd4j.rand(DataType.FLOAT, QUERIES, DIMS);
    INDArray x = Nd4j.rand(DataType.FLOAT, DIMS, database);
    INDArray out = Nd4j.create(DataType.FLOAT, QUERIES, database);
    q.mmuli(x, out); // warm-up
    double best = Double.POSITIVE_INFINITY;
    for (int repeat = 0; repeat < 3; repeat++) {
      long t = System.nanoTime();
      q.mmuli(x, out);
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    q.close();
    x.close();
    out.close();
    return best;
  }

  /** Resets this process's peak resident set (Linux: 5 in clear_refs), so that the next reading covers one phase. */
  private static void resetPeakResident() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (java.io.IOException | RuntimeException e) {
      System.err.println("bench: cannot reset the peak resident set (" + e.getMessage() + "); readings cover the whole run");
    }
  }

  /** VmHWM of this process: the peak resident set, heap and ND4J's off-heap buffers together. */
  private static String peakResident() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        long kb = Long.parseLong(line.replaceAll("\\D", ""));
        return String.format(Locale.ROOT, "%.2f GB", kb / 1024.0 / 1024.0);
      }
    }
    return "unknown";
  }
}
