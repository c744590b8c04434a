package org.netvlad.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongToIntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.unsafe.types.UTF8String;
import org.netvlad.common.data.FrameProjector;
import org.netvlad.common.data.ImagePaths;
import org.netvlad.common.data.PanoramaParser;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.RejectReason;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.geo.UtmZone;
import org.netvlad.jobs.io.InternalRows;
import org.netvlad.jobs.io.Iterators;
import org.netvlad.jobs.io.Tables;

/**
 * Validation of raw rows into the {@code panoramas/} and {@code rejected/} tables.
 *
 * <ol>
 *   <li>Parse, check (positions, and image paths against the image root) and project every row into
 *       the mining frame, in one pass: the configured zone, or the zone most of the first rows lie
 *       in. With "auto", the zone most parsed rows lie in is then counted from the cached rows, and
 *       they are projected again in the rare case it differs.
 *   <li>Refuse every copy of a repeated image id (only ids are shuffled), and give each split's
 *       database images dense indices 0..n-1 in input order (input files in name order, rows in
 *       file order), which exact negative sampling relies on.
 * </ol>
 */
public final class Ingest {
  private static final int GUESS_ROWS = 1000;

  /**
   * The accepted panoramas ({@link Tables#PANORAMA_INDEXED}) and their count per split, the
   * rejections and their count per reason (most frequent first). With more repeated ids than the
   * rejected share allows, the panoramas are null and their counts empty: the job is refused.
   */
  public record Result(
      Dataset<Row> panoramas,
      Map<String, Long> databaseBySplit,
      Map<String, Long> queriesBySplit,
      Dataset<Row> rejected,
      Map<String, Long> rejectedByReason,
      UtmZone frameZone,
      long rowsIn,
      List<Dataset<Row>> cached) {
    /** Drops the cached rows, once both tables are written. */
    public void release() {
      cached.forEach(Dataset::unpersist);
    }
  }

  private Ingest() {}

  public static Result run(
      SparkSession spark,
      JavaRDD<RawRow> raw,
      Role defaultRole,
      Split defaultSplit,
      ImagePaths imagePaths,
      String frameZoneSetting,
      double maxFrameOffsetDeg,
      double maxRejectedFraction,
      LongToIntFunction partitionsFor,
      org.netvlad.jobs.cli.Progress progress) {
    boolean auto = "auto".equals(frameZoneSetting);
    UtmZone frameZone = auto ? guessFrame(raw) : UtmZone.parse(frameZoneSetting);
    Dataset<Row> outcomes =
        parseAndProject(
            spark, raw, defaultRole, defaultSplit, imagePaths, frameZone, maxFrameOffsetDeg);
    OutcomeCounts counts = OutcomeCounts.of(outcomes);
    if (auto) {
      UtmZone mostRows = counts.mostRowsZone();
      if (mostRows != null
          && !mostRows.equals(frameZone)) { // the first rows were not in the zone most rows are in
        progress.say(
            "ingest: most rows lie in UTM zone "
                + mostRows
                + ", not "
                + frameZone
                + " as the first rows do; projecting again");
        outcomes.unpersist();
        frameZone = mostRows;
        outcomes =
            parseAndProject(
                spark, raw, defaultRole, defaultSplit, imagePaths, frameZone, maxFrameOffsetDeg);
        counts = OutcomeCounts.of(outcomes);
      }
    }
    long rowsIn = counts.rows();
    progress.say(
        String.format("ingest: %,d rows parsed; mining frame is UTM zone %s", rowsIn, frameZone));

    Dataset<Row> valid = outcomes.filter(col("reason").isNull());
    Dataset<Row> rejected =
        outcomes
            .filter(col("reason").isNotNull())
            .select("source", "row_number", "image_id", "reason", "detail");
    Map<String, Long> rejectedByReason = counts.rejectedByReason();
    Dataset<Row> duplicateIds = duplicateIds(valid, partitionsFor.applyAsInt(rowsIn));
    Dataset<Row> accepted = valid;
    List<Dataset<Row>> cached =
        duplicateIds == null ? List.of(outcomes) : List.of(outcomes, duplicateIds);
    if (duplicateIds != null) {
      rejectedByReason.put(
          RejectReason.DUPLICATE_IMAGE_ID.code(),
          duplicateIds.agg(sum("copies")).first().getLong(0));
      rejected = rejected.unionByName(duplicateRows(valid, duplicateIds));
      long rejectedRows = rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
      if (overRejectedShare(
          rejectedRows,
          rowsIn,
          maxRejectedFraction)) { // refused anyway: the repeats are not broadcast
        return new Result(
            null,
            Map.of(),
            Map.of(),
            rejected,
            OutcomeCounts.mostFrequentFirst(rejectedByReason),
            frameZone,
            rowsIn,
            cached);
      }
      // Broadcast joins keep the rows in their input partitions and order.
      accepted =
          valid.join(
              broadcast(duplicateIds.select("image_id")),
              valid.col("image_id").equalTo(duplicateIds.col("image_id")),
              "left_anti");
      OutcomeCounts refused =
          OutcomeCounts.of(valid.join(broadcast(duplicateIds.select("image_id")), "image_id"));
      counts = counts.minus(refused);
    }
    Map<Integer, Map<String, Long>> offsets =
        counts.databaseOffsets(outcomes.javaRDD().getNumPartitions());
    JavaRDD<InternalRow> indexed =
        InternalRows.of(accepted)
            .mapPartitionsWithIndex((p, rows) -> index(rows, offsets.get(p)), true);
    Dataset<Row> panoramas =
        InternalRows.frame(spark, indexed, INDEXED_OUTCOME)
            .select(columns(Tables.PANORAMA_INDEXED));
    Map<String, Long> byReason = OutcomeCounts.mostFrequentFirst(rejectedByReason);
    return new Result(
        panoramas,
        counts.validBySplit(Role.DATABASE),
        counts.validBySplit(Role.QUERY),
        rejected,
        byReason,
        frameZone,
        rowsIn,
        cached);
  }

