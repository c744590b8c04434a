package org.netvlad.jobs.mining;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.netvlad.common.data.Split;
import org.netvlad.common.mining.MiningParams;
import org.netvlad.common.mining.QueryTuple;
import org.netvlad.common.mining.SitePoint;
import org.netvlad.common.mining.TupleMiner;
import org.netvlad.jobs.io.Boxed;
import org.netvlad.jobs.io.Tables;

/**
 * Geo-bucketed exact mining on Spark.
 *
 * <p>The mining frame is cut into square tiles. Each query goes to its own tile; each database
 * image goes to every tile whose square, grown by the negative radius, contains it (at most four,
 * since tiles are at least twice the negative radius). So every (query, database) pair within the
 * negative radius meets in the query's tile, and nothing else is compared: no cartesian product, no
 * per-query list of all negatives. Each tile is then mined in memory by {@link TupleMiner}; memory
 * per task is bounded by the tile's contents, not by the data set.
 */
public final class TileMining {
  /** Bits of a tile index in a tile key; indices are offset by half the range to stay positive. */
  static final int TILE_BITS = 29;

  static final long TILE_OFFSET = 1L << (TILE_BITS - 1);

  private TileMining() {}

  /**
   * Mines every query of {@code panoramas} ({@link Tables#PANORAMA_INDEXED}).
   *
   * @param databaseCountBySplit database images per split
   * @param stats gathers statistics of every query, kept or not; run exactly one action on the
   *     result, or they count twice
   * @return one {@link Tables#TUPLE} row per query with at least one positive
   */
  public static Dataset<Row> mine(
      Dataset<Row> panoramas,
      MiningParams params,
      double tileSizeM,
      int partitions,
      Map<String, Long> databaseCountBySplit,
      MiningStats stats) {
    return tiled(panoramas, tileSizeM, params.negativeRadiusM())
        .repartition(partitions, col("tile_key"))
        .sortWithinPartitions("tile_key")
        .mapPartitions(
            new TileMiner(params, Map.copyOf(databaseCountBySplit), stats),
            Encoders.row(Tables.TUPLE));
  }

  /**
   * One row per (point, tile it belongs to), in Spark SQL expressions (no row objects): a query in
   * its own tile, a database image in every tile within {@code reachM} of it. Columns: {@code
   * tile_key} (split ordinal, tile_x and tile_y in one long: sorting on it is a cheap prefix sort),
   * {@code tile_x}, {@code tile_y}, {@code is_query}, {@code image_id}, {@code db_index} (-1 for
   * queries), {@code x_m}, {@code y_m}, {@code epoch_day} ({@link SitePoint#NO_DATE} without a
   * date) and {@code split}.
   */
  static Dataset<Row> tiled(Dataset<Row> panoramas, double tileSizeM, double reachM) {
    Column isQuery = col("role").equalTo(lit("query"));
    Column reach = when(isQuery, lit(0.0)).otherwise(lit(reachM));
    Column x = col("frame_easting_m");
    Column y = col("frame_northing_m");
    Column splitOrdinal = lit(-1L);
    for (Split split : Split.values()) {
      splitOrdinal =
          when(col("split").equalTo(lit(split.text())), lit((long) split.ordinal()))
              .otherwise(splitOrdinal);
    }
    return panoramas
        .select(
            splitOrdinal.as("split_ordinal"),
            explode(
                    sequence(
                        floor(x.minus(reach).divide(tileSizeM)),
                        floor(x.plus(reach).divide(tileSizeM))))
                .as("tile_x"),
            sequence(
                    floor(y.minus(reach).divide(tileSizeM)), floor(y.plus(reach).divide(tileSizeM)))
                .as("tiles_y"),
            isQuery.as("is_query"),
            col("image_id"),
            coalesce(col("db_index"), lit(-1L)).as("db_index"),
            x.as("x_m"),
            y.as("y_m"),
            coalesce(expr("unix_date(captured_at)"), lit(SitePoint.NO_DATE)).as("epoch_day"),
            col("split"))
        .withColumn("tile_y", explode(col("tiles_y")))
        .select(
            col("split_ordinal")
                .multiply(lit(1L << (2 * TILE_BITS)))
                .plus(col("tile_x").plus(lit(TILE_OFFSET)).multiply(lit(1L << TILE_BITS)))
                .plus(col("tile_y").plus(lit(TILE_OFFSET)))
                .as("tile_key"),
            col("tile_x"),
            col("tile_y"),
            col("is_query"),
            col("image_id"),
            col("db_index"),
            col("x_m"),
            col("y_m"),
            col("epoch_day"),
            col("split"));
  }

