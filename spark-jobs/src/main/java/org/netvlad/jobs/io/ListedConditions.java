package org.netvlad.jobs.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.data.ConditionList;
import org.netvlad.common.data.ManifestFormatException;
import org.netvlad.common.data.RawRow;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.Progress;

/**
 * ingest.conditions: capture conditions from a list kept apart from the inputs, set on the rows
 * read.
 */
public final class ListedConditions {
  private static final int EXAMPLES = 3;

  private ListedConditions() {}

  /**
   * The rows, each listed one with its condition.
   *
   * @throws JobFailure when the list is unreadable or malformed, or names an image no input has
   */
  public static JavaRDD<RawRow> apply(
      SparkSession spark, JavaRDD<RawRow> rows, String uri, Progress progress) {
    ConditionList list = read(spark, uri);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<ConditionList> shared = sc.broadcast(list);
    Set<String> found =
        new HashSet<>(
            rows.map(r -> shared.value().listedImage(r))
                .filter(Objects::nonNull)
                .distinct()
                .collect());
    List<String> missing = new ArrayList<>();
    for (String image : list.conditions().keySet()) {
      if (!found.contains(image)) {
        missing.add(image);
      }
    }
    if (!missing.isEmpty()) {
      throw new JobFailure(
          "ingest.conditions "
              + uri
              + ": "
              + missing.size()
              + " of "
              + list.conditions().size()
              + " listed images are in no input, e.g. "
              + missing.subList(0, Math.min(EXAMPLES, missing.size()))
              + "; a "
              + list.key()
              + " must be written as the inputs write it (a dbStruct's rows: the folder of"
              + " ingest.dbstruct-query-folder or ingest.dbstruct-database-folder, then the file"
              + " name)");
    }
    progress.say(
        String.format("conditions: %,d images labelled from %s", list.conditions().size(), uri));
    return rows.map(r -> shared.value().labelled(r));
  }

  private static ConditionList read(SparkSession spark, String uri) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isFile(path)) {
        throw new JobFailure("ingest.conditions: " + uri + " is not a file");
      }
      return ConditionList.parse(uri, RunFolder.readBytes(fs, path));
    } catch (IOException e) {
      throw IoFailures.failure("reading ingest.conditions", uri, e, e);
    } catch (ManifestFormatException e) {
      throw new JobFailure("ingest.conditions: " + e.getMessage(), e);
    }
  }
}
