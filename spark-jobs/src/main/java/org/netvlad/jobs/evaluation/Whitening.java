package org.netvlad.jobs.evaluation;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.netvlad.common.eval.Pca;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.descriptors.DistributedRecall;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.io.RunFolder;

/**
 * PCA whitening of an evaluation: fitted on a split's database sample (the training database by
 * default, as the paper), and, under {@code eval.pca = auto}, searched only when it does not lower
 * Recall@1 on the val split: on a small or synthetic city whitening can cost more than it gives,
 * and a fixed choice would hide that.
 */
public final class Whitening {
  /**
   * Below this many sample descriptors per output dimension the smallest eigenvalues are mostly
   * noise.
   */
  static final double MIN_SAMPLES_PER_DIM = 2;

  private Whitening() {}

  /** What the evaluation searches: the fitted PCA (or none), whether it is applied, and why. */
  public record Choice(
      Pca pca, boolean applied, String reason, String warning, Map<String, Object> validation) {
    public static Choice none(String reason) {
      return new Choice(null, false, reason, "", Map.of());
    }
  }

  /**
   * The network and how to read database images and queries, for the descriptors whitening needs
   * beyond the evaluated split.
   */
  public record Network(
      Broadcast<byte[]> weights,
      ImageReader reader,
      ImageReader queryReader,
      int batch,
      long seed) {}

  /**
   * Fits PCA on the fit split's database sample (the evaluated database itself when the fit split
   * is the evaluated one); null when auto finds no database to fit on.
   */
  public static Pca fit(
      SparkSession spark,
      RunFolder run,
      String fitSplit,
      String evaluatedSplit,
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> evaluatedDb,
      Network net,
      long sample,
      int dims,
      int descriptorLength,
      boolean required) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    boolean own = fitSplit.equals(evaluatedSplit);
    JavaRDD<PcaFit.Keyed> keyed =
        own
            ? evaluatedDb
                .filter(r -> r._2().ok())
                .map(r -> new PcaFit.Keyed(r._1().imageId, r._2().descriptor))
            : sampleOf(spark, run, fitSplit, sample, net);
    try {
      if (keyed == null) {
        if (required) {
          throw new JobFailure(
              "eval.pca = true, eval.pca-fit-split = "
                  + fitSplit
                  + ": the "
                  + fitSplit
                  + " split has no database images in "
                  + run.resolve("panoramas")
                  + " (set eval.pca-fit-split = evaluated, or eval.pca = false)");
        }
        return null;
      }
      return PcaFit.fit(sc, keyed, descriptorLength, sample, dims, net.seed());
    } catch (IllegalArgumentException e) {
      throw new JobFailure(
          "PCA whitening (eval.pca, eval.pca-fit-split = " + fitSplit + "): " + e.getMessage(), e);
    } finally {
      if (!own && keyed != null) {
        keyed.unpersist(false);
      }
    }
  }

  /** A warning when the sample is too small for the output dimensions, else empty. */
  public static String sampleWarning(Pca pca) {
    if (pca.sampleCount() >= MIN_SAMPLES_PER_DIM * pca.outputDims()) {
      return "";
    }
    return String.format(
        "PCA whitening to %d dims fitted on only %d descriptors (fewer than %.0f per dimension):"
            + " the smallest eigenvalues are mostly noise and whitening amplifies them; lower"
            + " eval.pca-dims to at most %d, fit on a larger database (eval.pca-fit-split,"
            + " eval.pca-sample) or raise eval.pca-shrinkage",
        pca.outputDims(),
        pca.sampleCount(),
        MIN_SAMPLES_PER_DIM,
        Math.max(1, (long) (pca.sampleCount() / MIN_SAMPLES_PER_DIM)));
  }

  /**
   * Under auto: whitening is searched when val Recall@1 whitened is at least val Recall@1 of the
   * network's descriptors. When the evaluated split is val, its own curves decide (given here).
   */
  public static Choice decideOnVal(
      SparkSession spark,
      RunFolder run,
      Pca pca,
      Network net,
      double radiusM,
      int blockRows,
      double[] evaluatedValCurves) {
    double whitenedR1;
    double rawR1;
    long queries;
    if (evaluatedValCurves != null) {
      whitenedR1 = evaluatedValCurves[0];
      rawR1 = evaluatedValCurves[1];
      queries = -1;
    } else {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      SplitImages val = SplitImages.read(spark, run, "val");
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> dbRaw =
          Extraction.descriptors(sc, val.database, net, false);
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> queryRaw =
          Extraction.descriptors(sc, val.queries, net, true);
      Broadcast<Pca> pcaB = sc.broadcast(pca);
      JavaRDD<Evaluated.Row> db =
          Evaluated.rows(dbRaw, pcaB, net.batch()).persist(StorageLevel.MEMORY_AND_DISK_SER());
      JavaRDD<Evaluated.Row> q =
          Evaluated.rows(queryRaw, pcaB, net.batch()).persist(StorageLevel.MEMORY_AND_DISK_SER());
      try {
        queries = queryRaw.count();
        if (queries == 0 || db.isEmpty()) {
          return new Choice(
              pca,
              false,
              "searched unwhitened: the val split has no queries or no database to decide on"
                  + " (eval.pca = auto)",
              sampleWarning(pca),
              Map.of());
        }
        whitenedR1 =
            recallAt1(
                q.map(r -> r.item(true)), db.map(r -> r.item(true)), radiusM, blockRows, queries);
        rawR1 =
            recallAt1(
                q.map(r -> r.item(false)), db.map(r -> r.item(false)), radiusM, blockRows, queries);
      } finally {
        db.unpersist(false);
        q.unpersist(false);
        dbRaw.unpersist(false);
        queryRaw.unpersist(false);
        pcaB.destroy();
      }
    }
    boolean applied = whitenedR1 >= rawR1;
    Map<String, Object> validation = new LinkedHashMap<>();
    validation.put("split", "val");
    if (queries >= 0) {
      validation.put("queries", queries);
    }
    validation.put("recall_at_1_whitened", whitenedR1);
    validation.put("recall_at_1_unwhitened", rawR1);
    String reason =
        String.format(
            "%s: on the val split whitening %s Recall@1 (%.3f whitened, %.3f unwhitened; eval.pca ="
                + " auto)",
            applied ? "searched whitened" : "searched unwhitened",
            applied ? "does not lower" : "lowers",
            whitenedR1,
            rawR1);
    return new Choice(pca, applied, reason, sampleWarning(pca), validation);
  }

  private static double recallAt1(
      JavaRDD<DistributedRecall.Item> queries,
      JavaRDD<DistributedRecall.Item> db,
      double radiusM,
      int blockRows,
      long queryCount) {
    return DistributedRecall.recall(queries, db, new int[] {1}, radiusM, blockRows, queryCount)[0];
  }

  /**
   * Descriptors of the sample PCA is fitted on from another split's database: only the images the
   * seeded hash picks are read. Unreadable ones are left out of the sample. Null when the split has
   * no database images.
   */
  private static JavaRDD<PcaFit.Keyed> sampleOf(
      SparkSession spark, RunFolder run, String split, long sample, Network net) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<SplitImages.Image> database = SplitImages.read(spark, run, split).database;
    JavaRDD<SplitImages.Image> picked =
        database.filter(PcaFit.sampled(database.map(i -> i.imageId), sample, net.seed()));
    if (picked.isEmpty()) {
      return null;
    }
    return Extraction.descriptors(sc, picked, net, false)
        .filter(r -> r._2().ok())
        .map(r -> new PcaFit.Keyed(r._1().imageId, r._2().descriptor))
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
  }
}
