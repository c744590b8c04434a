package org.netvlad.jobs.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.descriptors.RejectedImages;
import org.netvlad.jobs.io.RunFolder;

/**
 * Training's rule for unreadable images, the same as evaluation's: they are set aside, not fatal,
 * listed in {@code training/rejected-images/} ({@code image_id}, {@code role}, {@code split},
 * {@code path}, {@code reason}, and where training met them: {@code stage}, {@code epoch}), and
 * past {@code train.max-rejected-fraction} of the train and val images the job fails naming one.
 *
 * <p>Every epoch's refresh and validation read all train and val images again, so after a resume
 * the list is complete again after one epoch; it is not carried over, so a repaired image drops
 * out.
 */
public final class TrainingQuarantine {
  static final StructType MET =
      new StructType()
          .add("path", StringType, false)
          .add("reason", StringType, false)
          .add("stage", StringType, false)
          .add("epoch", IntegerType, false);

  private final SparkSession spark;
  private final RunFolder run;
  private final long images;
  private final double maxFraction;
  private final RejectedImages rejected;

  /**
   * @param images how many images training uses (train and val database images and kept queries)
   * @param maxFraction {@code train.max-rejected-fraction}
   */
  public TrainingQuarantine(SparkSession spark, RunFolder run, long images, double maxFraction) {
    this.spark = spark;
    this.run = run;
    this.images = images;
    this.maxFraction = maxFraction;
    this.rejected = RejectedImages.register(spark.sparkContext(), "unreadable training images");
  }

  /** What tasks add the unreadable images they meet to. */
  public RejectedImages rejected() {
    return rejected;
  }

  public long count() {
    return rejected.value().size();
  }

  /**
   * Fails the job past the threshold, with one line naming one image and its reason, after listing
   * every one in {@code training/rejected-images/}.
   */
  public void check(Path staging) {
    Map<String, RejectedImages.Entry> found = rejected.value();
    double share = (double) found.size() / Math.max(1, images);
    if (share <= maxFraction) {
      return;
    }
    Path target = run.resolve("training/rejected-images");
    Path tmp = new Path(staging, "rejected-images");
    write(tmp);
    try {
      run.fs().delete(target, true);
      run.fs().mkdirs(target.getParent());
      if (!run.fs().rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
    } catch (IOException e) {
      throw new JobFailure("cannot write " + target + ": " + e.getMessage(), e);
    }
    RejectedImages.Entry first = found.values().iterator().next();
    throw new JobFailure(
        String.format(
            Locale.ROOT,
            "%,d of %,d train and val images cannot be read (%.2f%%, above"
                + " train.max-rejected-fraction %s), e.g. %s (%s, epoch %d); all are listed in %s",
            found.size(),
            images,
            100 * share,
            maxFraction,
            first.reason(),
            first.stage(),
            first.epoch(),
            target));
  }

  /**
   * The list as a Parquet table at {@code target}, with each image's id, role and split from {@code
   * panoramas/}.
   */
  public void write(Path target) {
    List<Row> rows = new ArrayList<>();
    for (RejectedImages.Entry e : rejected.value().values()) {
      rows.add(RowFactory.create(e.path(), e.reason(), e.stage(), e.epoch()));
    }
    Dataset<Row> met = spark.createDataFrame(rows, MET);
    Dataset<Row> panoramas =
        spark
            .read()
            .parquet(run.resolve("panoramas").toString())
            .filter(col("split").isin("train", "val"))
            .select(col("image_id"), col("role"), col("split"), col("path").as("panorama_path"));
    met.join(panoramas, met.col("path").equalTo(panoramas.col("panorama_path")), "left")
        .select("image_id", "role", "split", "path", "reason", "stage", "epoch")
        .orderBy("path", "role")
        .coalesce(1)
        .write()
        .parquet(target.toString());
  }
}
