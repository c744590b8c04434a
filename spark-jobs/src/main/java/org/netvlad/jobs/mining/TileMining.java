package org.netvlad.jobs.mining;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
  static final StructType TILED_POINT =
      new StructType()
          .add("split", DataTypes.StringType, false)
          .add("tile_x", DataTypes.LongType, false)
          .add("tile_y", DataTypes.LongType, false)
          .add("is_query", DataTypes.BooleanType, false)
          .add("image_id", DataTypes.StringType, false)
          .add("db_index", DataTypes.LongType, false)
          .add("x_m", DataTypes.DoubleType, false)
          .add("y_m", DataTypes.DoubleType, false)
          .add("epoch_day", DataTypes.IntegerType, false);

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
    Dataset<Row> tiled =
        panoramas
            .select("image_id", "role", "split", "captured_at", "frame_easting_m", "frame_northing_m", "db_index")
            .flatMap(new Tiler(tileSizeM, params.negativeRadiusM()), Encoders.row(TILED_POINT));
    return tiled
        .repartition(partitions, col("split"), col("tile_x"), col("tile_y"))
        .sortWithinPartitions("split", "tile_x", "tile_y")
        .mapPartitions(
            new TileMiner(params, Map.copyOf(databaseCountBySplit), stats), Encoders.row(Tables.TUPLE));
  }

  /** Assigns a query to its tile and a database image to every tile within reach. */
  static final class Tiler implements FlatMapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final double tileSizeM;
    private final double reachM;

    Tiler(double tileSizeM, double reachM) {
      this.tileSizeM = tileSizeM;
      this.reachM = reachM;
    }

    @Override
    public Iterator<Row> call(Row r) {
      String imageId = r.getString(0);
      boolean isQuery = "query".equals(r.getString(1));
      String split = r.getString(2);
      Object date = r.get(3); // java.sql.Date, or LocalDate where spark.sql.datetime.java8API.enabled
      int epochDay =
          date == null
              ? SitePoint.NO_DATE
              : (int) (date instanceof Date d ? d.toLocalDate() : (java.time.LocalDate) date).toEpochDay();
      double x = r.getDouble(4);
      double y = r.getDouble(5);
      long dbIndex = r.isNullAt(6) ? -1 : r.getLong(6);
      List<Row> out = new ArrayList<>(isQuery ? 1 : 4);
      if (isQuery) {
        out.add(RowFactory.create(split, tile(x), tile(y), true, imageId, dbIndex, x, y, epochDay));
        return out.iterator();
      }
      for (long tx = tile(x - reachM); tx <= tile(x + reachM); tx++) {
        for (long ty = tile(y - reachM); ty <= tile(y + reachM); ty++) {
          out.add(RowFactory.create(split, tx, ty, false, imageId, dbIndex, x, y, epochDay));
        }
      }
      return out.iterator();
    }

    private long tile(double v) {
      return (long) Math.floor(v / tileSizeM);
    }
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

    /** Mines one tile at a time as its tuples are consumed: memory holds one tile, not a partition. */
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
        String split = first.getString(0);
        long tileX = first.getLong(1);
        long tileY = first.getLong(2);
        database.clear();
        queries.clear();
        for (Row r = first; r != null; r = rows.hasNext() ? rows.next() : null) {
          if (!split.equals(r.getString(0)) || tileX != r.getLong(1) || tileY != r.getLong(2)) {
            pending = r;
            break;
          }
          SitePoint p = new SitePoint(r.getString(4), r.getLong(5), r.getDouble(6), r.getDouble(7), r.getInt(8));
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
