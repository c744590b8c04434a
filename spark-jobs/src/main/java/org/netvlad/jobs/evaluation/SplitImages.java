package org.netvlad.jobs.evaluation;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.netvlad.jobs.io.RunFolder;

/**
 * Every database image and every query of one split, as mine-tuples validated them in
 * {@code panoramas/}. All queries count in Recall@N, as in the paper, not only those mining kept.
 */
public final class SplitImages {
  /** One image: database images carry their db_index, queries an index given here. */
  public static final class Image implements Serializable {
    private static final long serialVersionUID = 1L;
    public long index;
    public String imageId;
    public String path;
    public double eastingM;
    public double northingM;
  }

  public final JavaRDD<Image> database;
  public final JavaRDD<Image> queries;

  private SplitImages(JavaRDD<Image> database, JavaRDD<Image> queries) {
    this.database = database;
    this.queries = queries;
  }

  public static SplitImages read(SparkSession spark, RunFolder run, String split) {
    var panoramas = spark.read().parquet(run.resolve("panoramas").toString()).filter(col("split").equalTo(split));
    JavaRDD<Image> database =
        panoramas.filter(col("role").equalTo("database"))
            .select("db_index", "image_id", "path", "frame_easting_m", "frame_northing_m")
            .javaRDD()
            .map(r -> image(r.getLong(0), r));
    JavaRDD<Image> queries =
        panoramas.filter(col("role").equalTo("query"))
            .select("image_id", "path", "frame_easting_m", "frame_northing_m")
            .javaRDD()
            .zipWithUniqueId() // unique indices without the extra pass zipWithIndex runs
            .map(t -> image(t._2(), t._1()));
    return new SplitImages(database, queries);
  }

  private static Image image(long index, Row r) {
    int o = r.length() - 4;
    Image i = new Image();
    i.index = index;
    i.imageId = r.getString(o);
    i.path = r.getString(o + 1);
    i.eastingM = r.getDouble(o + 2);
    i.northingM = r.getDouble(o + 3);
    return i;
  }
}
