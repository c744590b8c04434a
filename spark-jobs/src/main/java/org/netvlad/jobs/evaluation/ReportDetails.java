package org.netvlad.jobs.evaluation;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.config.EvalSettings;
import org.netvlad.common.config.MiningSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.TrainSettings;

/**
 * What the report shows beyond the Recall@N figures: the map of queries by first correct rank and
 * the example retrievals, gathered from evaluation/per_query and the split's panoramas. Only the
 * map's coordinates (packed, one array per partition) and the examples' rows reach the driver.
 */
public record ReportDetails(
    byte[] mapPng, List<ReportExamples.Example> examples, int maxN, double radiusM) {
  public static ReportDetails gather(
      SparkSession spark,
      SplitImages images,
      Path perQueryFolder,
      Thumbnails thumbnails,
      PipelineConfig s) {
    int[] ns = TrainSettings.recallAt(s);
    int maxN = ns[ns.length - 1];
    double radiusM = s.get(MiningSettings.NEGATIVE_RADIUS_M);
    Dataset<Row> perQuery = spark.read().parquet(perQueryFolder.toString());
    byte[] map = QueryMap.png(mapPoints(perQuery, images.database), maxN);
    int count = Math.toIntExact(s.get(EvalSettings.REPORT_EXAMPLES));
    List<ReportExamples.Example> examples =
        count == 0
            ? List.of()
            : examples(perQuery, images, count, s.get(TrainSettings.SEED), radiusM, thumbnails);
    return new ReportDetails(map, examples, maxN, radiusM);
  }

  static QueryMap.Points mapPoints(Dataset<Row> perQuery, JavaRDD<SplitImages.Image> database) {
    double[] q =
        concat(
            perQuery
                .select("easting_m", "northing_m", "first_correct_rank")
                .javaRDD()
                .mapPartitions(
                    rows -> {
                      DoubleList out = new DoubleList();
                      rows.forEachRemaining(
                          r -> out.add(r.getDouble(0), r.getDouble(1), r.getInt(2)));
                      return List.of(out.toArray()).iterator();
                    })
                .collect());
    double[] d =
        concat(
            database
                .mapPartitions(
                    rows -> {
                      DoubleList out = new DoubleList();
                      rows.forEachRemaining(i -> out.add(i.eastingM, i.northingM));
                      return List.of(out.toArray()).iterator();
                    })
                .collect());
    int queries = q.length / 3;
    double[] qe = new double[queries];
    double[] qn = new double[queries];
    int[] rank = new int[queries];
    for (int i = 0; i < queries; i++) {
      qe[i] = q[3 * i];
      qn[i] = q[3 * i + 1];
      rank[i] = (int) q[3 * i + 2];
    }
    double[] de = new double[d.length / 2];
    double[] dn = new double[d.length / 2];
    for (int i = 0; i < de.length; i++) {
      de[i] = d[2 * i];
      dn[i] = d[2 * i + 1];
    }
    return new QueryMap.Points(de, dn, qe, qn, rank);
  }

  private static List<ReportExamples.Example> examples(
      Dataset<Row> perQuery,
      SplitImages images,
      int count,
      long seed,
      double radiusM,
      Thumbnails thumbnails) {
    JavaRDD<ExampleChoice.Candidate> candidates =
        perQuery
            .select("query_id", "first_correct_rank")
            .javaRDD()
            .map(r -> new ExampleChoice.Candidate(r.getString(0), r.getInt(1), seed));
    List<String> chosen =
        ExampleChoice.choose(
            candidates
                .filter(ExampleChoice.Candidate::failure)
                .takeOrdered(count, new ExampleChoice.ByKey()),
            candidates.filter(c -> !c.failure()).takeOrdered(count, new ExampleChoice.ByKey()),
            count);
    Map<String, Row> rows = new HashMap<>();
    for (Row r : perQuery.filter(col("query_id").isin(chosen.toArray())).collectAsList()) {
      rows.put(r.getString(r.fieldIndex("query_id")), r);
    }
    Set<Long> wantedDb = new HashSet<>();
    rows.values()
        .forEach(
            r -> {
              List<Long> top = r.getList(r.fieldIndex("top_db_indices"));
              wantedDb.addAll(top.subList(0, Math.min(ReportExamples.SHOWN_RANKS, top.size())));
            });
    Set<String> wantedQueries = new HashSet<>(chosen);
    Map<Long, ReportExamples.Place> database = new HashMap<>();
    images
        .database
        .filter(i -> wantedDb.contains(i.index))
        .collect()
        .forEach(i -> database.put(i.index, place(i)));
    Map<String, String> queryPaths = new HashMap<>();
    images
        .queries
        .filter(i -> wantedQueries.contains(i.imageId))
        .collect()
        .forEach(i -> queryPaths.put(i.imageId, i.path));
    List<ReportExamples.Example> out = new ArrayList<>();
    for (String id : chosen) {
      out.add(
          ReportExamples.of(
              result(rows.get(id), queryPaths.get(id)), database, radiusM, thumbnails::of));
    }
    return out;
  }

  private static ReportExamples.Place place(SplitImages.Image i) {
    return new ReportExamples.Place(i.imageId, i.path, i.eastingM, i.northingM);
  }

  private static ReportExamples.Result result(Row r, String path) {
    List<Long> indices = r.getList(r.fieldIndex("top_db_indices"));
    List<Double> distances = r.getList(r.fieldIndex("top_sq_distances"));
    ReportExamples.Place query =
        new ReportExamples.Place(
            r.getString(r.fieldIndex("query_id")),
            path,
            r.getDouble(r.fieldIndex("easting_m")),
            r.getDouble(r.fieldIndex("northing_m")));
    return new ReportExamples.Result(
        query,
        indices.stream().mapToLong(Long::longValue).toArray(),
        distances.stream().mapToDouble(Double::doubleValue).toArray(),
        r.getInt(r.fieldIndex("first_correct_rank")));
  }

  private static double[] concat(List<double[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    double[] out = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** A growable array of doubles: one per partition, not an object per point. */
  private static final class DoubleList {
    private double[] values = new double[1024];
    private int size;

    void add(double... more) {
      if (size + more.length > values.length) {
        values = Arrays.copyOf(values, Math.max(2 * values.length, size + more.length));
      }
      System.arraycopy(more, 0, values, size, more.length);
      size += more.length;
    }

    double[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
