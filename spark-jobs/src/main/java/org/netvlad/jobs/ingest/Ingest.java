package org.netvlad.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
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
import org.netvlad.common.data.PanoramaParser;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.RejectReason;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.geo.UtmZone;
import org.netvlad.jobs.io.Tables;
import scala.Tuple2;

/**
 * Validation of raw rows into the {@code panoramas/} and {@code rejected/} tables.
 *
 * <ol>
 *   <li>Choose the mining frame: the configured zone, or the zone most rows lie in (a light pass
 *       that reads zones without projecting).
 *   <li>Parse, check and project every row into the frame, in one pass.
 *   <li>Sort the accepted rows by image id (one shuffle): duplicate ids are then adjacent and are
 *       all refused, and each split's database images get dense indices in image-id order, which
 *       exact negative sampling relies on.
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
      String frameZoneSetting,
      double maxFrameOffsetDeg,
      long rowsPerPartition,
      int minPartitions) {
    UtmZone frameZone = chooseFrame(raw, frameZoneSetting);
    JavaRDD<Row> parsed =
        raw.mapPartitions(rows -> parseAndProject(rows, defaultRole, defaultSplit, frameZone, maxFrameOffsetDeg));
    Dataset<Row> outcomes = spark.createDataFrame(parsed, Tables.OUTCOME).persist(StorageLevel.MEMORY_AND_DISK_SER());
    long rowsIn = outcomes.count();
    int partitions = (int) Math.max(minPartitions, rowsIn / rowsPerPartition + 1);

    int reason = Tables.OUTCOME.fieldIndex("reason");
    JavaRDD<Row> byId =
        outcomes
            .filter(col("reason").isNull())
            .repartitionByRange(partitions, col("image_id"))
            .sortWithinPartitions("image_id", "source", "row_number")
            .javaRDD()
            .mapPartitions(Ingest::refuseDuplicates)
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    Map<Integer, Map<String, Long>> offsets = databaseOffsets(byId, reason);
    JavaRDD<Row> indexed =
        byId.mapPartitionsWithIndex((p, rows) -> index(rows, offsets.get(p), reason), true);
    Dataset<Row> panoramas = spark.createDataFrame(indexed, Tables.PANORAMA_INDEXED);
    Dataset<Row> duplicates = spark.createDataFrame(byId.filter(r -> !r.isNullAt(reason)), Tables.OUTCOME);
    Dataset<Row> rejected =
        outcomes
            .filter(col("reason").isNotNull())
            .unionByName(duplicates)
            .select("source", "row_number", "image_id", "reason", "detail");
    return new Result(panoramas, rejected, frameZone, rowsIn);
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
            .reduce(
                (a, b) -> {
                  Map<String, Long> m = new HashMap<>(a);
                  b.forEach((k, v) -> m.merge(k, v, Long::sum));
                  return m;
                });
    return rowsByZone.isEmpty() ? null : FrameProjector.chooseZone("auto", new TreeMap<>(rowsByZone));
  }

  private static Iterator<Row> parseAndProject(
      Iterator<RawRow> rows, Role role, Split split, UtmZone frameZone, double maxOffsetDeg) {
    PanoramaParser parser = new PanoramaParser(role, split);
    FrameProjector projector = frameZone == null ? null : new FrameProjector(frameZone, maxOffsetDeg);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        PanoramaParser.Outcome o = parser.parse(rows.next());
        if (o.panorama() != null && projector != null) {
          o = projector.project(o.panorama());
        }
        return o.panorama() != null ? Tables.outcome(o.panorama()) : Tables.outcome(o.rejection());
      }
    };
  }

  /** Rows sorted by image id in, the same rows out with every copy of a repeated id refused. */
  private static Iterator<Row> refuseDuplicates(Iterator<Row> sorted) {
    int id = Tables.OUTCOME.fieldIndex("image_id");
    int source = Tables.OUTCOME.fieldIndex("source");
    int rowNumber = Tables.OUTCOME.fieldIndex("row_number");
    List<Row> out = new ArrayList<>();
    List<Row> group = new ArrayList<>();
    while (sorted.hasNext() || !group.isEmpty()) {
      Row next = sorted.hasNext() ? sorted.next() : null;
      if (!group.isEmpty() && (next == null || !next.getString(id).equals(group.get(0).getString(id)))) {
        if (group.size() == 1) {
          out.add(group.get(0));
        } else {
          Row first = group.get(0);
          String detail =
              String.format(
                  "image_id '%s' appears %d times (first at %s:%d)",
                  first.getString(id), group.size(), first.getString(source), first.getLong(rowNumber));
          for (Row r : group) {
            out.add(withReason(r, RejectReason.DUPLICATE_IMAGE_ID.code(), detail));
          }
        }
        group.clear();
      }
      if (next != null) {
        group.add(next);
      }
    }
    return out.iterator();
  }

  private static Row withReason(Row r, String reason, String detail) {
    Object[] values = new Object[r.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(i);
    }
    values[Tables.OUTCOME.fieldIndex("reason")] = reason;
    values[Tables.OUTCOME.fieldIndex("detail")] = detail;
    return RowFactory.create(values);
  }

  /** For each sorted partition, the database index each split starts at in it. */
  private static Map<Integer, Map<String, Long>> databaseOffsets(JavaRDD<Row> byId, int reason) {
    int role = Tables.OUTCOME.fieldIndex("role");
    int split = Tables.OUTCOME.fieldIndex("split");
    List<Tuple2<Integer, Map<String, Long>>> counts =
        byId.mapPartitionsWithIndex(
                (p, rows) -> {
                  Map<String, Long> bySplit = new TreeMap<>();
                  while (rows.hasNext()) {
                    Row r = rows.next();
                    if (r.isNullAt(reason) && Role.DATABASE.text().equals(r.getString(role))) {
                      bySplit.merge(r.getString(split), 1L, Long::sum);
                    }
                  }
                  return List.of(new Tuple2<>(p, bySplit)).iterator();
                },
                true)
            .collect();
    Map<Integer, Map<String, Long>> offsets = new HashMap<>();
    Map<String, Long> running = new TreeMap<>();
    counts.stream()
        .sorted((a, b) -> Integer.compare(a._1(), b._1()))
        .forEach(
            t -> {
              offsets.put(t._1(), new HashMap<>(running));
              t._2().forEach((s, n) -> running.merge(s, n, Long::sum));
            });
    return offsets;
  }

  /** Accepted rows of one partition with their database index (null for queries). */
  private static Iterator<Row> index(Iterator<Row> rows, Map<String, Long> startBySplit, int reason) {
    int role = Tables.OUTCOME.fieldIndex("role");
    int split = Tables.OUTCOME.fieldIndex("split");
    Map<String, Long> next = new HashMap<>(startBySplit);
    List<Row> out = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      if (!r.isNullAt(reason)) {
        continue;
      }
      Object[] values = new Object[Tables.PANORAMA_INDEXED.size()];
      for (int i = 0; i < Tables.PANORAMA.size(); i++) {
        values[i] = r.get(i);
      }
      if (Role.DATABASE.text().equals(r.getString(role))) {
        long index = next.getOrDefault(r.getString(split), 0L);
        values[Tables.PANORAMA.size()] = index;
        next.put(r.getString(split), index + 1);
      }
      out.add(RowFactory.create(values));
    }
    return out.iterator();
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