  /**
   * Whether {@code rejected} of {@code rows} input rows is more than {@code maxFraction} of them.
   */
  public static boolean overRejectedShare(long rejected, long rows, double maxFraction) {
    return (double) rejected / rows > maxFraction;
  }

  /**
   * Parsed, checked and projected rows, kept on local disk (every later step reads them several
   * times). On disk only, so that an executor's memory does not grow with the input: with a memory
   * level, blocks that had spilled are read back into the heap whole (submit/bench mine-cluster).
   * Spark's columnar table cache, because later steps read only some of the columns: a cache of
   * whole rows is read whole by passes that need two of its columns.
   */
  private static Dataset<Row> parseAndProject(
      SparkSession spark,
      JavaRDD<RawRow> raw,
      Role role,
      Split split,
      ImagePaths imagePaths,
      UtmZone frameZone,
      double maxOffsetDeg) {
    JavaRDD<InternalRow> parsed =
        raw.mapPartitions(
            rows -> parseAndProject(rows, role, split, imagePaths, frameZone, maxOffsetDeg));
    return InternalRows.frame(spark, parsed, Tables.OUTCOME).persist(StorageLevel.DISK_ONLY());
  }

  /**
   * The ids of valid rows that another valid row repeats, with their copies and first row; null
   * when there are none. Only rows whose id's 64-bit hash another row shares are grouped by id
   * (grouping every id string is slow); the few ids found are cached. Hashes are counted after they
   * are spread over {@code partitions}: counted where they are read, a task would hold a table of
   * every hash of its input split, whose size grows with the input.
   */
  private static Dataset<Row> duplicateIds(Dataset<Row> valid, int partitions) {
    Dataset<Row> hashed = valid.withColumn("id_hash", xxhash64(col("image_id")));
    // Kept distributed, not collected: an input repeated whole would repeat every hash.
    Dataset<Row> sharedHashes =
        hashed
            .select("id_hash")
            .repartition(partitions, col("id_hash"))
            .groupBy("id_hash")
            .count()
            .filter(col("count").gt(1))
            .select("id_hash")
            .persist();
    if (sharedHashes.isEmpty()) {
      sharedHashes.unpersist();
      return null;
    }
    Dataset<Row> ids =
        hashed
            .join(sharedHashes, "id_hash")
            .groupBy("image_id")
            .agg(
                count(lit(1)).as("copies"),
                min(struct(col("source"), col("row_number"))).as("first"))
            .filter(col("copies").gt(1))
            .persist();
    long repeated = ids.count();
    sharedHashes.unpersist();
    if (repeated == 0) { // only hashes collided
      ids.unpersist();
      return null;
    }
    return ids;
  }

