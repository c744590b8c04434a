package org.netvlad.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.netvlad.common.config.GeoSettings;
import org.netvlad.common.config.IngestSettings;
import org.netvlad.common.config.MiningSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.RunSettings;
import org.netvlad.common.data.ImagePaths;
import org.netvlad.common.data.RawRow;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.mining.MiningParams;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.JvmMemory;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.ingest.Ingest;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.ListedConditions;
import org.netvlad.jobs.io.ManifestReader;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.io.Summaries;
import org.netvlad.jobs.io.Tables;
import org.netvlad.jobs.mining.MiningStats;
import org.netvlad.jobs.mining.TileMining;

/**
 * {@code mine-tuples}: validates the panorama manifests or dbStruct specs and mines, for every
 * query, its potential positives and what exact negative sampling needs (docs/architecture.md).
 * Writes {@code panoramas/}, {@code rejected/}, {@code tuples/<split>/} and {@code
 * summary/mine-tuples.json}, committed atomically.
 */
public final class MineTuplesJob {
  public static final String NAME = "mine-tuples";

  static final List<JobArgs.Option> OPTIONS =
      List.of(
          new JobArgs.Option(
              "--input",
              "URI",
              true,
              true,
              "a manifest (.csv, .jsonl, .parquet) or dbStruct .mat, file or folder"),
          new JobArgs.Option(
              "--images",
              "URI",
              false,
              false,
              "the image root that relative paths are under (default: the first input's folder)"));

  /** The validated settings of one run of this job. */
  public record Config(
      String runUri,
      List<String> inputs,
      String imagesUri,
      PipelineConfig settings,
      boolean overwrite) {}

  private MineTuplesJob() {}

  public static void main(String[] args) {
    JobMain.main(NAME, OPTIONS, MineTuplesJob::config, MineTuplesJob::run, args);
  }

  /** Builds the job's config from parsed arguments; settings are checked here, before any data. */
  public static Config config(JobArgs args, SparkSession spark) {
    PipelineConfig settings = JobConfigs.load(args, spark.sparkContext().hadoopConfiguration());
    List<String> inputs = args.values("--input");
    String images =
        imageRoot(inputs, args.value("--images"), spark.sparkContext().hadoopConfiguration());
    return new Config(args.value("--run"), inputs, images, settings, args.overwrite());
  }

  /**
   * The image root: {@code --images}, which must exist, or the first input's folder.
   *
   * @throws JobFailure when --images names nothing
   */
  public static String imageRoot(
      List<String> inputs, String images, org.apache.hadoop.conf.Configuration hadoop) {
    if (images == null) {
      Path parent = new Path(inputs.get(0)).getParent();
      return parent == null ? "." : parent.toString();
    }
    RunFolder imagesRoot = new RunFolder(images, hadoop);
    if (!imagesRoot.exists(imagesRoot.root())) {
      throw new JobFailure("--images " + images + " does not exist");
    }
    return images;
  }

