package org.netvlad.jobs.io;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.netvlad.jobs.io.InternalRows.utf8;

import java.util.EnumMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.netvlad.common.data.Panorama;
import org.netvlad.common.data.Rejection;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;

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

  /** An accepted row of {@link #OUTCOME}, in internal form ({@link InternalRows}). */
  public static InternalRow outcome(Panorama p) {
    return new GenericInternalRow(
        new Object[] {
          utf8(p.imageId()),
          utf8(p.path()),
          ROLES.get(p.role()),
          SPLITS.get(p.split()),
          p.capturedAt() == null ? null : (int) p.capturedAt().toEpochDay(),
          utf8(p.condition()),
          p.headingDeg(),
          p.pitchIndex(),
          p.latDeg(),
          p.lonDeg(),
          utf8(p.utmZone()),
          p.utmEastingM(),
          p.utmNorthingM(),
          p.frameEastingM(),
          p.frameNorthingM(),
          utf8(p.source()),
          p.rowNumber(),
          null,
          null
        });
  }

  /**
   * A rejected row of {@link #OUTCOME}, in internal form, with the UTM zone its position lies in
   * (null when it has none): counted when the frame zone is checked.
   */
  public static InternalRow outcome(Rejection r, String utmZone) {
    Object[] values = new Object[OUTCOME.size()];
    values[PANORAMA.fieldIndex("image_id")] = utf8(r.imageId() == null ? "" : r.imageId());
    values[PANORAMA.fieldIndex("utm_zone")] = utf8(utmZone);
    values[PANORAMA.fieldIndex("source")] = utf8(r.source());
    values[PANORAMA.fieldIndex("row_number")] = r.rowNumber();
    values[OUTCOME.fieldIndex("reason")] = utf8(r.reason().code());
    values[OUTCOME.fieldIndex("detail")] = utf8(r.detail());
    return new GenericInternalRow(values);
  }

  /** The texts of roles and splits, encoded once: they are in every row. */
  private static final Map<Role, UTF8String> ROLES = new EnumMap<>(Role.class);

  private static final Map<Split, UTF8String> SPLITS = new EnumMap<>(Split.class);

  static {
    for (Role role : Role.values()) {
      ROLES.put(role, utf8(role.text()));
    }
    for (Split split : Split.values()) {
      SPLITS.put(split, utf8(split.text()));
    }
  }
}
