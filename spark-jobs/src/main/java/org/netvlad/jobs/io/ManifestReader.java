package org.netvlad.jobs.io;

import static org.apache.spark.sql.functions.col;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.FileInputFormat;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.unsafe.types.UTF8String;
import org.netvlad.common.data.CsvManifest;
import org.netvlad.common.data.DbStruct;
import org.netvlad.common.data.JsonLinesManifest;
import org.netvlad.common.data.ManifestColumns;
import org.netvlad.common.data.ManifestFormatException;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.Utf8Line;
import org.netvlad.jobs.cli.JobFailure;
import scala.Function1;

/**
 * Reads the inputs of {@code mine-tuples} into raw rows, each knowing its file and row number.
 *
 * <p>An input is a file or a folder of files, on any Hadoop file system; the format follows the
 * name: {@code .csv}, {@code .jsonl}/{@code .json}/{@code .ndjson} (one object a line), {@code
 * .parquet} (or a folder of Parquet parts), {@code .mat} (a dbStruct spec).
 */
public final class ManifestReader {
  private static final int MAX_HEADER_BYTES = 1 << 20;

  private final SparkSession spark;
  private final String dbStructZone;
  private final String dbStructDatabaseFolder;
  private final String dbStructQueryFolder;
  private boolean readTimeStampedSpec;

  /**
   * @param dbStructZone UTM zone of dbStruct positions, or "auto" to infer it from the file name
   * @param dbStructDatabaseFolder folder of dbStruct database images under the image root
   * @param dbStructQueryFolder folder of dbStruct query images, or "auto"
   */
  public ManifestReader(
      SparkSession spark,
      String dbStructZone,
      String dbStructDatabaseFolder,
      String dbStructQueryFolder) {
    this.spark = spark;
    this.dbStructZone = dbStructZone;
    this.dbStructDatabaseFolder = dbStructDatabaseFolder;
    this.dbStructQueryFolder = dbStructQueryFolder;
  }

  /**
   * True once {@link #read} has met a dbStruct spec with capture time stamps (Time Machine data).
   */
  public boolean readTimeStampedSpec() {
    return readTimeStampedSpec;
  }

