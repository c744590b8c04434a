package org.netvlad.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.data.FrameProjector;
import org.netvlad.common.data.PanoramaParser;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.RejectReason;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.geo.UtmZone;
import org.netvlad.jobs.io.Tables;
import scala.Tuple2;

/**
 * Validation of raw rows into the {@code panoramas/} and {@code rejected/} tables: parse and check
 * each row, choose the mining frame, project into it, refuse duplicate ids, and number each
 * split's database images densely (ordered by image id) for exact negative sampling.
 */
public final class Ingest {
  /** The accepted panoramas ({@link Tables#PANORAMA_INDEXED}) and the rejections. */
  public record Result(
      Dataset<Row> panoramas, Dataset<Row> rejected, UtmZone frameZone, long rowsIn) {}

  private Ingest() {}

  public static Result run(
      SparkSession spark,
      JavaRDD<RawRow> raw,
      Role defaultRole,
      Split defaultSplit,
      String frameZoneSetting,
      double maxFrameOffsetDeg) {
    JavaRDD<Row> parsed = raw.mapPartitions(rows -> parseAll(rows, defaultRole, defaultSplit));
    Dataset<Row> outcomes = spark.createDataFrame(parsed, Tables.OUTCOME).persist();
    long rowsIn = outcomes.count();

    Map<String, Long> rowsByZone = new TreeMap<>();
    for (Row r : outcomes.filter(col("reason").isNull()).groupBy("utm_zone").count().collectAsList()) {
      rowsByZone.put(r.getString(0), r.getLong(1));
    }
    UtmZone frameZone =
        rowsByZone.isEmpty() ? null : FrameProjector.chooseZone(frameZoneSetting, rowsByZone);
    Dataset<Row> framed =
        frameZone == null
            ? outcomes
            : outcomes.mapPartitions(
                new Projector(frameZone, maxFrameOffsetDeg), Encoders.row(Tables.OUTCOME));

    Dataset<Row> accepted = framed.filter(col("reason").isNull()).drop("reason", "detail");
    Dataset<Row> duplicateIds =
        accepted
            .groupBy("image_id")
            .agg(
                count(lit(1)).as("copies"),
                min(concat(col("source"), lit(":"), col("row_number"))).as("first_at"))
            .filter(col("copies").gt(1));
    Dataset<Row> duplicates =
        accepted
            .join(duplicateIds, "image_id")
            .select(
                col("source"),
                col("row_number"),
                col("image_id"),
                lit(RejectReason.DUPLICATE_IMAGE_ID.code()).as("reason"),
                format_string(
                        "image_id '%s' appears %d times (first at %s)",
                        col("image_id"), col("copies"), col("first_at"))
                    .as("detail"));
    Dataset<Row> unique = accepted.join(duplicateIds.select("image_id"), accepted.col("image_id").equalTo(duplicateIds.col("image_id")), "left_anti");
    Dataset<Row> rejected =
        framed
            .filter(col("reason").isNotNull())
            .select("source", "row_number", "image_id", "reason", "detail")
            .unionByName(duplicates);
    return new Result(indexDatabase(spark, unique), rejected, frameZone, rowsIn);
  }

  private static Iterator<Row> parseAll(Iterator<RawRow> rows, Role role, Split split) {
    PanoramaParser parser = new PanoramaParser(role, split);
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      PanoramaParser.Outcome o = parser.parse(rows.next());
      out.add(o.panorama() != null ? Tables.outcome(o.panorama()) : Tables.outcome(o.rejection()));
    }
    return out.iterator();
  }

  /** Gives each split's database images indices 0..n-1 in image-id order; queries get null. */
  private static Dataset<Row> indexDatabase(SparkSession spark, Dataset<Row> panoramas) {
    Dataset<Row> database = panoramas.filter(col("role").equalTo(Role.DATABASE.text()));
    Map<String, Long> offsetBySplit = new TreeMap<>();
    long offset = 0;
    for (Row r : database.groupBy("split").count().orderBy("split").collectAsList()) {
      offsetBySplit.put(r.getString(0), offset);
      offset += r.getLong(1);
    }
    int splitIndex = Tables.PANORAMA.fieldIndex("split");
    JavaRDD<Row> indexed =
        database
            .orderBy("split", "image_id")
            .javaRDD()
            .zipWithIndex()
            .map(
                (Tuple2<Row, Long> t) -> {
                  Row r = t._1();
                  Object[] values = new Object[r.size() + 1];
                  for (int i = 0; i < r.size(); i++) {
                    values[i] = r.get(i);
                  }
                  values[r.size()] = t._2() - offsetBySplit.get(r.getString(splitIndex));
                  return RowFactory.create(values);
                });
    Dataset<Row> queries =
        panoramas
            .filter(col("role").equalTo(Role.QUERY.text()))
            .withColumn("db_index", lit(null).cast("long"));
    return spark.createDataFrame(indexed, Tables.PANORAMA_INDEXED).unionByName(queries);
  }

  /** Projects accepted outcomes into the mining frame; rejections pass through. */
  static final class Projector implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final UtmZone frameZone;
    private final double maxOffsetDeg;

    Projector(UtmZone frameZone, double maxOffsetDeg) {
      this.frameZone = frameZone;
      this.maxOffsetDeg = maxOffsetDeg;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      FrameProjector projector = new FrameProjector(frameZone, maxOffsetDeg);
      List<Row> out = new ArrayList<>();
      int reason = Tables.OUTCOME.fieldIndex("reason");
      while (rows.hasNext()) {
        Row r = rows.next();
        if (!r.isNullAt(reason)) {
          out.add(r);
          continue;
        }
        PanoramaParser.Outcome o = projector.project(Tables.panorama(r));
        out.add(o.panorama() != null ? Tables.outcome(o.panorama()) : Tables.outcome(o.rejection()));
      }
      return out.iterator();
    }
  }

  /** Pairs of (reason, count), most frequent first. */
  public static Map<String, Long> countByReason(Dataset<Row> rejected) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (Row r : rejected.groupBy("reason").count().orderBy(col("count").desc(), col("reason")).collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }
}