  /** Every copy of a repeated image id, as rejections. */
  private static Dataset<Row> duplicateRows(Dataset<Row> valid, Dataset<Row> duplicateIds) {
    return valid
        .join(duplicateIds, "image_id")
        .select(
            col("source"),
            col("row_number"),
            col("image_id"),
            lit(RejectReason.DUPLICATE_IMAGE_ID.code()).as("reason"),
            format_string(
                    "image_id '%s' appears %d times (first at %s:%d)",
                    col("image_id"), col("copies"), col("first.source"), col("first.row_number"))
                .as("detail"));
  }

  /**
   * The zone most of the first rows lie in (the first partition's, up to {@value #GUESS_ROWS}),
   * null when none has a position: the frame to project into in the same pass as parsing, checked
   * against all rows afterwards (a separate pass to count zones first would read every row again).
   */
  private static UtmZone guessFrame(JavaRDD<RawRow> raw) {
    Map<String, Long> rowsByZone = new TreeMap<>();
    for (RawRow row : raw.take(GUESS_ROWS)) {
      String zone = PanoramaParser.zoneOf(row);
      if (zone != null) {
        rowsByZone.merge(zone, 1L, Long::sum);
      }
    }
    return rowsByZone.isEmpty() ? null : FrameProjector.chooseZone("auto", rowsByZone);
  }

  private static Iterator<InternalRow> parseAndProject(
      Iterator<RawRow> rows,
      Role role,
      Split split,
      ImagePaths imagePaths,
      UtmZone frameZone,
      double maxOffsetDeg) {
    PanoramaParser parser = new PanoramaParser(role, split, imagePaths);
    FrameProjector projector =
        frameZone == null ? null : new FrameProjector(frameZone, maxOffsetDeg);
    return Iterators.map(
        rows,
        raw -> {
          PanoramaParser.Outcome parsed = parser.parse(raw);
          PanoramaParser.Outcome o =
              parsed.panorama() == null || projector == null
                  ? parsed
                  : projector.project(parsed.panorama());
          if (o.panorama() != null) {
            return Tables.outcome(o.panorama());
          }
          return Tables.outcome(
              o.rejection(), parsed.panorama() == null ? null : parsed.panorama().utmZone());
        });
  }

  /** Running sums of database images per split over partitions 0..partitions-1. */
  static Map<Integer, Map<String, Long>> offsets(
      Map<Integer, Map<String, Long>> countsByPartition, int partitions) {
    Map<Integer, Map<String, Long>> offsets = new HashMap<>();
    Map<String, Long> running = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      offsets.put(p, new HashMap<>(running));
      countsByPartition
          .getOrDefault(p, Map.of())
          .forEach((split, n) -> running.merge(split, n, Long::sum));
    }
    return offsets;
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new);
  }

  /**
   * An accepted {@link Tables#OUTCOME} row (its panorama columns not null) and its database index.
   */
  private static final StructType INDEXED_OUTCOME =
      Tables.PANORAMA
          .add(Tables.OUTCOME.apply("reason"))
          .add(Tables.OUTCOME.apply("detail"))
          .add(Tables.PANORAMA_INDEXED.apply("db_index"));

  /**
   * Accepted rows of one partition with their database index (null for queries), streamed: each row
   * joined to its index, which the scan of the result copies before the next row is read.
   */
  private static Iterator<InternalRow> index(
      Iterator<InternalRow> rows, Map<String, Long> startBySplit) {
    int role = Tables.OUTCOME.fieldIndex("role");
    int split = Tables.OUTCOME.fieldIndex("split");
    UTF8String database = UTF8String.fromString(Role.DATABASE.text());
    Map<UTF8String, long[]> next = new HashMap<>();
    startBySplit.forEach((s, start) -> next.put(UTF8String.fromString(s), new long[] {start}));
    GenericInternalRow index = new GenericInternalRow(1);
    JoinedRow joined = new JoinedRow();
    return Iterators.map(
        rows,
        r -> {
          index.setNullAt(0);
          if (database.equals(r.getUTF8String(role))) {
            UTF8String s = r.getUTF8String(split);
            long[] count = next.get(s);
            if (count == null) {
              count = new long[] {0};
              next.put(s.clone(), count); // the row's bytes are reused for the next row
            }
            index.setLong(0, count[0]++);
          }
          return joined.apply(r, index);
        });
  }
}