  /** Every row of every input, unioned. */
  public JavaRDD<RawRow> read(List<String> inputs) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<JavaRDD<RawRow>> parts = new ArrayList<>();
    for (String input : inputs) {
      for (Path file : files(input)) {
        parts.add(readFile(sc, file));
      }
    }
    JavaRDD<RawRow> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.union(parts.get(i));
    }
    return all;
  }

  private List<Path> files(String input) {
    Path path = new Path(input);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new JobFailure("input " + input + " does not exist");
      }
      FileStatus status = fs.getFileStatus(path);
      if (status.isFile()) {
        return List.of(status.getPath());
      }
      if (format(path) == Format.PARQUET || isParquetFolder(fs, path)) {
        return List.of(status.getPath());
      }
      List<Path> out = new ArrayList<>();
      FileStatus[] children = fs.listStatus(path);
      Arrays.sort(children);
      for (FileStatus child : children) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          out.add(child.getPath());
        }
      }
      if (out.isEmpty()) {
        throw new JobFailure("input folder " + input + " holds no files");
      }
      return out;
    } catch (IOException e) {
      throw IoFailures.failure("reading input", input, e, e);
    }
  }

  private enum Format {
    CSV,
    JSON_LINES,
    PARQUET,
    DBSTRUCT
  }

  private static Format format(Path path) {
    String name = path.getName().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return Format.CSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return Format.JSON_LINES;
    }
    if (name.endsWith(".parquet")) {
      return Format.PARQUET;
    }
    if (name.endsWith(".mat")) {
      return Format.DBSTRUCT;
    }
    return null;
  }

  private static boolean isDirectory(JavaSparkContext sc, Path path) {
    try {
      return path.getFileSystem(sc.hadoopConfiguration()).getFileStatus(path).isDirectory();
    } catch (IOException e) {
      throw IoFailures.failure("reading input", path, e, e);
    }
  }

  private static boolean isParquetFolder(FileSystem fs, Path folder) throws IOException {
    for (FileStatus child : fs.listStatus(folder)) {
      if (child.getPath().getName().endsWith(".parquet")) {
        return true;
      }
    }
    return false;
  }

  private JavaRDD<RawRow> readFile(JavaSparkContext sc, Path file) {
    Format format = format(file);
    if (format == null && isDirectory(sc, file)) {
      format = Format.PARQUET; // files() only passes folders on when they hold Parquet parts
    }
    if (format == null) {
      throw new JobFailure(
          "input " + file + ": unknown format; name it .csv, .jsonl, .parquet or .mat (dbStruct)");
    }
    String source = file.toString();
    try {
      switch (format) {
        case CSV:
          return readCsv(sc, file, source);
        case JSON_LINES:
          return lines(sc, source)
              .filter(t -> !t._1().isBlank())
              .map(
                  t ->
                      t._1().problem() != null
                          ? RawRow.notUtf8(source, t._2() + 1, t._1().problem())
                          : JsonLinesManifest.parse(source, t._2() + 1, t._1().text()));
        case PARQUET:
          return readParquet(source);
        default:
          return readDbStruct(sc, file, source);
      }
    } catch (ManifestFormatException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }

  /**
   * CSV rows, each numbered by its first line. A file in which no quoted field holds a line break
   * is read split by split; one in which a line leaves a quote open is read in order by one task,
   * since a split may start inside a quoted field.
   */
  private JavaRDD<RawRow> readCsv(JavaSparkContext sc, Path file, String source) {
    CsvManifest csv = CsvManifest.fromHeader(source, header(sc, file, source));
    JavaRDD<Text> split =
        sc.hadoopFile(source, TextInputFormat.class, LongWritable.class, Text.class).values();
    List<long[]> counts = split.mapPartitions(ManifestReader::lineAndOpenFieldCounts).collect();
    if (counts.stream().anyMatch(c -> c[1] > 0)) {
      return wholeFile(sc, source).mapPartitions(lines -> csv.rows(afterHeader(decoded(lines)), 2));
    }
    long[] firstLines = new long[counts.size()];
    for (int i = 1; i < firstLines.length; i++) {
      firstLines[i] = firstLines[i - 1] + counts.get(i - 1)[0];
    }
    return split.mapPartitionsWithIndex(
        (i, lines) ->
            i == 0
                ? csv.rows(afterHeader(decoded(lines)), 2)
                : csv.rows(decoded(lines), firstLines[i] + 1),
        true);
  }

  /** A split's count of lines and of lines that leave a quoted field open. */
  private static Iterator<long[]> lineAndOpenFieldCounts(Iterator<Text> lines) {
    long[] counts = new long[2];
    while (lines.hasNext()) {
      Text line = lines.next();
      counts[0]++;
      counts[1] += CsvManifest.opensField(line.getBytes(), line.getLength()) ? 1 : 0;
    }
    return List.of(counts).iterator();
  }

  /** A text file as one split, its lines in order. */
  private static JavaRDD<Text> wholeFile(JavaSparkContext sc, String source) {
    JobConf conf = new JobConf(sc.hadoopConfiguration());
    FileInputFormat.setInputPaths(conf, source);
    conf.setLong(
        org.apache.hadoop.mapreduce.lib.input.FileInputFormat.SPLIT_MINSIZE, Long.MAX_VALUE);
    return sc.hadoopRDD(conf, TextInputFormat.class, LongWritable.class, Text.class, 1).values();
  }

  /** Lines decoded as they are read (the reader reuses its Text). */
  private static Iterator<Utf8Line> decoded(Iterator<Text> lines) {
    return Iterators.map(lines, t -> Utf8Line.decode(t.getBytes(), t.getLength()));
  }

  private static Iterator<Utf8Line> afterHeader(Iterator<Utf8Line> lines) {
    if (lines.hasNext()) {
      lines.next();
    }
    return lines;
  }

  /** A text file's lines decoded strictly as UTF-8, each with its 0-based line number. */
  private static JavaPairRDD<Utf8Line, Long> lines(JavaSparkContext sc, String source) {
    return sc.hadoopFile(source, TextInputFormat.class, LongWritable.class, Text.class)
        .map(t -> Utf8Line.decode(t._2().getBytes(), t._2().getLength()))
        .zipWithIndex();
  }

  /** The first line of a CSV file; a header that is not UTF-8 fails the file. */
  private static String header(JavaSparkContext sc, Path file, String source) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean empty = true;
    try (InputStream in =
        new BufferedInputStream(file.getFileSystem(sc.hadoopConfiguration()).open(file))) {
      for (int b = in.read();
          b != -1 && b != '\n' && line.size() < MAX_HEADER_BYTES;
          b = in.read()) {
        empty = false;
        line.write(b);
      }
    } catch (IOException e) {
      throw IoFailures.failure("reading", source, e, e);
    }
    if (empty) {
      throw new JobFailure(source + ": empty file, expected a CSV header line");
    }
    byte[] bytes = line.toByteArray();
    int length =
        bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    Utf8Line header = Utf8Line.decode(bytes, length);
    if (header.problem() != null) {
      throw new JobFailure(source + ": the header line is " + header.problem());
    }
    return header.text();
  }

  private JavaRDD<RawRow> readParquet(String source) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(source);
    } catch (Exception e) { // AnalysisException is a checked exception Spark throws undeclared
      throw new JobFailure(
          source + ": not readable as Parquet: " + e.getMessage().split("\n")[0], e);
    }
    String[] names = df.columns();
    List<String> lower = new ArrayList<>();
    for (String c : names) {
      lower.add(c.trim().toLowerCase(Locale.ROOT));
    }
    ManifestColumns.requireIdentity(source, lower);
    HashMap<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < lower.size(); i++) {
      Integer before = columns.put(lower.get(i), i);
      if (before != null) {
        throw new JobFailure(
            source
                + ": columns '"
                + names[before]
                + "' and '"
                + names[i]
                + "' name the same field (names are read without case)");
      }
    }
    // Each row is named by its part file and its 0-based index in it (Parquet's row index).
    Dataset<Row> located =
        df.select(col("*"), col("_metadata.file_path"), col("_metadata.row_index"));
    StructField[] fields = located.schema().fields();
    return InternalRows.of(located)
        .mapPartitions(rows -> new TypedValues(fields, lower.size()).rows(rows, columns));
  }

  /** A Parquet row's values as {@link Row} would give them, read from Spark's internal row. */
  private static final class TypedValues {
    private final StructField[] fields;
    private final int valueColumns;
    private final List<Function1<Object, Object>> converters = new ArrayList<>();
    private UTF8String lastFile;
    private String lastFileText;

    TypedValues(StructField[] fields, int valueColumns) {
      this.fields = fields;
      this.valueColumns = valueColumns;
      for (int i = 0; i < valueColumns; i++) {
        converters.add(CatalystTypeConverters.createToScalaConverter(fields[i].dataType()));
      }
    }

    Iterator<RawRow> rows(Iterator<InternalRow> rows, Map<String, Integer> columns) {
      return Iterators.map(
          rows,
          r ->
              RawRow.typed(
                  file(r.getUTF8String(valueColumns)),
                  r.getLong(valueColumns + 1) + 1,
                  columns,
                  values(r)));
    }

    private Object[] values(InternalRow r) {
      Object[] values = new Object[valueColumns];
      for (int i = 0; i < valueColumns; i++) {
        if (r.isNullAt(i)) {
          continue;
        }
        DataType type = fields[i].dataType();
        if (type == DataTypes.StringType) {
          values[i] = r.getUTF8String(i).toString();
        } else if (type == DataTypes.DoubleType) {
          values[i] = r.getDouble(i);
        } else {
          values[i] = converters.get(i).apply(r.get(i, type));
        }
      }
      return values;
    }

    /** The part file's name, decoded once per run of rows from the same file. */
    private String file(UTF8String file) {
      if (!file.equals(lastFile)) {
        lastFile = file.clone();
        lastFileText = file.toString();
      }
      return lastFileText;
    }
  }

  /**
   * The UTM zone of a dbStruct file's positions: the setting, or with "auto" the known dataset's.
   */
  public static String dbStructZone(String uri, String setting) {
    if (!"auto".equals(setting)) {
      return setting;
    }
    String zone = DbStruct.knownZone(uri);
    if (zone == null) {
      throw new JobFailure(
          uri
              + ": a dbStruct file does not say its UTM zone; set ingest.dbstruct-utm-zone"
              + " (e.g. --set ingest.dbstruct-utm-zone=17T)");
    }
    return zone;
  }

  /** The query folder of a dbStruct file: the setting, or with "auto" the reference layout's. */
  public static String dbStructQueryFolder(String uri, String setting) {
    return "auto".equals(setting) ? DbStruct.referenceQueryFolder(uri) : setting;
  }

  private JavaRDD<RawRow> readDbStruct(JavaSparkContext sc, Path file, String source) {
    FileSystem fs;
    try {
      fs = file.getFileSystem(sc.hadoopConfiguration());
    } catch (IOException e) {
      throw IoFailures.failure("reading", source, e, e);
    }
    DbStruct spec = DbStruct.read(source, RunFolder.readBytes(fs, file));
    readTimeStampedSpec |= spec.dbTimeStamps() != null && spec.qTimeStamps() != null;
    String zone = dbStructZone(source, dbStructZone);
    String queryFolder = dbStructQueryFolder(source, dbStructQueryFolder);
    List<RawRow> rows = spec.toRawRows(source, zone, dbStructDatabaseFolder, queryFolder);
    int slices = Math.max(sc.defaultParallelism(), rows.size() / 50_000 + 1);
    return sc.parallelize(rows, slices);
  }
}
