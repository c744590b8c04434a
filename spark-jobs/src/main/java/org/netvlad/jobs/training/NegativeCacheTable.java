package org.netvlad.jobs.training;

import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.netvlad.jobs.io.Boxed;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;
import scala.Tuple2;

/** {@code negcache/epoch=E/}: each query's hard negatives and best positive after a refresh. */
public final class NegativeCacheTable {
  public static final StructType SCHEMA =
      new StructType()
          .add("query_id", StringType, false)
          .add("epoch", IntegerType, false)
          .add("best_positive_id", StringType, false)
          .add("best_positive_db_index", LongType, false)
          .add("best_positive_sq_distance", DoubleType, false)
          .add("hard_negative_ids", createArrayType(StringType, false), false)
          .add("hard_negative_db_indices", createArrayType(LongType, false), false)
          .add("hard_negative_sq_distances", createArrayType(DoubleType, false), false);

  private NegativeCacheTable() {}

  public static Path folder(RunFolder run, int epoch) {
    return run.resolve("negcache/epoch=" + epoch);
  }

  /**
   * Writes the table in the staging folder, then renames it into place (replacing a partial one).
   */
  public static void write(
      SparkSession spark,
      JavaRDD<NegativeRefresh.Entry> entries,
      int epoch,
      RunFolder run,
      Path staging) {
    Path tmp = new Path(staging, "negcache-epoch=" + epoch);
    Path target = folder(run, epoch);
    JavaRDD<Row> rows =
        entries.map(
            e ->
                RowFactory.create(
                    e.queryId,
                    epoch,
                    e.bestPositiveId,
                    e.bestPositiveDbIndex,
                    e.bestPositiveSqDistance,
                    e.hardNegativeIds,
                    Boxed.of(e.hardNegativeDbIndices),
                    Boxed.of(e.hardNegativeSqDistances)));
    try {
      run.fs().delete(tmp, true);
      IoFailures.writing(
          tmp, () -> spark.createDataFrame(rows, SCHEMA).write().parquet(tmp.toString()));
      run.fs().delete(target, true);
      run.fs().mkdirs(target.getParent());
      if (!run.fs().rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw IoFailures.failure("writing", target, e, e);
    }
  }

  /** Each query's hard negatives of an epoch's refresh; empty when that epoch has no cache. */
  public static JavaPairRDD<String, long[]> hardNegatives(
      SparkSession spark, RunFolder run, int epoch) {
    Path folder = folder(run, epoch);
    if (epoch < 1 || !run.exists(folder)) {
      return new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext())
          .<Tuple2<String, long[]>>emptyRDD()
          .mapToPair(t -> t);
    }
    return spark
        .read()
        .parquet(folder.toString())
        .select("query_id", "hard_negative_db_indices")
        .javaRDD()
        .mapToPair(
            r ->
                new Tuple2<>(
                    r.getString(0),
                    r.<Long>getList(1).stream().mapToLong(Long::longValue).toArray()));
  }
}
