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
import org.netvlad.common.config.IngestSettings;
import org.netvlad.common.config.MiningSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.RunSettings;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.common.eval.Pca;
import org.netvlad.common.eval.TopList;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.descriptors.DistributedRecall;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.evaluation.Evaluated;
import org.netvlad.jobs.evaluation.EvaluationFiles;
import org.netvlad.jobs.evaluation.EvaluationReport;
import org.netvlad.jobs.evaluation.Extraction;
import org.netvlad.jobs.evaluation.GroupRecall;
import org.netvlad.jobs.evaluation.ModelChoice;
import org.netvlad.jobs.evaluation.ReportDetails;
import org.netvlad.jobs.evaluation.SplitImages;
import org.netvlad.jobs.evaluation.Thumbnails;
import org.netvlad.jobs.evaluation.Whitening;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.io.Summaries;
import org.netvlad.jobs.training.Checkpoints;

/**
 * {@code extract-and-evaluate}: descriptors of a split's database and queries with a trained (or
 * the untrained) network, PCA whitening fitted across the cluster, and exact Recall@N by a
 * distributed block search (docs/architecture.md). Writes {@code descriptors/<set>/}, {@code pca/},
 * {@code evaluation/} (metrics, per-query results, curve, HTML report), {@code rejected-images/}
 * and {@code summary/extract-and-evaluate.json}, committed together.
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
    return new Config(
        args.value("--run"),
        JobConfigs.load(args, spark.sparkContext().hadoopConfiguration()),
        args.overwrite());
  }

  /**
   * Runs the job under the lock of the folder it writes; returns its summary. A run folder it only
   * reads (eval.output elsewhere) is not locked, so a checkpoint can be evaluated while training
   * goes on: checkpoints are renamed into place whole.
   */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    PipelineConfig s = config.settings();
    RunFolder run = new RunFolder(config.runUri(), spark.sparkContext().hadoopConfiguration());
    String outputUri = s.get(EvalSettings.OUTPUT);
    RunFolder out =
        outputUri.isEmpty()
            ? run
            : new RunFolder(outputUri, spark.sparkContext().hadoopConfiguration());
    try (RunLock lock = out.lock(NAME, RunSettings.lockStaleAfter(s), progress::say)) {
      Map<String, Object> finished =
          Lineage.alreadyFinished(
              out,
              NAME,
              config.overwrite(),
              "evaluate again",
              f -> requireUpToDate(f, run, out, s),
              progress::say);
      if (finished != null) {
        return finished;
      }
      return evaluate(spark, config, run, out, progress);
    }
  }

  /** The settings this job's outputs depend on (not eval.output: that is where they are). */
  static boolean readsSetting(String key) {
    return key.startsWith("eval.") && !key.equals(EvalSettings.OUTPUT.key())
        || List.of(
                TrainSettings.DESCRIPTOR_BATCH.key(),
                TrainSettings.SEED.key(),
                MiningSettings.NEGATIVE_RADIUS_M.key())
            .contains(key);
  }

  /**
   * Refuses a finished evaluation's summary when the run's outputs, the chosen checkpoint or the
   * settings changed since.
   */
  private static void requireUpToDate(
      Map<String, Object> finished, RunFolder run, RunFolder out, PipelineConfig s) {
    Map<String, String> upstream = new LinkedHashMap<>();
    upstream.put(MineTuplesJob.NAME, Lineage.idOf(run, MineTuplesJob.NAME));
    Map<String, Object> sameAs = new LinkedHashMap<>();
    if (EvalSettings.isFolder(s.get(EvalSettings.CHECKPOINT))
        || new Checkpoints(run).newest().isPresent()) {
      ModelChoice model =
          ModelChoice.resolve(run, s.get(EvalSettings.CHECKPOINT), s.get(EvalSettings.LABEL));
      upstream.put(TrainNetVladJob.NAME, model.trainingId());
      sameAs.put("model", model.id());
    }
    Lineage.requireUpToDate(
        NAME,
        out.root(),
        finished,
        upstream,
        sameAs,
        s.asText(),
        ExtractAndEvaluateJob::readsSetting);
  }

  private static Map<String, Object> evaluate(
      SparkSession spark, Config config, RunFolder run, RunFolder out, Progress progress) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PipelineConfig s = config.settings();
    if (!run.isFinished(MineTuplesJob.NAME)) {
      throw new JobFailure(
          "no finished mine-tuples in "
              + run.root()
              + " (no "
              + RunFolder.summaryPath(MineTuplesJob.NAME)
              + "): run mine-tuples first");
    }
    List<EvaluationReport.Entry> compared =
        EvaluationFiles.readCompared(
            EvalSettings.compareList(s.get(EvalSettings.COMPARE)), sc.hadoopConfiguration());
    ModelChoice model =
        ModelChoice.resolve(run, s.get(EvalSettings.CHECKPOINT), s.get(EvalSettings.LABEL));
    progress.say("evaluating " + model.about());
    MultiLayerNetwork net = model.load();
    String split = s.get(EvalSettings.SPLIT);
    int[] ns = TrainSettings.recallAt(s);
    double radiusM = s.get(MiningSettings.NEGATIVE_RADIUS_M);
    int batch = Math.toIntExact(s.get(TrainSettings.DESCRIPTOR_BATCH));
    ImageReader reader =
        ImageReader.forRun(run, model.widthPx(), model.heightPx(), s, sc.hadoopConfiguration());
    Path staging = out.newStaging(NAME);

    // descriptors of every image of the split; unreadable images are set aside with their reason
    long t0 = System.nanoTime();
    SplitImages images = SplitImages.read(spark, run, split);
    Broadcast<byte[]> weights = sc.broadcast(ModelBytes.of(net, false));
    ImageReader queryReader =
        reader.withResize(
            EvalSettings.queryResize(s)); // database images stretch, as in the VG benchmark
    Whitening.Network network =
        new Whitening.Network(weights, reader, queryReader, batch, s.get(TrainSettings.SEED));
    JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> dbRaw =
        Extraction.descriptors(sc, images.database, network, false);
    JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> queryRaw =
        Extraction.descriptors(sc, images.queries, network, true);
    EvaluationFiles.Counts counts =
        EvaluationFiles.writeRejected(spark, dbRaw, queryRaw, new Path(staging, "rejected-images"));
    if (counts.database() == 0 || counts.queries() == 0) {
      throw new JobFailure(
          "the "
              + split
              + " split has "
              + counts.database()
              + " database images and "
              + counts.queries()
              + " queries in "
              + run.resolve("panoramas")
              + "; evaluation needs both (eval.split)");
    }
    double rejectedShare = (double) counts.rejected() / (counts.database() + counts.queries());
    if (rejectedShare > s.get(EvalSettings.MAX_REJECTED_FRACTION)) {
      throw new JobFailure(
          String.format(
              "%d of %d images of the %s split cannot be read (%.1f%%, above"
                  + " eval.max-rejected-fraction %s), e.g. %s",
              counts.rejected(),
              counts.database() + counts.queries(),
              split,
              100 * rejectedShare,
              s.get(EvalSettings.MAX_REJECTED_FRACTION),
              counts.firstReason()));
    }
    double extractSeconds = seconds(t0);
    progress.say(
        String.format(
            "descriptors of %d database images and %d queries (%s split) in %.1f s; %d images"
                + " unreadable",
            counts.database() - counts.rejectedDatabase(),
            counts.queries() - counts.rejectedQueries(),
            split,
            extractSeconds,
            counts.rejected()));

    // PCA whitening, fitted on a database sample across the cluster (the training database by
    // default)
    long t1 = System.nanoTime();
    String pcaMode = s.get(EvalSettings.PCA);
    String fitSplit = EvalSettings.pcaFitSplit(s);
    Pca pca =
        pcaMode.equals("false")
            ? null
            : Whitening.fit(
                spark,
                run,
                fitSplit,
                split,
                dbRaw,
                network,
                s.get(EvalSettings.PCA_SAMPLE),
                Math.toIntExact(s.get(EvalSettings.PCA_DIMS)),
                (int) model.descriptorLength(),
                pcaMode.equals("true"));
    if (pca != null) {
      pca = pca.withShrinkage(s.get(EvalSettings.PCA_SHRINKAGE));
      EvaluationFiles.writePca(spark, pca, new Path(staging, "pca"), out);
      progress.say(
          String.format(
              "PCA whitening fitted on %d database descriptors of the %s split: %d -> %d dims in"
                  + " %.1f s",
              pca.sampleCount(), fitSplit, pca.inputDims(), pca.outputDims(), seconds(t1)));
      String warning = Whitening.sampleWarning(pca);
      if (!warning.isEmpty()) {
        progress.say("warning: " + warning);
      }
    }
    Broadcast<Pca> pcaB = sc.broadcast(pca);
    JavaRDD<Evaluated.Row> db =
        Evaluated.rows(dbRaw, pcaB, batch).persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<Evaluated.Row> queries =
        Evaluated.rows(queryRaw, pcaB, batch).persist(StorageLevel.MEMORY_AND_DISK_SER());

    // exact Recall@N of the network's descriptors and of the whitened ones: query blocks x database
    // blocks, GEMM distances, bounded top lists merged per query (the paper reports both)
    long t2 = System.nanoTime();
    int blockRows = Math.toIntExact(s.get(EvalSettings.BLOCK_ROWS));
    int maxN = ns[ns.length - 1];
    JavaPairRDD<Long, TopList> topRaw = search(queries, db, false, maxN, radiusM, blockRows);
    JavaPairRDD<Long, TopList> topWhitened =
        pca == null ? null : search(queries, db, true, maxN, radiusM, blockRows);
    double[] unwhitenedCurve =
        EvaluationFiles.curve(EvaluationFiles.rankCounts(topRaw, maxN), counts.queries());
    double[] whitenedCurve =
        pca == null
            ? null
            : EvaluationFiles.curve(
                EvaluationFiles.rankCounts(topWhitened, maxN), counts.queries());
    double searchSeconds = seconds(t2);
    Whitening.Choice whitening =
        choose(
            spark, run, s, pca, network, radiusM, blockRows, split, whitenedCurve, unwhitenedCurve);
    progress.say(whitening.reason());
    boolean whitened = whitening.applied();
    double[] curve = whitened ? whitenedCurve : unwhitenedCurve;
    EvaluationFiles.writeDescriptors(
        spark, db, model.id(), new Path(staging, "descriptors/database"), whitened);
    EvaluationFiles.writeDescriptors(
        spark, queries, model.id(), new Path(staging, "descriptors/queries"), whitened);
    // the curves above already counted the ranks: written here, not counted again
    EvaluationFiles.writePerQuery(
        spark,
        whitened ? topWhitened : topRaw,
        queries,
        db,
        new Path(staging, "evaluation/per_query"));
    Map<String, Object> byGroup =
        GroupRecall.of(images.queries, whitened ? topWhitened : topRaw, ns);
    topRaw.unpersist(false);
    if (topWhitened != null) {
      topWhitened.unpersist(false);
    }
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
    summary.put(Summaries.RECALL_AT, EvaluationFiles.recallAt(ns, curve));
    summary.put("recall_curve", curve);
    summary.put("searched", whitened ? "whitened" : "unwhitened");
    summary.put("recall_at_unwhitened", EvaluationFiles.recallAt(ns, unwhitenedCurve));
    summary.put("recall_curve_unwhitened", unwhitenedCurve);
    if (whitenedCurve != null) {
      summary.put("recall_at_whitened", EvaluationFiles.recallAt(ns, whitenedCurve));
      summary.put("recall_curve_whitened", whitenedCurve);
    }
    summary.put("recall_by_condition", byGroup);
    summary.put("label", model.label());
    summary.put("model", model.id());
    summary.put("checkpoint", model.folder().toString());
    summary.put("split", split);
    summary.put("query_resize", s.get(EvalSettings.QUERY_RESIZE));
    summary.put("queries", counts.queries());
    summary.put("database_images", counts.database());
    summary.put("rejected_images", counts.rejected());
    summary.put("unreadable_queries_counted_as_missed", counts.rejectedQueries());
    summary.put("descriptor_dims", model.descriptorLength());
    summary.put("pca_dims", pca == null ? 0 : pca.outputDims());
    summary.put("pca_sample", pca == null ? 0 : pca.sampleCount());
    summary.put("pca_fit_split", pca == null ? "" : fitSplit);
    summary.put("pca_shrinkage", pca == null ? 0 : pca.shrinkage());
    summary.put("whitening", whitening.reason());
    if (!whitening.warning().isEmpty()) {
      summary.put("whitening_warning", whitening.warning());
    }
    if (!whitening.validation().isEmpty()) {
      summary.put("whitening_validation", whitening.validation());
    }
    summary.put("success_radius_m", radiusM);
    summary.put("extract_seconds", round(extractSeconds));
    summary.put("search_seconds", round(searchSeconds));
    summary.put("settings", s.asText());
    String about = model.about() + ", " + split + " split, ";
    String whitenedAbout =
        pca == null
            ? ""
            : "PCA-whitened to "
                + pca.outputDims()
                + " dims, fitted on the "
                + fitSplit
                + " database";
    List<EvaluationReport.Entry> entries = new ArrayList<>();
    entries.add(
        new EvaluationReport.Entry(
            model.label(),
            curve,
            about + (whitened ? whitenedAbout : "the network's descriptors") + " (searched)"));
    if (pca != null) {
      entries.add(
          whitened
              ? new EvaluationReport.Entry(
                  model.label() + " (unwhitened)",
                  unwhitenedCurve,
                  about + "the network's descriptors without PCA")
              : new EvaluationReport.Entry(
                  model.label() + " (whitened)", whitenedCurve, about + whitenedAbout));
    }
    entries.addAll(compared);
    EvaluationFiles.writeReport(
        out,
        new Path(staging, "evaluation"),
        summary,
        entries,
        ns,
        ReportDetails.gather(
            spark,
            images,
            new Path(staging, "evaluation/per_query"),
            new Thumbnails(
                reader, s.get(IngestSettings.MAX_IMAGE_PIXELS), sc.hadoopConfiguration()),
            s));
    out.writeText(new Path(staging, RunFolder.summaryPath(NAME)), JobMain.toJson(summary));
    out.commit(
        NAME,
        staging,
        List.of("descriptors", "evaluation", "rejected-images", "pca")); // no pca/ without PCA
    progress.say(
        String.format(
            "Recall@N on the %s split (%d queries, %d database images): %s unwhitened%s; search"
                + " %.1f s; report %s",
            split,
            counts.queries(),
            counts.database(),
            EvaluationFiles.recallText(ns, unwhitenedCurve),
            pca == null ? "" : ", " + EvaluationFiles.recallText(ns, whitenedCurve) + " whitened",
            searchSeconds,
            out.resolve("evaluation/report.html")));
    return summary;
  }

  private static JavaPairRDD<Long, TopList> search(
      JavaRDD<Evaluated.Row> queries,
      JavaRDD<Evaluated.Row> db,
      boolean whitened,
      int n,
      double radiusM,
      int blockRows) {
    return DistributedRecall.topN(
            queries.map(r -> r.item(whitened)),
            db.map(r -> r.item(whitened)),
            n,
            radiusM,
            blockRows)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
  }

  /**
   * Which descriptors the evaluation searches, by eval.pca: always, never, or as val Recall@1 says.
   */
  private static Whitening.Choice choose(
      SparkSession spark,
      RunFolder run,
      PipelineConfig s,
      Pca pca,
      Whitening.Network network,
      double radiusM,
      int blockRows,
      String split,
      double[] whitenedCurve,
      double[] unwhitenedCurve) {
    String mode = s.get(EvalSettings.PCA);
    if (mode.equals("false")) {
      return Whitening.Choice.none("searched unwhitened (eval.pca = false)");
    }
    if (pca == null) {
      return Whitening.Choice.none(
          "searched unwhitened: the "
              + EvalSettings.pcaFitSplit(s)
              + " split has no database images to fit PCA on (eval.pca = auto,"
              + " eval.pca-fit-split)");
    }
    if (mode.equals("true")) {
      return new Whitening.Choice(
          pca, true, "searched whitened (eval.pca = true)", Whitening.sampleWarning(pca), Map.of());
    }
    double[] valCurves =
        split.equals("val") ? new double[] {whitenedCurve[0], unwhitenedCurve[0]} : null;
    return Whitening.decideOnVal(spark, run, pca, network, radiusM, blockRows, valCurves);
  }

  private static double seconds(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}
