package org.netvlad.jobs.io;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Rows in Spark's internal form (strings as {@link UTF8String}, dates as days since 1970), for the
 * per-row passes over every panorama: they need not convert each row to a {@link Row} and back.
 */
public final class InternalRows {
  private InternalRows() {}

  /**
   * A table of rows already in internal form. Spark's own {@code internalCreateDataFrame}: public
   * in the bytecode, not in the Scala API (Spark 3.5); its scan copies each row as it reads it.
   */
  public static Dataset<Row> frame(
      SparkSession spark, JavaRDD<InternalRow> rows, StructType schema) {
    return spark.internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /**
   * A table's rows in internal form, in its partitions. A row is only valid until the next is read:
   * copy it ({@link InternalRow#copy}) to keep it.
   */
  public static JavaRDD<InternalRow> of(Dataset<Row> table) {
    return table.queryExecution().toRdd().toJavaRDD();
  }

  /** A string in internal form; null stays null. */
  public static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
