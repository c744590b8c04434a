package org.netvlad.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.netvlad.common.data.FrameProjector;
import org.netvlad.common.data.ImagePaths;
import org.netvlad.common.data.PanoramaParser;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.RejectReason;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.geo.UtmZone;
import org.netvlad.jobs.io.Iterators;
import org.netvlad.jobs.io.Tables;

/**
 * Validation of raw rows into the {@code panoramas/} and {@code rejected/} tables.
 *
 * <ol>
 *   <li>Choose the mining frame: the configured zone, or the zone most rows lie in (a light pass
 *       that reads zones without projecting).
 *   <li>Parse, check (positions, and image paths against the image root) and project every row
 *       into the frame, in one pass.
 *   <li>Refuse every copy of a repeated image id (only ids are shuffled), and give each split's
 *       database images dense indices 0..n-1 in input order (input files in name order, rows in
 *       file order), which exact negative sampling relies on.
 * </ol>
 */
public final class Ingest {
  /** The accepted panoramas ({@link Tables#PANORAMA_INDEXED}) and the rejections. */
  public record Result(Dataset<Row> panoramas, Dataset<Row> rejected, UtmZone frameZone, long rowsIn) {}

  private Ingest() {}

  public static Result run(
      SparkSession spark,
      JavaRDD<RawRow> raw,
      Role defaultRole,
      Split defaultSplit,
      ImagePaths imagePaths,
      String frameZoneSetting,
      double maxFrameOffsetDeg,
      org.netvlad.jobs.cli.Progress progress) {
    UtmZone frameZone = chooseFrame(raw, frameZoneSetting);
    progress.say("ingest: mining frame is UTM zone " + frameZone);
    JavaRDD<Row> parsed =
        raw.mapPartitions(rows -> parseAndProject(rows, defaultRole, defaultSplit, imagePaths, frameZone, maxFrameOffsetDeg));
    Dataset<Row> outcomes = spark.createDataFrame(parsed, Tables.OUTCOME).persist(StorageLevel.MEMORY_AND_DISK_SER());
    long rowsIn = outcomes.count();
    progress.say(String.format("ingest: %,d rows parsed", rowsIn));

    Dataset<Row> valid = outcomes.filter(col("reason").isNull());
    Dataset<Row> duplicateIds =
        sharingAHash(valid)
            .groupBy("image_id")
            .agg(
                count(lit(1)).as("copies"),
                min(struct(col("source"), col("row_number"))).as("first"))
            .filter(col("copies").gt(1));
    // A broadcast anti-join keeps the accepted rows in their input partitions and order.
    Dataset<Row> accepted = valid.join(broadcast(duplicateIds.select("image_id")), valid.col("image_id").equalTo(duplicateIds.col("image_id")), "left_anti");
    Map<Integer, Map<String, Long>> offsets = databaseOffsets(accepted);
    JavaRDD<Row> indexed =
        accepted.javaRDD().mapPartitionsWithIndex((p, rows) -> index(rows, offsets.get(p)), true);
    Dataset<Row> panoramas = spark.createDataFrame(indexed, Tables.PANORAMA_INDEXED);
    Dataset<Row> duplicates =
        valid
            .join(broadcast(duplicateIds), "image_id")
            .select(
                col("source"),
                col("row_number"),
                col("image_id"),
                lit(RejectReason.DUPLICATE_IMAGE_ID.code()).as("reason"),
                format_string(
                        "image_id '%s' appears %d times (first at %s:%d)",
                        col("image_id"), col("copies"), col("first.source"), col("first.row_number"))
                    .as("detail"));
    Dataset<Row> rejected =
        outcomes
            .filter(col("reason").isNotNull())
            .select("source", "row_number", "image_id", "reason", "detail")
            .unionByName(duplicates);
    return new Result(panoramas, rejected, frameZone, rowsIn);
  }

