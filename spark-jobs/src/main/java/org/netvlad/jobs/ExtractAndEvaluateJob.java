package org.netvlad.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.config.EvalSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.Settings;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.common.eval.Pca;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.evaluation.EvaluationFiles;
import org.netvlad.jobs.evaluation.EvaluationReport;
import org.netvlad.jobs.evaluation.Evaluated;
import org.netvlad.jobs.evaluation.ModelChoice;
import org.netvlad.jobs.evaluation.PcaFit;
import org.netvlad.jobs.evaluation.ReportDetails;
import org.netvlad.jobs.evaluation.SplitImages;
import org.netvlad.jobs.evaluation.Thumbnails;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.training.Checkpoints;
import org.netvlad.jobs.training.DescriptorPass;
import org.netvlad.jobs.training.DistributedRecall;
import org.netvlad.jobs.training.ImageReader;
import scala.Tuple2;

/**
 * {@code extract-and-evaluate}: descriptors of a split's database and queries with a trained (or
 * the untrained) network, PCA whitening fitted across the cluster, and exact Recall@N by a
 * distributed block search (the repository's docs/ARCHITECTURE.md, "The pipeline"). Writes
 * {@code descriptors/<set>/}, {@code pca/}, {@code evaluation/} (metrics, per-query results,
 * curve, HTML report), {@code rejected-images/} and {@code summary/extract-and-evaluate.json},
 * committed together.
 */
public final class ExtractAndEvaluateJob {
  public static final String NAME = "extract-and-evaluate";

  /** The validated settings of one run of this job. */
  public record Config(String runUri, PipelineConfig settings, boolean overwrite) {}

  private ExtractAndEvaluateJob() {}

  public static void main(String[] args) {
    JobMain.main(NAME, List.of(), ExtractAndEvaluateJob::config, ExtractAndEvaluateJob::run, args);
  }

  public static Config config(JobArgs args, SparkSession spark) {
    return new Config(args.value("--run"), JobConfigs.load(args, spark.sparkContext().hadoopConfiguration()), args.overwrite());
  }

