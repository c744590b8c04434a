package org.netvlad.jobs.evaluation;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.netvlad.common.eval.Pca;
import org.netvlad.common.eval.TopList;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.io.Boxed;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;
import scala.Tuple2;

/**
 * What extract-and-evaluate writes: rejected images, descriptors, PCA, per-query results, metrics
 * and report.
 */
public final class EvaluationFiles {
  public static final StructType REJECTED =
      new StructType()
          .add("image_id", StringType, false)
          .add("role", StringType, false)
          .add("path", StringType, false)
          .add("reason", StringType, false);

  public static final StructType PER_QUERY =
      new StructType()
          .add("query_id", StringType, false)
          .add("easting_m", DoubleType, false)
          .add("northing_m", DoubleType, false)
          .add("top_image_ids", createArrayType(StringType, false), false)
          .add("top_db_indices", createArrayType(LongType, false), false)
          .add("top_sq_distances", createArrayType(DoubleType, false), false)
          .add("first_correct_rank", IntegerType, false)
          .add("condition", StringType, true)
          .add("captured_at", StringType, true);

  public static final StructType PCA_COMPONENTS =
      new StructType()
          .add("component", IntegerType, false)
          .add("eigenvalue", DoubleType, false)
          .add("whitening", createArrayType(FloatType, false), false);

  private EvaluationFiles() {}

  /** Images of the split, and how many of them could not be read. */
  public record Counts(
      long database,
      long queries,
      long rejectedDatabase,
      long rejectedQueries,
      String firstReason) {
    public long rejected() {
      return rejectedDatabase + rejectedQueries;
    }
  }

  public static Counts writeRejected(
      SparkSession spark,
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> db,
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> queries,
      Path target) {
    Map<Boolean, Long> dbOk = db.map(r -> r._2().ok()).countByValue();
    Map<Boolean, Long> queryOk = queries.map(r -> r._2().ok()).countByValue();
    JavaRDD<Row> rejected =
        db.filter(r -> !r._2().ok())
            .map(r -> RowFactory.create(r._1().imageId, "database", r._1().path, r._2().error))
            .union(
                queries
                    .filter(r -> !r._2().ok())
                    .map(
                        r ->
                            RowFactory.create(r._1().imageId, "query", r._1().path, r._2().error)));
    IoFailures.writing(
        target,
        () ->
            spark
                .createDataFrame(rejected, REJECTED)
                .coalesce(1)
                .write()
                .parquet(target.toString()));
    long dbBad = dbOk.getOrDefault(false, 0L);
    long queryBad = queryOk.getOrDefault(false, 0L);
    String first = dbBad + queryBad == 0 ? "" : rejected.first().getString(3);
    return new Counts(
        dbOk.getOrDefault(true, 0L) + dbBad,
        queryOk.getOrDefault(true, 0L) + queryBad,
        dbBad,
        queryBad,
        first);
  }

  /**
   * {@code pca/components} (Parquet: eigenvalue and whitening row per component) and {@code
   * pca/pca.json} (mean, sizes).
   */
  public static void writePca(SparkSession spark, Pca pca, Path target, RunFolder out) {
    List<Row> rows = new ArrayList<>();
    double[] lambdas = pca.eigenvalues();
    for (int k = 0; k < pca.outputDims(); k++) {
      rows.add(RowFactory.create(k, lambdas[k], Boxed.of(pca.whiteningRow(k))));
    }
    Path components = new Path(target, "components");
    IoFailures.writing(
        components,
        () ->
            spark
                .createDataFrame(rows, PCA_COMPONENTS)
                .coalesce(1)
                .write()
                .parquet(components.toString()));
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("input_dims", pca.inputDims());
    about.put("output_dims", pca.outputDims());
    about.put("sample_count", pca.sampleCount());
    about.put("epsilon", Pca.EPSILON);
    about.put("shrinkage", pca.shrinkage());
    about.put(
        "formula",
        "y = normalise(W (x - mean)), W row k = u_k / sqrt(lambda_k + epsilon + shrinkage"
            + " mean(lambda))");
    about.put("mean", pca.mean());
    out.writeText(new Path(target, "pca.json"), JobMain.toJson(about));
  }

