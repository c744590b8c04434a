package org.netvlad.jobs.evaluation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.netvlad.jobs.io.RunFolder;

/**
 * Every database image and every query of one split, as mine-tuples validated them in {@code
 * panoramas/}. All queries count in Recall@N, as in the paper, not only those mining kept.
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

    /**
     * Capture condition (day, dusk, night, ...) and ISO capture date, each null when the manifest
     * has none.
     */
    public String condition;

    public String capturedAt;
  }

  public final JavaRDD<Image> database;
  public final JavaRDD<Image> queries;

  private SplitImages(JavaRDD<Image> database, JavaRDD<Image> queries) {
    this.database = database;
    this.queries = queries;
  }

  public static SplitImages read(SparkSession spark, RunFolder run, String split) {
    var panoramas =
        spark
            .read()
            .parquet(run.resolve("panoramas").toString())
            .filter(col("split").equalTo(split));
    // run folders mined before the condition column have none
    Column condition =
        List.of(panoramas.columns()).contains("condition")
            ? col("condition")
            : lit(null).cast("string");
    Column[] fields = {
      col("image_id"),
      col("path"),
      col("frame_easting_m"),
      col("frame_northing_m"),
      condition.as("condition"),
      col("captured_at").cast("string").as("captured_at")
    };
    JavaRDD<Image> database =
        panoramas
            .filter(col("role").equalTo("database"))
            .select(withDbIndex(fields))
            .javaRDD()
            .map(r -> image(r.getLong(FIELDS), r));
    JavaRDD<Image> queries =
        panoramas
            .filter(col("role").equalTo("query"))
            .select(fields)
            .javaRDD()
            .zipWithUniqueId() // unique indices without the extra pass zipWithIndex runs
            .map(t -> image(t._2(), t._1()));
    return new SplitImages(database, queries);
  }

  private static final int FIELDS = 6;

  private static Column[] withDbIndex(Column[] fields) {
    Column[] out = java.util.Arrays.copyOf(fields, FIELDS + 1);
    out[FIELDS] = col("db_index");
    return out;
  }

  private static Image image(long index, Row r) {
    Image i = new Image();
    i.index = index;
    i.imageId = r.getString(0);
    i.path = r.getString(1);
    i.eastingM = r.getDouble(2);
    i.northingM = r.getDouble(3);
    i.condition = r.getString(4);
    i.capturedAt = r.getString(5);
    return i;
  }
}
