package org.netvlad.jobs.io;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.sql.Date;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.netvlad.common.data.Panorama;
import org.netvlad.common.data.Rejection;

/** The Parquet tables of the data contract (docs/architecture.md) and conversions to their rows. */
public final class Tables {
  private Tables() {}

  /** {@code panoramas/}: accepted images with WGS84, own-zone UTM and mining-frame positions. */
  public static final StructType PANORAMA =
      new StructType()
          .add("image_id", StringType, false)
          .add("path", StringType, false)
          .add("role", StringType, false)
          .add("split", StringType, false)
          .add("captured_at", DateType, true)
          .add("condition", StringType, true)
          .add("heading_deg", DoubleType, true)
          .add("pitch_index", IntegerType, true)
          .add("lat", DoubleType, false)
          .add("lon", DoubleType, false)
          .add("utm_zone", StringType, false)
          .add("utm_easting", DoubleType, false)
          .add("utm_northing", DoubleType, false)
          .add("frame_easting_m", DoubleType, false)
          .add("frame_northing_m", DoubleType, false)
          .add("source", StringType, false)
          .add("row_number", LongType, false);

  /** {@link #PANORAMA} plus the dense database index within its split (null for queries). */
  public static final StructType PANORAMA_INDEXED = PANORAMA.add("db_index", LongType, true);

  /** {@code rejected/}: every input row not accepted, with its reason. */
  public static final StructType REJECTED =
      new StructType()
          .add("source", StringType, false)
          .add("row_number", LongType, false)
          .add("image_id", StringType, true)
          .add("reason", StringType, false)
          .add("detail", StringType, false);

  /** An ingest outcome: a panorama, or a rejection ({@code reason} not null). */
  public static final StructType OUTCOME =
      allNullable(PANORAMA).add("reason", StringType, true).add("detail", StringType, true);

  private static StructType allNullable(StructType schema) {
    StructType out = new StructType();
    for (var f : schema.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out;
  }

  /** {@code tuples/<split>/}: one row per kept query. */
  public static final StructType TUPLE =
      new StructType()
          .add("query_id", StringType, false)
          .add("split", StringType, false)
          .add("positive_ids", createArrayType(StringType, false), false)
          .add("positive_distances_m", createArrayType(DoubleType, false), false)
          .add("positive_db_indices", createArrayType(LongType, false), false)
          .add("positive_count", IntegerType, false)
          .add("soft_positive_count", IntegerType, false)
          .add("non_negative_db_indices", createArrayType(LongType, false), false)
          .add("database_count", LongType, false)
          .add("pairs_within_positive_radius", IntegerType, false);

  public static Row outcome(Panorama p) {
    return RowFactory.create(
        p.imageId(),
        p.path(),
        p.role().text(),
        p.split().text(),
        p.capturedAt() == null ? null : Date.valueOf(p.capturedAt()),
        p.condition(),
        p.headingDeg(),
        p.pitchIndex(),
        p.latDeg(),
        p.lonDeg(),
        p.utmZone(),
        p.utmEastingM(),
        p.utmNorthingM(),
        p.frameEastingM(),
        p.frameNorthingM(),
        p.source(),
        p.rowNumber(),
        null,
        null);
  }

  public static Row outcome(Rejection r) {
    return RowFactory.create(outcomeValues(r));
  }

  /** The values of {@link #outcome(Rejection)}'s row, to add to. */
  public static Object[] outcomeValues(Rejection r) {
    Object[] values = new Object[OUTCOME.size()];
    values[PANORAMA.fieldIndex("image_id")] = r.imageId() == null ? "" : r.imageId();
    values[PANORAMA.fieldIndex("source")] = r.source();
    values[PANORAMA.fieldIndex("row_number")] = r.rowNumber();
    values[OUTCOME.fieldIndex("reason")] = r.reason().code();
    values[OUTCOME.fieldIndex("detail")] = r.detail();
    return values;
  }
}