  /**
   * {@code descriptors/<set>/}: image id, index, searched descriptor, the network's descriptor when
   * whitening is searched, position, model id.
   */
  public static void writeDescriptors(
      SparkSession spark,
      JavaRDD<Evaluated.Row> rows,
      String modelId,
      Path target,
      boolean whitened) {
    StructType schema =
        new StructType()
            .add("image_id", StringType, false)
            .add("index", LongType, false)
            .add("descriptor", createArrayType(FloatType, false), false);
    if (whitened) {
      schema = schema.add("network_descriptor", createArrayType(FloatType, false), false);
    }
    schema =
        schema
            .add("easting_m", DoubleType, false)
            .add("northing_m", DoubleType, false)
            .add("model_id", StringType, false);
    JavaRDD<Row> table =
        rows.map(
            r ->
                whitened
                    ? RowFactory.create(
                        r.image.imageId,
                        r.image.index,
                        Boxed.of(r.whitened),
                        Boxed.of(r.raw),
                        r.image.eastingM,
                        r.image.northingM,
                        modelId)
                    : RowFactory.create(
                        r.image.imageId,
                        r.image.index,
                        Boxed.of(r.raw),
                        r.image.eastingM,
                        r.image.northingM,
                        modelId));
    StructType columns = schema;
    IoFailures.writing(
        target, () -> spark.createDataFrame(table, columns).write().parquet(target.toString()));
  }

  /**
   * {@code evaluation/per_query/}: every readable query's top N (image ids, database indices,
   * squared distances) and first correct rank (0: none of the N within the radius).
   */
  public static void writePerQuery(
      SparkSession spark,
      JavaPairRDD<Long, TopList> top,
      JavaRDD<Evaluated.Row> queries,
      JavaRDD<Evaluated.Row> db,
      Path target) {
    JavaPairRDD<Long, Tuple2<Long, Integer>> wanted =
        top.flatMapToPair(
            t -> {
              long[] indices = t._2().dbIndices();
              List<Tuple2<Long, Tuple2<Long, Integer>>> out = new ArrayList<>(indices.length);
              for (int r = 0; r < indices.length; r++) {
                out.add(new Tuple2<>(indices[r], new Tuple2<>(t._1(), r)));
              }
              return out.iterator();
            });
    JavaPairRDD<Long, Iterable<Tuple2<Integer, String>>> ids =
        wanted
            .join(db.mapToPair(r -> new Tuple2<>(r.image.index, r.image.imageId)))
            .mapToPair(
                x -> new Tuple2<>(x._2()._1()._1(), new Tuple2<>(x._2()._1()._2(), x._2()._2())))
            .groupByKey();
    JavaRDD<Row> rows =
        queries
            .mapToPair(r -> new Tuple2<>(r.image.index, r.image))
            .join(top)
            .leftOuterJoin(ids)
            .map(
                x -> {
                  SplitImages.Image q = x._2()._1()._1();
                  TopList list = x._2()._1()._2();
                  String[] names = new String[list.size()];
                  if (x._2()._2().isPresent()) {
                    for (Tuple2<Integer, String> e : x._2()._2().get()) {
                      names[e._1()] = e._2();
                    }
                  }
                  return RowFactory.create(
                      q.imageId,
                      q.eastingM,
                      q.northingM,
                      names,
                      Boxed.of(list.dbIndices()),
                      Boxed.of(list.squaredDistances()),
                      list.firstCorrectRank(),
                      q.condition,
                      q.capturedAt);
                });
    IoFailures.writing(
        target, () -> spark.createDataFrame(rows, PER_QUERY).write().parquet(target.toString()));
  }

  /**
   * How many queries have each first correct rank, index = rank (0 = none of the N within the
   * radius).
   */
  public static long[] rankCounts(JavaPairRDD<Long, TopList> top, int n) {
    Map<Integer, Long> byRank = top.map(t -> t._2().firstCorrectRank()).countByValue();
    long[] counts = new long[n + 1];
    byRank.forEach((rank, count) -> counts[rank] += count);
    return counts;
  }

  /**
   * Recall@1..N: the share of all queries (unreadable ones count as missed) with a first correct
   * rank of at most N.
   */
  public static double[] curve(long[] rankCounts, long queries) {
    double[] out = new double[rankCounts.length - 1];
    long hits = 0;
    for (int n = 1; n < rankCounts.length; n++) {
      hits += rankCounts[n];
      out[n - 1] = queries == 0 ? 0 : (double) hits / queries;
    }
    return out;
  }

