package org.netvlad.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.netvlad.common.config.ModelSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Networks;
import org.netvlad.common.model.TupleBatch;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.training.SplitData;

/**
 * {@code submit/bench train [IMAGES]}: on a rendered city (default 2,000 images at the default 160
 * x 120) in local[2], one epoch of train-netvlad with 1 worker and with 2 workers (training images
 * per second), the time of the epoch's hard-negative cache refresh against a plain descriptor
 * extraction of the same training images with the same model in the same session, and the JVM heap
 * after each phase. A short epoch warms the JVM up first. As the yardstick, the same training steps
 * without Spark in 1 thread and in 2 threads at once: how far 2 cores can go.
 */
public final class TrainBench {
  private static final int NEGATIVES =
      (int) (long) PipelineConfig.defaults().get(TrainSettings.NEGATIVES_PER_TUPLE);

  /** A query, its best positive and the default train.negatives-per-tuple negatives. */
  private static final int IMAGES_PER_TUPLE = TupleBatch.rowsPerTuple(1, NEGATIVES);

  private TrainBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    List<String> model =
        List.of(
            System.getProperty("bench.model", "model.width-px=160,model.height-px=120").split(","));
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("train bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.kryo.registrator", "org.netvlad.jobs.cli.KryoRegistrations")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    String run = root.resolve("tests/target/bench-train-" + images).toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            run,
            null,
            PipelineConfig.load("", "bench", List.of("render.images=" + images)),
            false));
    MineTuplesJob.run(
        spark,
        new MineTuplesJob.Config(
            run,
            List.of(run + "/city/manifest.csv"),
            run + "/city",
            PipelineConfig.load("", "bench", List.of()),
            false));

    // Warm-up: a short epoch, so that the JIT's first compilations of the training path count
    // against
    // neither measurement (the 1-worker run goes first and would otherwise pay for them).
    List<String> warmUp = new ArrayList<>(model);
    warmUp.addAll(
        List.of(
            "train.epochs=1",
            "train.workers=2",
            "model.init-images=50",
            "train.max-queries-per-epoch=40"));
    TrainNetVladJob.run(
        spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "bench", warmUp), true));

    double[] imagesPerSecond = new double[3];
    double refreshSeconds = 0;
    long tuples = 0;
    for (int workers = 1; workers <= 2; workers++) {
      List<String> settings = new ArrayList<>(model);
      settings.addAll(
          List.of("train.epochs=1", "train.workers=" + workers, "model.init-images=200"));
      Map<String, Object> summary =
          TrainNetVladJob.run(
              spark,
              new TrainNetVladJob.Config(run, PipelineConfig.load("", "bench", settings), true));
      @SuppressWarnings("unchecked")
      Map<String, Object> epoch = ((List<Map<String, Object>>) summary.get("history")).get(1);
      tuples = ((Number) epoch.get("tuples")).longValue();
      double trainSeconds = ((Number) epoch.get("train_s")).doubleValue();
      imagesPerSecond[workers] = tuples * IMAGES_PER_TUPLE / trainSeconds;
      refreshSeconds = ((Number) epoch.get("refresh_s")).doubleValue();
      System.err.printf(
          Locale.ROOT,
          "bench: %d worker(s): %.1f s training, %.1f s refresh, heap %s%n",
          workers,
          trainSeconds,
          refreshSeconds,
          heap());
    }

    // Plain extraction: the same training images, the same model, the same descriptor pass.
    RunFolder folder = new RunFolder(run, spark.sparkContext().hadoopConfiguration());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    MultiLayerNetwork net =
        ModelSerializer.restoreMultiLayerNetwork(
            Path.of(java.net.URI.create(run)).resolve("model/epoch=0/model.zip").toFile(), false);
    Broadcast<byte[]> bytes = sc.broadcast(ModelBytes.of(net, false));
    SplitData train = SplitData.read(spark, folder, "train");
    String imagesRoot = run + "/city";
    PipelineConfig defaults = PipelineConfig.load("", "bench", model);
    ImageReader reader =
        new ImageReader(
            imagesRoot,
            (int) (long) defaults.get(ModelSettings.WIDTH_PX),
            (int) (long) defaults.get(ModelSettings.HEIGHT_PX),
            sc.hadoopConfiguration());
    long dbCount = train.database.count();
    long queryCount = train.queries.count();
    long t0 = System.nanoTime();
    long extracted =
        DescriptorPass.compute(
                    train.databasePaths().repartition(sc.defaultParallelism()), bytes, reader, 32)
                .count()
            + DescriptorPass.compute(
                    train.queryPaths().repartition(sc.defaultParallelism()), bytes, reader, 32)
                .count();
    double extractSeconds = (System.nanoTime() - t0) / 1e9;
    spark.stop();
    double[] plainStepsPerSecond = plainTrainingSteps(model);

    System.out.println(
        "train benchmark: rendered city of "
            + images
            + " images, local[2], "
            + String.join(" ", model));
    System.out.printf(
        Locale.ROOT,
        "training, 1 worker : %6.1f images/s (%d tuples of %d images)%n",
        imagesPerSecond[1],
        tuples,
        IMAGES_PER_TUPLE);
    System.out.printf(
        Locale.ROOT,
        "training, 2 workers: %6.1f images/s  -> %.2fx of 1 worker (target >= 1.6x)%n",
        imagesPerSecond[2],
        imagesPerSecond[2] / imagesPerSecond[1]);
    System.out.printf(
        Locale.ROOT,
        "yardstick, the same training steps without Spark: 2 threads (a network each) %.2fx of 1"
            + " thread (%.1f vs %.1f images/s): what these 2 cores allow%n",
        plainStepsPerSecond[2] / plainStepsPerSecond[1],
        plainStepsPerSecond[2] * STEP_IMAGES,
        plainStepsPerSecond[1] * STEP_IMAGES);
    System.out.printf(
        Locale.ROOT,
        "cache refresh: %.1f s; plain extraction of the same %d images (%d database + %d queries):"
            + " %.1f s -> refresh %.2fx extraction (target <= 1.2x)%n",
        refreshSeconds,
        extracted,
        dbCount,
        queryCount,
        extractSeconds,
        refreshSeconds / extractSeconds);
  }

  private static final int STEP_TUPLES =
      (int) (long) PipelineConfig.defaults().get(TrainSettings.TUPLES_PER_BATCH);
  private static final int STEP_IMAGES = STEP_TUPLES * IMAGES_PER_TUPLE;

  /**
   * Training steps per second of the default network on random minibatches, single-threaded ND4J,
   * in 1 thread and in 2 threads that each train their own copy at once: the speed-up the machine
   * itself gives two workers, measured in the same run as the Spark figures.
   */
  private static double[] plainTrainingSteps(List<String> model) throws Exception {
    ModelSpec spec = ModelSettings.spec(PipelineConfig.load("", "bench", model));
    Nd4j.getEnvironment().setMaxThreads(1);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    int steps = 12;
    double[] stepsPerSecond = new double[3];
    for (int threads = 1; threads <= 2; threads++) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Callable<Long>> jobs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        jobs.add(
            () -> {
              MultiLayerNetwork net =
                  Networks.create(
                      spec,
                      new Networks.Training(new Nesterovs(1e-4, 0.9), 1e-3, seed),
                      DataType.FLOAT);
              DataSet step =
                  new DataSet(
                      Nd4j.rand(DataType.FLOAT, STEP_IMAGES, 3, spec.heightPx(), spec.widthPx()),
                      TupleBatch.labels(STEP_TUPLES, 1, NEGATIVES, DataType.FLOAT));
              for (int i = 0; i < 3; i++) {
                net.fit(step); // warm-up
              }
              start.await(); // both threads time the same window
              long t0 = System.nanoTime();
              for (int i = 0; i < steps; i++) {
                net.fit(step);
              }
              return t0;
            });
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long firstStart = Long.MAX_VALUE;
        for (Future<Long> t0 : pool.invokeAll(jobs)) {
          firstStart = Math.min(firstStart, t0.get());
        }
        double wallSeconds =
            (System.nanoTime() - firstStart) / 1e9; // until the last thread finished
        stepsPerSecond[threads] = threads * steps / wallSeconds;
      } finally {
        pool.shutdown();
      }
    }
    return stepsPerSecond;
  }

  private static String heap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return String.format(Locale.ROOT, "%.0f MB used", (r.totalMemory() - r.freeMemory()) / 1e6);
  }
}