  /**
   * Runs the job under the run folder's lock; returns its summary (also written to {@code
   * summary/mine-tuples.json}).
   */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    RunFolder run = new RunFolder(config.runUri(), spark.sparkContext().hadoopConfiguration());
    try (RunLock lock =
        run.lock(NAME, RunSettings.lockStaleAfter(config.settings()), progress::say)) {
      Map<String, Object> finished =
          Lineage.alreadyFinished(
              run,
              NAME,
              config.overwrite(),
              "redo",
              f ->
                  Lineage.requireUpToDate(
                      NAME,
                      run.root(),
                      f,
                      Map.of(),
                      Map.of("inputs", config.inputs(), Summaries.IMAGES, config.imagesUri()),
                      config.settings().asText(),
                      MineTuplesJob::readsSetting),
              progress::say);
      if (finished != null) {
        return finished;
      }
      return mine(spark, config, run, progress);
    }
  }

  /** The settings this job's outputs depend on. */
  static boolean readsSetting(String key) {
    return key.startsWith("ingest.") || key.startsWith("geo.") || key.startsWith("mining.");
  }

  private static Map<String, Object> mine(
      SparkSession spark, Config config, RunFolder run, Progress progress) {
    PipelineConfig s = config.settings();
    progress.say("settings: " + s.asText());
    // The cached rows are read a few times, then dropped: compressing them costs more time than the
    // memory it saves is worth.
    spark.conf().set("spark.sql.inMemoryColumnarStorage.compressed", false);
    Path staging = run.newStaging(NAME);
    Map<String, Long> timingsMs = new LinkedHashMap<>();
    long t0 = System.nanoTime();

    ManifestReader reader =
        new ManifestReader(
            spark,
            s.get(IngestSettings.DBSTRUCT_UTM_ZONE),
            s.get(IngestSettings.DBSTRUCT_DATABASE_FOLDER),
            s.get(IngestSettings.DBSTRUCT_QUERY_FOLDER));
    JavaRDD<RawRow> rawRows = reader.read(config.inputs());
    if (!s.get(IngestSettings.CONDITIONS).isEmpty()) {
      rawRows = ListedConditions.apply(spark, rawRows, s.get(IngestSettings.CONDITIONS), progress);
    }
    String otherDate = s.get(MiningSettings.POSITIVE_NEEDS_OTHER_DATE);
    boolean positiveNeedsOtherDate =
        otherDate.equals("true") || otherDate.equals("auto") && reader.readTimeStampedSpec();
    progress.say(
        "positives "
            + (positiveNeedsOtherDate ? "must" : "need not")
            + " have another capture date than their query");
    List<String> allowedRoots = ImagePaths.allowedRoots(s.get(IngestSettings.ALLOWED_IMAGE_ROOTS));
    ImagePaths imagePaths;
    try {
      imagePaths = new ImagePaths(config.imagesUri(), allowedRoots);
    } catch (IllegalArgumentException e) {
      throw new JobFailure("--images " + config.imagesUri() + ": " + e.getMessage(), e);
    }
    Ingest.Result ingest =
        Ingest.run(
            spark,
            rawRows,
            Role.parseOrNull(s.get(IngestSettings.DEFAULT_ROLE)),
            Split.parseOrNull(s.get(IngestSettings.DEFAULT_SPLIT)),
            imagePaths,
            s.get(GeoSettings.FRAME_ZONE),
            s.get(GeoSettings.MAX_FRAME_OFFSET_DEG),
            s.get(IngestSettings.MAX_REJECTED_FRACTION),
            rows ->
                partitions(
                    rows,
                    s.get(MiningSettings.ROWS_PER_PARTITION),
                    spark.sparkContext().defaultParallelism()),
            progress);
    if (ingest.rowsIn() == 0) {
      throw new JobFailure("the inputs hold no rows: " + config.inputs());
    }
    Dataset<Row> rejected = ingest.rejected();
    Map<String, Long> rejectedByReason = ingest.rejectedByReason();
    long rejectedCount = sumOf(rejectedByReason);
    Path rejectedPath = new Path(staging, "rejected");
    IoFailures.writing(
        rejectedPath,
        () -> rejected.write().mode(SaveMode.ErrorIfExists).parquet(rejectedPath.toString()));
    double rejectedShare = (double) rejectedCount / ingest.rowsIn();
    progress.say(
        String.format(
            "ingest: %,d rows read, %,d rejected (%.2f%%) %s; frame zone %s",
            ingest.rowsIn(),
            rejectedCount,
            100 * rejectedShare,
            rejectedByReason,
            ingest.frameZone()));
    double maxShare = s.get(IngestSettings.MAX_REJECTED_FRACTION);
    if (Ingest.overRejectedShare(rejectedCount, ingest.rowsIn(), maxShare)) {
      throw new JobFailure(
          tooManyRejected(
              ingest.rowsIn(),
              rejectedCount,
              rejectedShare,
              maxShare,
              rejectedByReason,
              rejected,
              staging));
    }
    Path panoramasPath = new Path(staging, "panoramas");
    IoFailures.writing(
        panoramasPath,
        () ->
            withoutDictionaries(ingest.panoramas().write(), DISTINCT_PANORAMA_COLUMNS)
                .parquet(panoramasPath.toString()));
    progress.say("ingest: panoramas written");
    ingest.release();
    // Mining reads what was written (only the columns it needs) rather than a cache of it: caching
    // costs about as much as the write, and the memory would grow with the input.
    Dataset<Row> panoramas =
        spark.read().schema(Tables.PANORAMA_INDEXED).parquet(panoramasPath.toString());
    timingsMs.put("ingest", (System.nanoTime() - t0) / 1_000_000);

    long t1 = System.nanoTime();
    Map<String, Long> databaseBySplit = ingest.databaseBySplit();
    Map<String, Long> queriesBySplit = ingest.queriesBySplit();
    MiningParams params =
        new MiningParams(
            s.get(MiningSettings.POSITIVE_RADIUS_M),
            s.get(MiningSettings.NEGATIVE_RADIUS_M),
            positiveNeedsOtherDate);
    long accepted = ingest.rowsIn() - rejectedCount;
    int partitions =
        partitions(
            accepted,
            s.get(MiningSettings.ROWS_PER_PARTITION),
            spark.sparkContext().defaultParallelism());
    MiningStats stats = new MiningStats();
    spark.sparkContext().register(stats, "mining statistics");
    Path bySplitPath = new Path(staging, "tuples-by-split");
    IoFailures.writing(
        bySplitPath,
        () ->
            TileMining.mine(
                    panoramas,
                    params,
                    s.get(MiningSettings.TILE_SIZE_M),
                    partitions,
                    databaseBySplit,
                    stats)
                .write()
                // Ids and index lists are mostly distinct: dictionary encoding would spend CPU only
                // to
                // fall back to plain pages.
                .option("parquet.enable.dictionary", "false")
                .partitionBy("split")
                .parquet(bySplitPath.toString()));
    moveSplitFolders(run, new Path(staging, "tuples-by-split"), new Path(staging, "tuples"));
    Map<String, Object> bySplit = splitStatistics(stats.value(), databaseBySplit, queriesBySplit);
    timingsMs.put("mining", (System.nanoTime() - t1) / 1_000_000);
    progress.say(
        String.format(
            "mining: %,d queries mined in %.1f s",
            sumOf(queriesBySplit), (System.nanoTime() - t1) / 1e9));

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", NAME);
    summary.put(Lineage.ID, Lineage.newId());
    summary.put("run", run.root().toString());
    summary.put("inputs", config.inputs());
    summary.put(Summaries.IMAGES, config.imagesUri());
    summary.put(
        Summaries.ALLOWED_IMAGE_ROOTS,
        allowedRoots); // the jobs that open images enforce these again
    summary.put("frame_zone", String.valueOf(ingest.frameZone()));
    summary.put("positive_needs_other_date", positiveNeedsOtherDate);
    summary.put("rows_in", ingest.rowsIn());
    summary.put("rows_accepted", accepted);
    summary.put("rows_rejected", rejectedCount);
    summary.put("rejected_by_reason", rejectedByReason);
    summary.put("database_images", sumOf(databaseBySplit));
    summary.putAll(totals(bySplit));
    TreeMap<Integer, Long> overall = new TreeMap<>();
    stats
        .value()
        .values()
        .forEach(v -> v.positivesHistogram.forEach((k, n) -> overall.merge(k, n, Long::sum)));
    summary.put("positives_per_query", PositiveStats.of(overall));
    summary.put("by_split", bySplit);
    summary.put("settings", s.asText());
    timingsMs.put("total", (System.nanoTime() - t0) / 1_000_000);
    summary.put("timings_ms", timingsMs);
    summary.put("driver_memory", JvmMemory.peaks());
    run.writeText(new Path(staging, RunFolder.summaryPath(NAME)), JobMain.toJson(summary));
    run.commit(NAME, staging, List.of("panoramas", "rejected", "tuples"));
    progress.say(
        String.format(
            "done: %,d queries in, %,d kept, %,d without a positive; outputs in %s",
            (Long) summary.get("queries_in"),
            (Long) summary.get("queries_kept"),
            (Long) summary.get("queries_without_positive"),
            run.root()));
    return summary;
  }

  /**
   * Columns of {@code panoramas/} whose values are mostly distinct: a dictionary only costs time.
   */
  static final List<String> DISTINCT_PANORAMA_COLUMNS =
      List.of(
          "image_id",
          "path",
          "lat",
          "lon",
          "utm_easting",
          "utm_northing",
          "frame_easting_m",
          "frame_northing_m",
          "row_number",
          "db_index");

  /**
   * A writer that writes these columns without Parquet's dictionary encoding (the others keep it).
   */
  static DataFrameWriter<Row> withoutDictionaries(
      DataFrameWriter<Row> writer, List<String> columns) {
    for (String column : columns) {
      writer = writer.option("parquet.enable.dictionary#" + column, "false");
    }
    return writer;
  }

  /**
   * Mining tasks: about {@code rowsPerPartition} rows each, in whole waves of {@code cores} tasks
   * (a last wave of one task would leave the other cores idle).
   */
  static int partitions(long rows, long rowsPerPartition, int cores) {
    long waves = Math.max(1, Math.round((double) rows / rowsPerPartition / cores));
    return (int) Math.min(Integer.MAX_VALUE, waves * cores);
  }

  /** Per-split counts and positives-per-query statistics, for the summary. */
  private static Map<String, Object> splitStatistics(
      Map<String, MiningStats.Split> mined,
      Map<String, Long> databaseBySplit,
      Map<String, Long> queriesBySplit) {
    Map<String, Object> bySplit = new TreeMap<>();
    for (String split : queriesBySplit.keySet()) {
      MiningStats.Split stats = mined.getOrDefault(split, new MiningStats.Split());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("database_images", databaseBySplit.getOrDefault(split, 0L));
      m.put("queries_in", queriesBySplit.get(split));
      m.put("queries_kept", stats.kept);
      m.put("queries_without_positive", queriesBySplit.get(split) - stats.kept);
      m.put("pairs_within_positive_radius", stats.pairsWithinPositiveRadius);
      m.put("pairs_within_negative_radius", stats.pairsWithinNegativeRadius);
      m.put("positives_per_query", PositiveStats.of(stats.positivesHistogram));
      bySplit.put(split, m);
    }
    return bySplit;
  }

  /** Sums of the per-split counts, at the summary's top level. */
  private static Map<String, Object> totals(Map<String, Object> bySplit) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key :
        List.of(
            "queries_in",
            "queries_kept",
            "queries_without_positive",
            "pairs_within_positive_radius",
            "pairs_within_negative_radius")) {
      long total = 0;
      for (Object v : bySplit.values()) {
        total += (Long) ((Map<?, ?>) v).get(key);
      }
      out.put(key, total);
    }
    return out;
  }

  private static long sumOf(Map<String, Long> m) {
    return m.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Spark writes {@code split=train/}; the contract says {@code tuples/train/}. */
  private static void moveSplitFolders(RunFolder run, Path bySplit, Path tuples) {
    try {
      run.fs().mkdirs(tuples);
      for (FileStatus child : run.fs().listStatus(bySplit)) {
        String name = child.getPath().getName();
        if (child.isDirectory() && name.startsWith("split=")) {
          Path target = new Path(tuples, name.substring("split=".length()));
          if (!run.fs().rename(child.getPath(), target)) {
            throw new IOException("rename to " + target + " failed");
          }
        }
      }
      run.fs().delete(bySplit, true);
    } catch (IOException e) {
      throw IoFailures.failure("laying out", tuples, e, e);
    }
  }

  private static String tooManyRejected(
      long rowsIn,
      long rejectedCount,
      double share,
      double maxShare,
      Map<String, Long> byReason,
      Dataset<Row> rejected,
      Path staging) {
    List<String> examples = new ArrayList<>();
    for (Row r : rejected.orderBy("source", "row_number").limit(3).collectAsList()) {
      examples.add(
          r.getString(0) + ":" + r.getLong(1) + " " + r.getString(3) + " (" + r.getString(4) + ")");
    }
    return String.format(
        "%,d of %,d input rows rejected (%.2f%%), more than ingest.max-rejected-fraction = %s;"
            + " by reason %s; first: %s; every rejected row is in %s",
        rejectedCount,
        rowsIn,
        100 * share,
        maxShare,
        byReason,
        String.join("; ", examples),
        new Path(staging, "rejected"));
  }
}