  /**
   * Runs the job under the lock of the folder it writes; returns its summary. A run folder it only
   * reads (eval.output elsewhere) is not locked, so a checkpoint can be evaluated while training goes
   * on: checkpoints are renamed into place whole.
   */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    PipelineConfig s = config.settings();
    RunFolder run = new RunFolder(config.runUri(), spark.sparkContext().hadoopConfiguration());
    String outputUri = s.get(EvalSettings.OUTPUT);
    RunFolder out = outputUri.isEmpty() ? run : new RunFolder(outputUri, spark.sparkContext().hadoopConfiguration());
    try (RunLock lock = out.lock(NAME, Settings.lockStaleAfter(s), progress::say)) {
      Map<String, Object> finished = Lineage.finishedSummary(out, NAME);
      if (finished != null && !config.overwrite()) {
        requireUpToDate(finished, run, out, s);
        progress.say("already finished in " + out.root() + "; nothing to do (--overwrite to evaluate again)");
        return finished;
      }
      return evaluate(spark, config, run, out, progress);
    }
  }

  /** The settings this job's outputs depend on (not eval.output: that is where they are). */
  static boolean readsSetting(String key) {
    return key.startsWith("eval.") && !key.equals(EvalSettings.OUTPUT.key())
        || List.of(TrainSettings.DESCRIPTOR_BATCH.key(), TrainSettings.SEED.key(), Settings.NEGATIVE_RADIUS_M.key()).contains(key);
  }

  /** Refuses a finished evaluation's summary when the run's outputs, the chosen checkpoint or the settings changed since. */
  private static void requireUpToDate(Map<String, Object> finished, RunFolder run, RunFolder out, PipelineConfig s) {
    Map<String, String> upstream = new LinkedHashMap<>();
    upstream.put(MineTuplesJob.NAME, Lineage.idOf(run, MineTuplesJob.NAME));
    Map<String, Object> sameAs = new LinkedHashMap<>();
    if (EvalSettings.isFolder(s.get(EvalSettings.CHECKPOINT)) || new Checkpoints(run).newest().isPresent()) {
      ModelChoice model = ModelChoice.resolve(run, s.get(EvalSettings.CHECKPOINT), s.get(EvalSettings.LABEL));
      upstream.put(TrainNetVladJob.NAME, model.trainingId());
      sameAs.put("model", model.id());
    }
    Lineage.requireUpToDate(NAME, out.root(), finished, upstream, sameAs, s.asText(), ExtractAndEvaluateJob::readsSetting);
  }

  private static Map<String, Object> evaluate(SparkSession spark, Config config, RunFolder run, RunFolder out, Progress progress) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PipelineConfig s = config.settings();
    if (!run.isFinished(MineTuplesJob.NAME)) {
      throw new JobFailure("no finished mine-tuples in " + run.root() + " (no " + RunFolder.summaryPath(MineTuplesJob.NAME) + "): run mine-tuples first");
    }
    List<EvaluationReport.Entry> compared = EvaluationFiles.readCompared(EvalSettings.compareList(s.get(EvalSettings.COMPARE)), sc.hadoopConfiguration());
    ModelChoice model = ModelChoice.resolve(run, s.get(EvalSettings.CHECKPOINT), s.get(EvalSettings.LABEL));
    progress.say("evaluating " + model.about());
    MultiLayerNetwork net = model.load();
    String split = s.get(EvalSettings.SPLIT);
    int[] ns = TrainSettings.recallAt(s);
    double radiusM = s.get(Settings.NEGATIVE_RADIUS_M);
    int batch = Math.toIntExact(s.get(TrainSettings.DESCRIPTOR_BATCH));
    ImageReader reader = ImageReader.forRun(run, model.widthPx(), model.heightPx(), s, sc.hadoopConfiguration());
    Path staging = out.newStaging(NAME);

    // descriptors of every image of the split; unreadable images are set aside with their reason
    long t0 = System.nanoTime();
    SplitImages images = SplitImages.read(spark, run, split);
    Broadcast<byte[]> weights = sc.broadcast(ModelBytes.of(net, false));
    JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> dbRaw = extract(sc, images.database, weights, reader, batch);
    JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> queryRaw = extract(sc, images.queries, weights, reader, batch);
    EvaluationFiles.Counts counts = EvaluationFiles.writeRejected(spark, dbRaw, queryRaw, new Path(staging, "rejected-images"));
    if (counts.database() == 0 || counts.queries() == 0) {
      throw new JobFailure("the " + split + " split has " + counts.database() + " database images and " + counts.queries()
          + " queries in " + run.resolve("panoramas") + "; evaluation needs both (eval.split)");
    }
    double rejectedShare = (double) counts.rejected() / (counts.database() + counts.queries());
    if (rejectedShare > s.get(EvalSettings.MAX_REJECTED_FRACTION)) {
      throw new JobFailure(String.format("%d of %d images of the %s split cannot be read (%.1f%%, above eval.max-rejected-fraction %s), e.g. %s",
          counts.rejected(), counts.database() + counts.queries(), split, 100 * rejectedShare, s.get(EvalSettings.MAX_REJECTED_FRACTION),
          counts.firstReason()));
    }
    double extractSeconds = seconds(t0);
    progress.say(String.format("descriptors of %d database images and %d queries (%s split) in %.1f s; %d images unreadable",
        counts.database() - counts.rejectedDatabase(), counts.queries() - counts.rejectedQueries(), split, extractSeconds, counts.rejected()));

    // PCA whitening, fitted on database descriptors across the cluster
    long t1 = System.nanoTime();
    Pca pca = null;
    String fitSplit = EvalSettings.pcaFitSplit(s);
    if (s.get(EvalSettings.PCA)) {
      long sample = s.get(EvalSettings.PCA_SAMPLE);
      long seed = s.get(TrainSettings.SEED);
      JavaRDD<PcaFit.Keyed> keyed = fitSplit.equals(split)
          ? dbRaw.filter(r -> r._2().ok()).map(r -> new PcaFit.Keyed(r._1().imageId, r._2().descriptor))
          : fitDescriptors(sc, spark, run, fitSplit, sample, seed, weights, reader, batch);
      try {
        pca = PcaFit.fit(sc, keyed, (int) model.descriptorLength(), sample, Math.toIntExact(s.get(EvalSettings.PCA_DIMS)), seed);
      } catch (IllegalArgumentException e) {
        throw new JobFailure("PCA whitening (eval.pca, eval.pca-fit-split = " + fitSplit + "): " + e.getMessage(), e);
      } finally {
        if (!fitSplit.equals(split)) {
          keyed.unpersist(false);
        }
      }
      EvaluationFiles.writePca(spark, pca, new Path(staging, "pca"), out);
      progress.say(String.format("PCA whitening fitted on %d database descriptors of the %s split: %d -> %d dims in %.1f s",
          pca.sampleCount(), fitSplit, pca.inputDims(), pca.outputDims(), seconds(t1)));
    }
    Broadcast<Pca> pcaB = sc.broadcast(pca);
    JavaRDD<Evaluated.Row> db = Evaluated.rows(dbRaw, pcaB, batch).persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<Evaluated.Row> queries = Evaluated.rows(queryRaw, pcaB, batch).persist(StorageLevel.MEMORY_AND_DISK_SER());
    EvaluationFiles.writeDescriptors(spark, db, model.id(), new Path(staging, "descriptors/database"), pca != null);
    EvaluationFiles.writeDescriptors(spark, queries, model.id(), new Path(staging, "descriptors/queries"), pca != null);

    // exact Recall@N: query blocks x database blocks, GEMM distances, bounded top lists merged per query
    long t2 = System.nanoTime();
    int blockRows = Math.toIntExact(s.get(EvalSettings.BLOCK_ROWS));
    JavaPairRDD<Long, org.netvlad.common.eval.TopList> top =
        DistributedRecall.topN(queries.map(Evaluated.Row::item), db.map(Evaluated.Row::item), ns[ns.length - 1], radiusM, blockRows)
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    long[] rankCounts = EvaluationFiles.writePerQuery(spark, top, queries, db, ns[ns.length - 1], new Path(staging, "evaluation/per_query"));
    double[] curve = EvaluationFiles.curve(rankCounts, counts.queries());
    // the paper reports both: the network's descriptors searched as they are, beside the whitened ones
    double[] unwhitenedCurve = pca == null ? curve : EvaluationFiles.curve(EvaluationFiles.rankCounts(DistributedRecall.topN(
        queries.map(Evaluated.Row::unwhitenedItem), db.map(Evaluated.Row::unwhitenedItem), ns[ns.length - 1], radiusM, blockRows),
        ns[ns.length - 1]), counts.queries());
    double searchSeconds = seconds(t2);
    top.unpersist(false);
    db.unpersist(false);
    queries.unpersist(false);
    dbRaw.unpersist(false);
    queryRaw.unpersist(false);
    weights.destroy();
    pcaB.destroy();

    Map<String, String> builtFrom = new LinkedHashMap<>();
    builtFrom.put(MineTuplesJob.NAME, Lineage.idOf(run, MineTuplesJob.NAME));
    builtFrom.put(TrainNetVladJob.NAME, model.trainingId());
    Map<String, Object> summary = new LinkedHashMap<>(Lineage.fields(Lineage.newId(), builtFrom));
    summary.put("recall_at", recallAt(ns, curve));
    summary.put("recall_curve", curve);
    summary.put("recall_at_unwhitened", recallAt(ns, unwhitenedCurve));
    summary.put("recall_curve_unwhitened", unwhitenedCurve);
    summary.put("label", model.label());
    summary.put("model", model.id());
    summary.put("checkpoint", model.folder().toString());
    summary.put("split", split);
    summary.put("queries", counts.queries());
    summary.put("database_images", counts.database());
    summary.put("rejected_images", counts.rejected());
    summary.put("unreadable_queries_counted_as_missed", counts.rejectedQueries());
    summary.put("descriptor_dims", model.descriptorLength());
    summary.put("pca_dims", pca == null ? 0 : pca.outputDims());
    summary.put("pca_sample", pca == null ? 0 : pca.sampleCount());
    summary.put("pca_fit_split", pca == null ? "" : fitSplit);
    summary.put("success_radius_m", radiusM);
    summary.put("extract_seconds", round(extractSeconds));
    summary.put("search_seconds", round(searchSeconds));
    summary.put("settings", s.asText());
    EvaluationReport.Entry self = new EvaluationReport.Entry(model.label(), curve, model.about() + ", " + split + " split, "
        + (pca == null ? "no PCA" : "PCA-whitened to " + pca.outputDims() + " dims, fitted on the " + fitSplit + " database"));
    List<EvaluationReport.Entry> entries = new ArrayList<>();
    entries.add(self);
    if (pca != null) {
      entries.add(new EvaluationReport.Entry(model.label() + " (unwhitened)", unwhitenedCurve, model.about() + ", " + split
          + " split, the network's descriptors without PCA"));
    }
    entries.addAll(compared);
    EvaluationFiles.writeReport(out, new Path(staging, "evaluation"), summary, entries, ns, ReportDetails.gather(spark, images,
        new Path(staging, "evaluation/per_query"), new Thumbnails(reader, s.get(Settings.MAX_IMAGE_PIXELS), sc.hadoopConfiguration()), s));
    out.writeText(new Path(staging, RunFolder.summaryPath(NAME)), JobMain.toJson(summary));
    out.commit(NAME, staging, List.of("descriptors", "evaluation", "rejected-images", "pca")); // no pca/ without PCA
    progress.say(String.format("Recall@N on the %s split (%d queries, %d database images): %s%s; search %.1f s; report %s",
        split, counts.queries(), counts.database(), EvaluationFiles.recallText(ns, curve),
        pca == null ? "" : " whitened, " + EvaluationFiles.recallText(ns, unwhitenedCurve) + " unwhitened", searchSeconds,
        out.resolve("evaluation/report.html")));
    return summary;
  }

  private static Map<String, Object> recallAt(int[] ns, double[] curve) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int n : ns) {
      out.put(Integer.toString(n), curve[n - 1]);
    }
    return out;
  }

  /**
   * Descriptors of the sample PCA is fitted on from another split's database: only the images the
   * seeded hash picks are read. Unreadable ones are left out of the sample.
   */
  private static JavaRDD<PcaFit.Keyed> fitDescriptors(JavaSparkContext sc, SparkSession spark, RunFolder run, String split, long sample,
      long seed, Broadcast<byte[]> weights, ImageReader reader, int batch) {
    JavaRDD<SplitImages.Image> database = SplitImages.read(spark, run, split).database;
    JavaRDD<SplitImages.Image> picked = database.filter(PcaFit.sampled(database.map(i -> i.imageId), sample, seed));
    long count = picked.count();
    if (count == 0) {
      throw new JobFailure("eval.pca-fit-split = " + split + ": the " + split + " split has no database images in " + run.resolve("panoramas"));
    }
    JavaPairRDD<SplitImages.Image, String> paths = TrainNetVladJob.spread(picked.mapToPair(i -> new Tuple2<>(i, i.path)), count, sc);
    return DescriptorPass.computeOrReject(paths, weights, reader, batch).filter(r -> r._2().ok())
        .map(r -> new PcaFit.Keyed(r._1().imageId, r._2().descriptor)).persist(StorageLevel.MEMORY_AND_DISK_SER());
  }

  /** Descriptors (or reasons) of images spread over enough tasks for every core and ~2,000 images each. */
  private static JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> extract(JavaSparkContext sc, JavaRDD<SplitImages.Image> images,
      Broadcast<byte[]> weights, ImageReader reader, int batch) {
    JavaPairRDD<SplitImages.Image, String> paths = TrainNetVladJob.spread(images.mapToPair(i -> new Tuple2<>(i, i.path)), images.count(), sc);
    return DescriptorPass.computeOrReject(paths, weights, reader, batch).persist(StorageLevel.MEMORY_AND_DISK_SER());
  }

  private static double seconds(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}