  /**
   * The rows whose image id's 64-bit hash another row shares: every duplicate among them, found by
   * grouping fixed-width hashes (grouping a million distinct id strings took 8 s on 2 cores).
   */
  private static Dataset<Row> sharingAHash(Dataset<Row> valid) {
    Dataset<Row> hashed = valid.withColumn("id_hash", xxhash64(col("image_id")));
    Dataset<Row> shared = hashed.groupBy("id_hash").count().filter(col("count").gt(1)).select("id_hash");
    return hashed.join(broadcast(shared), "id_hash").drop("id_hash");
  }

  private static UtmZone chooseFrame(JavaRDD<RawRow> raw, String setting) {
    if (!"auto".equals(setting)) {
      return UtmZone.parse(setting);
    }
    Map<String, Long> rowsByZone =
        raw.mapPartitions(
                rows -> {
                  Map<String, Long> counts = new HashMap<>();
                  while (rows.hasNext()) {
                    String zone = PanoramaParser.zoneOf(rows.next());
                    if (zone != null) {
                      counts.merge(zone, 1L, Long::sum);
                    }
                  }
                  return List.of(counts).iterator();
                })
            // fold, not reduce: inputs without a single row (an empty JSON-lines file) give no partitions
            .fold(
                new HashMap<>(),
                (a, b) -> {
                  Map<String, Long> m = new HashMap<>(a);
                  b.forEach((k, v) -> m.merge(k, v, Long::sum));
                  return m;
                });
    return rowsByZone.isEmpty() ? null : FrameProjector.chooseZone("auto", new TreeMap<>(rowsByZone));
  }

  private static Iterator<Row> parseAndProject(
      Iterator<RawRow> rows, Role role, Split split, ImagePaths imagePaths, UtmZone frameZone, double maxOffsetDeg) {
    PanoramaParser parser = new PanoramaParser(role, split, imagePaths);
    FrameProjector projector = frameZone == null ? null : new FrameProjector(frameZone, maxOffsetDeg);
    return Iterators.map(
        rows,
        raw -> {
          PanoramaParser.Outcome o = parser.parse(raw);
          if (o.panorama() != null && projector != null) {
            o = projector.project(o.panorama());
          }
          return o.panorama() != null ? Tables.outcome(o.panorama()) : Tables.outcome(o.rejection());
        });
  }

  /** For each partition, the database index each split starts at in it (input order). */
  private static Map<Integer, Map<String, Long>> databaseOffsets(Dataset<Row> accepted) {
    List<Row> counts =
        accepted.filter(col("role").equalTo(Role.DATABASE.text()))
            .groupBy(spark_partition_id().as("partition"), col("split"))
            .count()
            .collectAsList();
    Map<Integer, Map<String, Long>> countsByPartition = new TreeMap<>();
    for (Row r : counts) {
      countsByPartition.computeIfAbsent(r.getInt(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
    }
    Map<Integer, Map<String, Long>> offsets = new HashMap<>();
    Map<String, Long> running = new TreeMap<>();
    for (int p = 0; p < accepted.javaRDD().getNumPartitions(); p++) {
      offsets.put(p, new HashMap<>(running));
      countsByPartition.getOrDefault(p, Map.of()).forEach((split, n) -> running.merge(split, n, Long::sum));
    }
    return offsets;
  }

  /** Accepted rows of one partition with their database index (null for queries), streamed. */
  private static Iterator<Row> index(Iterator<Row> rows, Map<String, Long> startBySplit) {
    int role = Tables.OUTCOME.fieldIndex("role");
    int split = Tables.OUTCOME.fieldIndex("split");
    Map<String, Long> next = new HashMap<>(startBySplit);
    return Iterators.map(
        rows,
        r -> {
          Object[] values = new Object[Tables.PANORAMA_INDEXED.size()];
          for (int i = 0; i < Tables.PANORAMA.size(); i++) {
            values[i] = r.get(i);
          }
          if (Role.DATABASE.text().equals(r.getString(role))) {
            long index = next.getOrDefault(r.getString(split), 0L);
            values[Tables.PANORAMA.size()] = index;
            next.put(r.getString(split), index + 1);
          }
          return RowFactory.create(values);
        });
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
