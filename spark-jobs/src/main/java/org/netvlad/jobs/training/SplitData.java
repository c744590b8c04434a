package org.netvlad.jobs.training;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.io.RunFolder;
import scala.Tuple2;

/** The database images and kept queries of one split, as mine-tuples wrote them. */
public final class SplitData {
  /** A database image. */
  public static final class DbImage implements Serializable {
    private static final long serialVersionUID = 1L;
    public long dbIndex;
    public String imageId;
    public String path;
    public double eastingM;
    public double northingM;
  }

  /** A kept query and what mining found for it. */
  public static final class Query implements Serializable {
    private static final long serialVersionUID = 1L;
    public String queryId;
    public String path;
    public double eastingM;
    public double northingM;
    public long[] positiveDbIndices;
    public long[] nonNegativeDbIndices;
    public long databaseCount;
  }

  public final String split;
  public final JavaRDD<DbImage> database;
  public final JavaRDD<Query> queries;

  public SplitData(String split, JavaRDD<DbImage> database, JavaRDD<Query> queries) {
    this.split = split;
    this.database = database;
    this.queries = queries;
  }

  /**
   * Reads {@code panoramas/} and {@code tuples/<split>/} of a run; fails clearly when they are
   * missing.
   */
  public static SplitData read(SparkSession spark, RunFolder run, String split) {
    String tuplesPath = run.resolve("tuples/" + split).toString();
    if (!run.exists(run.resolve("tuples/" + split))) {
      throw new JobFailure(
          "no " + tuplesPath + ": run mine-tuples on data with a " + split + " split first");
    }
    Dataset<Row> panoramas =
        spark
            .read()
            .parquet(run.resolve("panoramas").toString())
            .filter(col("split").equalTo(split));
    JavaRDD<DbImage> database =
        panoramas
            .filter(col("role").equalTo("database"))
            .select("db_index", "image_id", "path", "frame_easting_m", "frame_northing_m")
            .javaRDD()
            .map(SplitData::dbImage);
    Dataset<Row> queryRows =
        panoramas
            .filter(col("role").equalTo("query"))
            .select("image_id", "path", "frame_easting_m", "frame_northing_m");
    Dataset<Row> tuples =
        spark
            .read()
            .parquet(tuplesPath)
            .select("query_id", "positive_db_indices", "non_negative_db_indices", "database_count");
    JavaRDD<Query> queries =
        tuples
            .join(queryRows, tuples.col("query_id").equalTo(queryRows.col("image_id")))
            .select(
                "query_id",
                "path",
                "frame_easting_m",
                "frame_northing_m",
                "positive_db_indices",
                "non_negative_db_indices",
                "database_count")
            .javaRDD()
            .map(SplitData::query);
    return new SplitData(split, database, queries);
  }

  private static DbImage dbImage(Row r) {
    DbImage d = new DbImage();
    d.dbIndex = r.getLong(0);
    d.imageId = r.getString(1);
    d.path = r.getString(2);
    d.eastingM = r.getDouble(3);
    d.northingM = r.getDouble(4);
    return d;
  }

  private static Query query(Row r) {
    Query q = new Query();
    q.queryId = r.getString(0);
    q.path = r.getString(1);
    q.eastingM = r.getDouble(2);
    q.northingM = r.getDouble(3);
    q.positiveDbIndices = longs(r.getList(4));
    q.nonNegativeDbIndices = longs(r.getList(5));
    q.databaseCount = r.getLong(6);
    return q;
  }

  private static long[] longs(List<Long> list) {
    return list.stream().mapToLong(Long::longValue).toArray();
  }

  public JavaPairRDD<Long, String> databasePaths() {
    return database.mapToPair(d -> new Tuple2<>(d.dbIndex, d.path));
  }

  public JavaPairRDD<String, String> queryPaths() {
    return queries.mapToPair(q -> new Tuple2<>(q.queryId, q.path));
  }
}