  /** Recall@N at each N of {@code ns}, keyed by N, as metrics.json holds it. */
  public static Map<String, Object> recallAt(int[] ns, double[] curve) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int n : ns) {
      out.put(Integer.toString(n), curve[n - 1]);
    }
    return out;
  }

  public static String recallText(int[] ns, double[] curve) {
    StringBuilder b = new StringBuilder();
    for (int n : ns) {
      b.append(b.length() == 0 ? "" : ", ").append(String.format("R@%d %.3f", n, curve[n - 1]));
    }
    return b.toString();
  }

  /**
   * The evaluations {@code eval.compare} names, read up front so that a wrong path fails before any
   * work.
   */
  public static List<EvaluationReport.Entry> readCompared(
      Map<String, String> labelled, Configuration hadoop) {
    List<EvaluationReport.Entry> out = new ArrayList<>();
    for (Map.Entry<String, String> e : labelled.entrySet()) {
      Path metrics = new Path(new Path(e.getValue(), "evaluation"), "metrics.json");
      try {
        FileSystem fs = metrics.getFileSystem(hadoop);
        if (!fs.exists(metrics)) {
          throw new JobFailure(
              "eval.compare: "
                  + e.getKey()
                  + "="
                  + e.getValue()
                  + " has no "
                  + metrics
                  + " (run extract-and-evaluate there first)");
        }
        Map<String, Object> m =
            JobMain.fromJson(
                new String(
                    RunFolder.readBytes(fs, metrics), java.nio.charset.StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        List<Number> curve = (List<Number>) m.get("recall_curve");
        if (curve == null) {
          throw new JobFailure(
              "eval.compare: "
                  + metrics
                  + " has no recall_curve; is it an extract-and-evaluate metrics.json?");
        }
        String about =
            m.get("label")
                + " ("
                + e.getValue()
                + ", "
                + m.get("split")
                + " split, "
                + m.get("queries")
                + " queries)";
        out.add(
            new EvaluationReport.Entry(
                e.getKey(), curve.stream().mapToDouble(Number::doubleValue).toArray(), about));
        // the other of the two searches, when the evaluation made both
        boolean whitenedSearched =
            m.containsKey("searched")
                ? "whitened".equals(m.get("searched"))
                : ((Number) m.getOrDefault("pca_dims", 0)).intValue() > 0;
        String other = whitenedSearched ? "unwhitened" : "whitened";
        @SuppressWarnings("unchecked")
        List<Number> otherCurve = (List<Number>) m.get("recall_curve_" + other);
        if (otherCurve != null) {
          out.add(
              new EvaluationReport.Entry(
                  e.getKey() + " (" + other + ")",
                  otherCurve.stream().mapToDouble(Number::doubleValue).toArray(),
                  about + (whitenedSearched ? ", without PCA" : ", PCA-whitened")));
        }
      } catch (IOException | RuntimeException ex) {
        if (ex instanceof JobFailure f) {
          throw f;
        }
        throw new JobFailure("eval.compare: cannot read " + metrics + ": " + ex.getMessage(), ex);
      }
    }
    return out;
  }

  /**
   * {@code evaluation/metrics.json}, {@code recall.png} and {@code report.html} (with the curves,
   * map and examples inside).
   */
  public static void writeReport(
      RunFolder out,
      Path folder,
      Map<String, Object> metrics,
      List<EvaluationReport.Entry> entries,
      int[] ns,
      ReportDetails details) {
    Map<String, Object> withoutSettings = new LinkedHashMap<>(metrics);
    withoutSettings.remove("settings");
    withoutSettings.remove("recall_curve");
    withoutSettings.remove("recall_curve_unwhitened");
    withoutSettings.remove("recall_curve_whitened");
    out.writeText(new Path(folder, "metrics.json"), JobMain.toJson(metrics));
    byte[] curves = EvaluationReport.curvePng(entries);
    try (OutputStream png = out.fs().create(new Path(folder, "recall.png"), true)) {
      png.write(curves);
    } catch (IOException e) {
      throw IoFailures.failure("writing", new Path(folder, "recall.png"), e, e);
    }
    out.writeText(
        new Path(folder, "report.html"),
        ReportPage.html(entries, ns, withoutSettings, curves, details));
  }
}
