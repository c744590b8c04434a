package org.netvlad.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.training.DescriptorPass;
import org.netvlad.jobs.training.ImageReader;
import org.netvlad.jobs.training.SplitData;

/**
 * {@code submit/bench train [IMAGES]}: on a rendered city (default 2,000 images at the default
 * 160 x 120) in local[2], one epoch of train-netvlad with 1 worker and with 2 workers (training
 * images per second), the time of the epoch's hard-negative cache refresh against a plain
 * descriptor extraction of the same training images with the same model in the same session, and
 * the JVM heap after each phase.
 */
public final class TrainBench {
  /** A query, its best positive and the default train.negatives-per-tuple negatives. */
  private static final int IMAGES_PER_TUPLE = org.netvlad.common.model.TupleBatch.rowsPerTuple(1,
      (int) (long) org.netvlad.common.config.PipelineConfig.defaults().get(org.netvlad.common.config.TrainSettings.NEGATIVES_PER_TUPLE));
  private TrainBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    List<String> model = List.of(System.getProperty("bench.model", "model.width-px=160,model.height-px=120").split(","));
    SparkSession spark = SparkSession.builder().master("local[2]").appName("train bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    String run = root.resolve("tests/target/bench-train-" + images).toUri().toString();
    RenderCityJob.run(spark, new RenderCityJob.Config(run, null, PipelineConfig.load("", "bench", List.of("render.images=" + images)), false));
    MineTuplesJob.run(spark, new MineTuplesJob.Config(run, List.of(run + "/city/manifest.csv"), run + "/city",
        PipelineConfig.load("", "bench", List.of()), false));

    double[] imagesPerSecond = new double[3];
    double refreshSeconds = 0;
    long tuples = 0;
    for (int workers = 1; workers <= 2; workers++) {
      List<String> settings = new java.util.ArrayList<>(model);
      settings.addAll(List.of("train.epochs=1", "train.workers=" + workers, "model.init-images=200"));
      Map<String, Object> summary = TrainNetVladJob.run(spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "bench", settings), true));
      @SuppressWarnings("unchecked")
      Map<String, Object> epoch = ((List<Map<String, Object>>) summary.get("history")).get(1);
      tuples = ((Number) epoch.get("tuples")).longValue();
      double trainSeconds = ((Number) epoch.get("train_s")).doubleValue();
      imagesPerSecond[workers] = tuples * IMAGES_PER_TUPLE / trainSeconds;
      refreshSeconds = ((Number) epoch.get("refresh_s")).doubleValue();
      System.err.printf(Locale.ROOT, "bench: %d worker(s): %.1f s training, %.1f s refresh, heap %s%n", workers, trainSeconds, refreshSeconds, heap());
    }

    // Plain extraction: the same training images, the same model, the same descriptor pass.
    RunFolder folder = new RunFolder(run, spark.sparkContext().hadoopConfiguration());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(Path.of(java.net.URI.create(run)).resolve("model/epoch=0/model.zip").toFile(), false);
    Broadcast<byte[]> bytes = sc.broadcast(ModelBytes.of(net, false));
    SplitData train = SplitData.read(spark, folder, "train");
    String imagesRoot = run + "/city";
    PipelineConfig defaults = PipelineConfig.load("", "bench", model);
    ImageReader reader = new ImageReader(imagesRoot, (int) (long) defaults.get(org.netvlad.common.config.ModelSettings.WIDTH_PX),
        (int) (long) defaults.get(org.netvlad.common.config.ModelSettings.HEIGHT_PX), sc.hadoopConfiguration());
    long dbCount = train.database.count();
    long queryCount = train.queries.count();
    long t0 = System.nanoTime();
    long extracted = DescriptorPass.compute(train.databasePaths().repartition(sc.defaultParallelism()), bytes, reader, 32).count()
        + DescriptorPass.compute(train.queryPaths().repartition(sc.defaultParallelism()), bytes, reader, 32).count();
    double extractSeconds = (System.nanoTime() - t0) / 1e9;
    spark.stop();

    System.out.println("train benchmark: rendered city of " + images + " images, local[2], " + String.join(" ", model));
    System.out.printf(Locale.ROOT, "training, 1 worker : %6.1f images/s (%d tuples of %d images)%n", imagesPerSecond[1], tuples,
        IMAGES_PER_TUPLE);
    System.out.printf(Locale.ROOT, "training, 2 workers: %6.1f images/s  -> %.2fx of 1 worker (target >= 1.6x)%n",
        imagesPerSecond[2], imagesPerSecond[2] / imagesPerSecond[1]);
    System.out.printf(Locale.ROOT, "cache refresh: %.1f s; plain extraction of the same %d images (%d database + %d queries): %.1f s"
        + " -> refresh %.2fx extraction (target <= 1.2x)%n", refreshSeconds, extracted, dbCount, queryCount, extractSeconds,
        refreshSeconds / extractSeconds);
  }

  private static String heap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return String.format(Locale.ROOT, "%.0f MB used", (r.totalMemory() - r.freeMemory()) / 1e6);
  }
}