  /** Mines the tiles of one partition, one tile at a time (rows arrive sorted by tile). */
  static final class TileMiner implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final MiningParams params;
    private final Map<String, Long> databaseCountBySplit;
    private final MiningStats stats;

    TileMiner(MiningParams params, Map<String, Long> databaseCountBySplit, MiningStats stats) {
      this.params = params;
      this.databaseCountBySplit = databaseCountBySplit;
      this.stats = stats;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      return new TileIterator(rows, new TupleMiner(params));
    }

    /**
     * Mines one tile at a time as its tuples are consumed: memory holds one tile, not a partition.
     */
    private final class TileIterator implements Iterator<Row> {
      private final Iterator<Row> rows;
      private final TupleMiner miner;
      private final List<SitePoint> database = new ArrayList<>();
      private final List<SitePoint> queries = new ArrayList<>();
      private Iterator<Row> ready = java.util.Collections.emptyIterator();
      private Row pending;

      TileIterator(Iterator<Row> rows, TupleMiner miner) {
        this.rows = rows;
        this.miner = miner;
      }

      @Override
      public boolean hasNext() {
        while (!ready.hasNext() && (pending != null || rows.hasNext())) {
          ready = mineNextTile();
        }
        return ready.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.next();
      }

      private Iterator<Row> mineNextTile() {
        Row first = pending != null ? pending : rows.next();
        pending = null;
        long tileKey = first.getLong(0);
        String split = first.getString(9);
        database.clear();
        queries.clear();
        for (Row r = first; r != null; r = rows.hasNext() ? rows.next() : null) {
          if (tileKey != r.getLong(0)) {
            pending = r;
            break;
          }
          checkTile(r);
          SitePoint p =
              new SitePoint(
                  r.getString(4), r.getLong(5), r.getDouble(6), r.getDouble(7), r.getInt(8));
          (r.getBoolean(3) ? queries : database).add(p);
        }
        List<Row> out = new ArrayList<>();
        if (!queries.isEmpty()) {
          long databaseCount = databaseCountBySplit.getOrDefault(split, 0L);
          for (QueryTuple t : miner.mine(database, queries)) {
            stats.add(new MiningStats.Query(split, t));
            if (t.hasPositive()) {
              out.add(toRow(t, split, databaseCount));
            }
          }
        }
        return out.iterator();
      }
    }

    /**
     * Tiles so far from the frame's origin that their keys could collide are refused (none on
     * Earth).
     */
    private static void checkTile(Row r) {
      if (Math.abs(r.getLong(1)) >= TILE_OFFSET || Math.abs(r.getLong(2)) >= TILE_OFFSET) {
        throw new IllegalStateException(
            "image "
                + r.getString(4)
                + " lies in tile ("
                + r.getLong(1)
                + ", "
                + r.getLong(2)
                + "), too far from the mining frame's origin for mining.tile-size-m");
      }
    }

    private static Row toRow(QueryTuple t, String split, long databaseCount) {
      return RowFactory.create(
          t.queryId(),
          split,
          t.positiveIds().toArray(new String[0]),
          Boxed.of(t.positiveDistancesM()),
          Boxed.of(t.positiveDbIndices()),
          t.positiveIds().size(),
          t.softPositiveCount(),
          Boxed.of(t.nonNegativeDbIndices()),
          databaseCount,
          t.pairsWithinPositiveRadius());
    }
  }
}
