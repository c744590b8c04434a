package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.io.RunFolder;

/**
 * Bad input gets a clear answer: each bad row (a path outside the image root too) lands in
 * rejected/ with its reason and location, the job fails past ingest.max-rejected-fraction without
 * committing anything, and files that are not manifests at all fail naming the file.
 */
class BadInputIT extends SparkTestBase {
  @TempDir Path dir;

  private static final String HEADER =
      "image_id,path,lat,lon,utm_easting,utm_northing,utm_zone,role,split,captured_at";

  /** Good rows, then one of each kind of bad row; the comment says the expected reason. */
  private static final String[][] ROWS = {
    {"g1,g1.jpg,40.44,-79.99,,,,database,train,2015-01-01", null},
    {"g2,g2.jpg,40.44005,-79.99,,,,query,train,2016-01-01", null},
    {"g3,g3.jpg,,,585088.3,4477425.2,17T,database,train,", null},
    {"g4,g4.jpg,,,585090.3,4477425.2,17T,query,,", null},
    {"n1,n1.jpg,NaN,-79.99,,,,database,train,", "nan_coordinate"},
    {"n2,n2.jpg,40.44,,,,,database,train,", "missing_coordinates"},
    {"n3,n3.jpg,,,,,,database,train,", "missing_coordinates"},
    {"n4,n4.jpg,95,-79.99,,,,database,train,", "latitude_out_of_range"},
    {"n5,n5.jpg,40.44,-200,,,,database,train,", "longitude_out_of_range"},
    {"n6,n6.jpg,forty,-79.99,,,,database,train,", "not_a_number"},
    {"n7,n7.jpg,40.44,-79.99,,,,reference,train,", "unknown_role"},
    {"n8,n8.jpg,40.44,-79.99,,,,database,training,", "unknown_split"},
    {"n9,n9.jpg,40.44,-79.99,,,,database,train,yesterday", "bad_capture_date"},
    {"n10,\"broken.jpg,40.44,-79.99,,,,database,train,", "malformed_row"},
    {"n11,n11.jpg,40.44,-79.99", "malformed_row"},
    {"n12,n12.jpg,,,585088.3,4477425.2,99Q,database,train,", "bad_utm_zone"},
    {"dup,a.jpg,40.44,-79.99,,,,database,train,", "duplicate_image_id"},
    {"dup,b.jpg,40.45,-79.99,,,,database,train,", "duplicate_image_id"},
    {"p1,../../../../etc/passwd,40.44,-79.99,,,,database,train,", "path_outside_image_root"},
    {"p2,/srv/elsewhere/secret.png,40.44,-79.99,,,,database,train,", "path_outside_image_root"},
    {"p3,file:///etc/hostname,40.44,-79.99,,,,database,train,", "path_outside_image_root"},
    {
      "p4,http://127.0.0.1:8765/secret.png,40.44,-79.99,,,,database,train,",
      "path_outside_image_root"
    },
    {"p5,000/../../images/x.jpg,40.44,-79.99,,,,database,train,", "path_outside_image_root"},
  };

  private Path writeManifest() {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    for (String[] row : ROWS) {
      lines.add(row[0]);
    }
    return Jobs.writeLines(dir.resolve("in/manifest.csv"), lines);
  }

  @Test
  void everyBadRowIsRejectedWithItsReasonAndLine() {
    Path csv = writeManifest();
    String run = dir.resolve("run").toUri().toString();
    Map<String, Object> summary =
        Jobs.mine(spark, run, List.of(csv.toString()), false, "ingest.max-rejected-fraction=1");
    Map<Long, String> expected = new HashMap<>();
    for (int i = 0; i < ROWS.length; i++) {
      if (ROWS[i][1] != null) {
        expected.put(i + 2L, ROWS[i][1]); // line 1 is the header
      }
    }
    Map<Long, String> actual = new HashMap<>();
    for (Row r : spark.read().parquet(run + "/rejected").collectAsList()) {
      assertEquals(csv.toUri().toString().replace("file:///", "file:/"), r.getAs("source"));
      assertFalse(((String) r.getAs("detail")).isBlank());
      actual.put(r.getAs("row_number"), r.getAs("reason"));
    }
    assertEquals(expected, actual);
    assertEquals((long) ROWS.length, summary.get("rows_in"));
    assertEquals((long) expected.size(), summary.get("rows_rejected"));
    assertEquals(4L, spark.read().parquet(run + "/panoramas").count());
    // the counts mining starts from leave out the refused copies of repeated ids
    assertEquals(
        spark.read().parquet(run + "/panoramas").filter("role = 'database'").count(),
        summary.get("database_images"));
    @SuppressWarnings("unchecked")
    Map<String, Long> byReason = (Map<String, Long>) summary.get("rejected_by_reason");
    assertEquals(2L, byReason.get("duplicate_image_id"));
    assertEquals(2L, byReason.get("malformed_row"));
    assertEquals(5L, byReason.get("path_outside_image_root"));
    Map<String, Long> counted = new java.util.TreeMap<>();
    expected.values().forEach(reason -> counted.merge(reason, 1L, Long::sum));
    List<String> mostFrequentFirst = new ArrayList<>(counted.keySet());
    mostFrequentFirst.sort(
        java.util.Comparator.comparing((String reason) -> -counted.get(reason))
            .thenComparing(reason -> reason));
    assertEquals(counted, new java.util.TreeMap<>(byReason));
    assertEquals(
        mostFrequentFirst,
        new ArrayList<>(byReason.keySet()),
        "reasons most frequent first, ties by name");
  }

  /**
   * CSV rows are numbered by their first line: in a file whose notes hold line breaks (RFC 4180),
   * read whole, and in one without, read split by split (two splits here).
   */
  @Test
  void csvRowsAreNumberedByTheirFirstLineWithOrWithoutLineBreaksInFields() throws Exception {
    for (boolean breaks : List.of(true, false)) {
      StringBuilder text = new StringBuilder("image_id,path,lat,lon,role,notes\n");
      long line = 2;
      Map<Long, String> expected = new HashMap<>();
      TreeSet<String> accepted = new TreeSet<>();
      for (int i = 0; i < 4000; i++) {
        boolean bad = i % 97 == 5;
        String notes =
            breaks && i % 3 == 0 ? "\"walked\nthe block, twice\n\"\"north\"\" side\"" : "walked";
        text.append(
            String.format(
                "i%d,i%d.jpg,%s,-79.99,%s,%s\n",
                i, i, bad ? "95" : "40.44", i % 10 == 0 ? "query" : "database", notes));
        if (bad) {
          expected.put(line, "latitude_out_of_range");
        } else {
          accepted.add("i" + i);
        }
        line += notes.chars().filter(c -> c == '\n').count() + 1;
      }
      if (breaks) {
        text.append("s1,s\"1.jpg,40.44,-79.99,database,x\n");
        expected.put(line, "malformed_row");
      }
      Path csv = dir.resolve("breaks-" + breaks + "/m.csv");
      Files.createDirectories(csv.getParent());
      Files.writeString(csv, text, StandardCharsets.UTF_8);
      String run = dir.resolve("run-breaks-" + breaks).toUri().toString();
      Jobs.mine(spark, run, List.of(csv.toString()), false, "ingest.max-rejected-fraction=1");
      Map<Long, String> rejected = new HashMap<>();
      for (Row r : spark.read().parquet(run + "/rejected").collectAsList()) {
        rejected.put(r.getAs("row_number"), r.getAs("reason"));
      }
      assertEquals(expected, rejected, "line breaks in fields: " + breaks);
      TreeSet<String> ids = new TreeSet<>();
      for (Row r : spark.read().parquet(run + "/panoramas").select("image_id").collectAsList()) {
        ids.add(r.getString(0));
      }
      assertEquals(accepted, ids, "line breaks in fields: " + breaks);
    }
  }

  /**
   * Copies of an id refused across input files: the other database images keep dense indices in
   * input order.
   */
  @Test
  void databaseIndicesStayDenseWhenCopiesInSeveralFilesAreRefused() {
    List<String> inputs = new ArrayList<>();
    List<String> expectedOrder = new ArrayList<>();
    for (int file = 0; file < 3; file++) {
      List<String> lines = new ArrayList<>(List.of("image_id,path,lat,lon,role"));
      for (int i = 0; i < 5; i++) {
        String id = "f" + file + "i" + i;
        lines.add(id + "," + id + ".jpg,40.44,-79.99,database");
        expectedOrder.add(id);
      }
      lines.add("dup,d" + file + ".jpg,40.44,-79.99,database");
      lines.add("q" + file + ",q" + file + ".jpg,40.44001,-79.99,query");
      inputs.add(Jobs.writeLines(dir.resolve("many/part-" + file + ".csv"), lines).toString());
    }
    String run = dir.resolve("run-many").toUri().toString();
    Map<String, Object> summary =
        Jobs.mine(spark, run, inputs, false, "ingest.max-rejected-fraction=0.5");
    assertEquals(15L, summary.get("database_images"));
    List<String> byIndex = new ArrayList<>();
    for (Row r :
        spark
            .read()
            .parquet(run + "/panoramas")
            .filter("role = 'database'")
            .orderBy("db_index")
            .collectAsList()) {
      assertEquals((long) byIndex.size(), (Long) r.getAs("db_index"), "dense indices");
      byIndex.add(r.getAs("image_id"));
    }
    assertEquals(expectedOrder, byIndex, "input order");
  }

  /**
   * ingest.allowed-image-roots opens other roots at ingest, mine-tuples records them, and the jobs
   * that read images enforce the same rule with what it recorded.
   */
  @Test
  void allowedImageRootsAreRecordedAndEnforcedWhereImagesAreOpened() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    ImageIO.write(
        new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB),
        "png",
        elsewhere.resolve("x.png").toFile());
    Path csv =
        Jobs.writeLines(
            dir.resolve("in/allowed.csv"),
            List.of(
                "image_id,path,lat,lon,role",
                "a," + elsewhere.resolve("x.png") + ",40.44,-79.99,database",
                "b,b.jpg,40.44003,-79.99,query",
                "c,/srv/x.png,40.44,-79.99,database"));
    String run = dir.resolve("run-allowed").toUri().toString();
    Map<String, Object> summary =
        Jobs.mine(
            spark,
            run,
            List.of(csv.toString()),
            false,
            "ingest.allowed-image-roots=" + elsewhere + "/ ; https:",
            "ingest.max-rejected-fraction=0.5");
    assertEquals(List.of(elsewhere + "/", "https:"), summary.get("allowed_image_roots"));
    Row rejected = spark.read().parquet(run + "/rejected").first();
    assertEquals("c", rejected.getAs("image_id"));
    assertEquals(
        "path '/srv/x.png' is outside the image root /images and ingest.allowed-image-roots ("
            + elsewhere
            + "/; https:)",
        rejected.getAs("detail"));
    ImageReader reader =
        ImageReader.forRun(
            new RunFolder(run, spark.sparkContext().hadoopConfiguration()),
            4,
            3,
            PipelineConfig.defaults(),
            spark.sparkContext().hadoopConfiguration());
    assertEquals(36, reader.read(elsewhere.resolve("x.png").toString()).length);
    var e = assertThrows(ImageReader.BadImageException.class, () -> reader.read("/srv/x.png"));
    assertTrue(e.getMessage().contains("outside the image root /images"), e.getMessage());
  }

  @Test
  void tooManyRejectedRowsFailClearlyAndCommitNothing() {
    Path csv = writeManifest();
    Path run = dir.resolve("run-fail");
    JobFailure e =
        assertThrows(JobFailure.class, () -> Jobs.mine(spark, run, List.of(csv.toString())));
    String m = e.getMessage();
    assertTrue(m.contains("19 of 23 input rows rejected"), m);
    assertTrue(m.contains("ingest.max-rejected-fraction = 0.01"), m);
    assertTrue(m.contains("nan_coordinate=1") && m.contains("manifest.csv:"), m);
    assertFalse(Files.exists(run.resolve("summary")));
    assertFalse(Files.exists(run.resolve("panoramas")));
    assertFalse(Files.exists(run.resolve("tuples")));
  }

  /**
   * A manifest given twice repeats every id: the job is refused with the reason and where each id
   * first appears.
   */
  @Test
  void aManifestGivenTwiceIsRefusedNamingTheRepeatedIds() {
    List<String> lines = new ArrayList<>(List.of("image_id,path,lat,lon,role"));
    for (int i = 0; i < 40; i++) {
      lines.add("i" + i + ",i" + i + ".jpg,40.44,-79.99," + (i % 4 == 0 ? "query" : "database"));
    }
    String csv = Jobs.writeLines(dir.resolve("twice/m.csv"), lines).toString();
    Path run = dir.resolve("run-twice");
    JobFailure e = assertThrows(JobFailure.class, () -> Jobs.mine(spark, run, List.of(csv, csv)));
    String m = e.getMessage();
    assertTrue(
        m.contains("80 of 80 input rows rejected") && m.contains("duplicate_image_id=80"), m);
    assertTrue(m.contains("appears 2 times (first at "), m);
    assertFalse(Files.exists(run.resolve("summary")));
    assertFalse(Files.exists(run.resolve("panoramas")));
  }

  @Test
  void jsonLinesAndParquetManifestsGiveTheSameRowsAsCsv() {
    List<String> json = new ArrayList<>();
    json.add(
        "{\"image_id\":\"a\",\"path\":\"a.jpg\",\"lat\":40.44,\"lon\":-79.99,\"role\":\"database\"}");
    json.add("");
    json.add(
        "{\"image_id\":\"b\",\"path\":\"b.jpg\",\"lat\":40.44003,\"lon\":-79.99,\"role\":\"query\"}");
    json.add("{\"image_id\":\"c\", broken");
    Path jsonl = Jobs.writeLines(dir.resolve("in/m.jsonl"), json);
    Path csv = Jobs.writeTinyManifest(dir.resolve("in/m.csv"));
    Dataset<Row> df =
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
    String parquet = dir.resolve("in/m.parquet").toString();
    df.write().mode(SaveMode.Overwrite).parquet(parquet);

    Map<String, Object> fromJson =
        Jobs.mine(
            spark, dir.resolve("j"), List.of(jsonl.toString()), "ingest.max-rejected-fraction=0.5");
    Map<String, Object> fromCsv = Jobs.mine(spark, dir.resolve("c"), List.of(csv.toString()));
    Map<String, Object> fromParquet = Jobs.mine(spark, dir.resolve("p"), List.of(parquet));
    List<Row> rejected =
        spark.read().parquet(dir.resolve("j").toUri() + "/rejected").collectAsList();
    assertEquals(1, rejected.size());
    assertEquals(4L, (long) rejected.get(0).getAs("row_number"));
    assertEquals("malformed_row", rejected.get(0).getAs("reason"));
    for (Map<String, Object> s : List.of(fromJson, fromCsv, fromParquet)) {
      assertEquals(1L, s.get("queries_kept"));
      assertEquals(1L, s.get("database_images"));
    }
    List<String> columns = Arrays.asList("image_id", "frame_easting_m", "frame_northing_m", "role");
    for (String run : List.of("j", "p")) {
      assertEquals(
          spark
              .read()
              .parquet(dir.resolve("c").toUri() + "/panoramas")
              .selectExpr(columns.toArray(new String[0]))
              .orderBy("image_id")
              .collectAsList(),
          spark
              .read()
              .parquet(dir.resolve(run).toUri() + "/panoramas")
              .selectExpr(columns.toArray(new String[0]))
              .orderBy("image_id")
              .collectAsList());
    }
  }

  /**
   * Typed Parquet columns (int and long ids, float, decimal, date and timestamp values, NaN) give
   * the same panoramas and rejections as the same values written as text in a CSV manifest: the job
   * reads Parquet rows in Spark's internal form and converts each type itself.
   */
  @Test
  void typedParquetColumnsGiveTheSameRowsAsTheirText() throws Exception {
    StructType dated =
        new StructType()
            .add("image_id", DataTypes.IntegerType)
            .add("path", DataTypes.StringType)
            .add("lat", DataTypes.DoubleType)
            .add("lon", DataTypes.FloatType)
            .add("heading_deg", DataTypes.createDecimalType(10, 2))
            .add("captured_at", DataTypes.DateType)
            .add("role", DataTypes.StringType);
    List<Row> datedRows =
        List.of(
            RowFactory.create(
                1,
                "000/a_pitch1_yaw2.jpg",
                40.44,
                -79.99f,
                null,
                java.sql.Date.valueOf("2015-07-01"),
                "database"),
            RowFactory.create(
                2,
                "000/b.jpg",
                40.44003,
                -79.99f,
                new java.math.BigDecimal("450.50"),
                java.sql.Date.valueOf("2016-02-29"),
                "query"),
            RowFactory.create(3, "000/c.jpg", Double.NaN, -79.99f, null, null, "database"),
            RowFactory.create(4, "000/d.jpg", 40.44, null, null, null, " Query "));
    StructType stamped =
        new StructType()
            .add("image_id", DataTypes.LongType)
            .add("path", DataTypes.StringType)
            .add("lat", DataTypes.createDecimalType(12, 8))
            .add("lon", DataTypes.DoubleType)
            .add("captured_at", DataTypes.TimestampType);
    List<Row> stampedRows =
        List.of(
            RowFactory.create(
                5L,
                "001/e_pitch2_yaw12.jpg",
                new java.math.BigDecimal("40.44001000"),
                -79.99,
                java.sql.Timestamp.valueOf("2017-03-04 12:30:00")),
            RowFactory.create(
                6L, "001/f.jpg", new java.math.BigDecimal("91.00000000"), -79.99, null));
    List<String> parquet = new ArrayList<>();
    List<String> csv = new ArrayList<>();
    int file = 0;
    for (Map.Entry<StructType, List<Row>> input :
        List.of(Map.entry(dated, datedRows), Map.entry(stamped, stampedRows))) {
      file++;
      Path typed = dir.resolve("typed/m" + file + ".parquet");
      spark
          .createDataFrame(input.getValue(), input.getKey())
          .coalesce(1)
          .write()
          .parquet(typed.toString());
      parquet.add(typed.toString());
      List<String> lines = new ArrayList<>(List.of(String.join(",", input.getKey().fieldNames())));
      for (Row r : input.getValue()) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
          texts.add(r.isNullAt(i) ? "" : String.valueOf(r.get(i)));
        }
        lines.add(String.join(",", texts));
      }
      csv.add(Jobs.writeLines(dir.resolve("text/m" + file + ".csv"), lines).toString());
    }
    Map<String, Object> fromParquet =
        Jobs.mine(spark, dir.resolve("p"), parquet, "ingest.max-rejected-fraction=0.5");
    Map<String, Object> fromText =
        Jobs.mine(spark, dir.resolve("t"), csv, "ingest.max-rejected-fraction=0.5");
    assertEquals(fromText.get("rejected_by_reason"), fromParquet.get("rejected_by_reason"));
    assertEquals(
        Map.of("nan_coordinate", 1L, "latitude_out_of_range", 1L, "missing_coordinates", 1L),
        fromParquet.get("rejected_by_reason"));
    for (String table : List.of("panoramas", "rejected")) {
      List<String> columns =
          new ArrayList<>(
              Arrays.asList(
                  spark.read().parquet(dir.resolve("t").toUri() + "/" + table).columns()));
      columns.removeAll(List.of("source", "row_number")); // the files differ
      String[] kept = columns.toArray(new String[0]);
      List<Row> text =
          spark
              .read()
              .parquet(dir.resolve("t").toUri() + "/" + table)
              .selectExpr(kept)
              .orderBy("image_id")
              .collectAsList();
      assertEquals(
          text,
          spark
              .read()
              .parquet(dir.resolve("p").toUri() + "/" + table)
              .selectExpr(kept)
              .orderBy("image_id")
              .collectAsList(),
          table);
      assertEquals(3, text.size(), table);
    }
  }

  @Test
  void rowsThatAreNotUtf8AreRejectedNotMangled() throws Exception {
    byte[] latin1 =
        "caf\u00e9"
            .getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1); // "caf" then the single byte 0xE9
    Path csv = dir.resolve("in/enc.csv");
    Files.createDirectories(csv.getParent());
    try (var out = Files.newOutputStream(csv)) {
      out.write(
          "image_id,path,lat,lon,role\na,a.jpg,40.44,-79.99,database\n"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.write(latin1);
      out.write(
          ",x.jpg,40.44001,-79.99,database\nb,caf\u00e9/b.jpg,40.44003,-79.99,query\n"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path jsonl = dir.resolve("in/enc.jsonl");
    try (var out = Files.newOutputStream(jsonl)) {
      out.write(
          "{\"image_id\":\"j1\",\"path\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.write(latin1);
      out.write(
          ".jpg\",\"lat\":40.44,\"lon\":-79.99}\n"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String run = dir.resolve("run-enc").toUri().toString();
    Map<String, Object> summary =
        Jobs.mine(
            spark,
            run,
            List.of(csv.toString(), jsonl.toString()),
            false,
            "ingest.max-rejected-fraction=1");
    Map<String, String> reasons = new HashMap<>();
    for (Row r : spark.read().parquet(run + "/rejected").collectAsList()) {
      String file = ((String) r.getAs("source")).replaceAll(".*/", "");
      reasons.put(file + ":" + r.getAs("row_number"), r.getAs("reason") + " " + r.getAs("detail"));
    }
    assertEquals(
        Map.of(
            "enc.csv:3",
            "not_utf8 not UTF-8: byte 0xE9 at byte 4 of the line",
            "enc.jsonl:1",
            "not_utf8 not UTF-8: byte 0xE9 at byte 29 of the line"),
        reasons);
    assertEquals(
        1L,
        summary.get("queries_kept"),
        "the rows around them, UTF-8 \u00e9 included, are read as written");
    List<Row> kept = spark.read().parquet(run + "/panoramas").orderBy("image_id").collectAsList();
    assertEquals(
        List.of("a.jpg", "caf\u00e9/b.jpg"),
        kept.stream().map(r -> (String) r.getAs("path")).toList());
  }

  @Test
  void manifestsWithoutASingleRowFailClearly() throws Exception {
    Path empty = Files.write(dir.resolve("empty.jsonl"), new byte[0]);
    Path blank = Files.writeString(dir.resolve("blank.jsonl"), "\n  \n");
    for (Path p : List.of(empty, blank)) {
      JobFailure e =
          assertThrows(
              JobFailure.class,
              () -> Jobs.mine(spark, dir.resolve("r-" + p.getFileName()), List.of(p.toString())));
      assertEquals("the inputs hold no rows: [" + p + "]", e.getMessage());
    }
    Path emptyCsv = Files.write(dir.resolve("empty.csv"), new byte[0]);
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> Jobs.mine(spark, dir.resolve("r-csv"), List.of(emptyCsv.toString())));
    assertTrue(
        e.getMessage().contains("empty.csv: empty file, expected a CSV header line"),
        e.getMessage());
  }

  @Test
  void filesThatAreNotManifestsFailNamingTheFile() throws Exception {
    byte[] real = Files.readAllBytes(Jobs.pittsburghSpec("pitts30k_train.mat"));
    Path empty = Files.write(dir.resolve("pitts_empty.mat"), new byte[0]);
    Path truncated =
        Files.write(dir.resolve("pitts_cut.mat"), Arrays.copyOf(real, real.length / 3));
    Path unrelated =
        Files.write(dir.resolve("pitts_text.mat"), "image_id,path\n".repeat(50).getBytes());
    for (Path bad : List.of(empty, truncated, unrelated)) {
      JobFailure e =
          assertThrows(
              JobFailure.class,
              () ->
                  Jobs.mine(spark, dir.resolve("r-" + bad.getFileName()), List.of(bad.toString())));
      assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
      assertFalse(Files.exists(dir.resolve("r-" + bad.getFileName()).resolve("summary")));
    }
    Path noZone = Files.write(dir.resolve("mycity.mat"), real);
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> Jobs.mine(spark, dir.resolve("r-zone"), List.of(noZone.toString())));
    assertTrue(e.getMessage().contains("ingest.dbstruct-utm-zone"), e.getMessage());
    Path unknown = Files.write(dir.resolve("manifest.txt"), "x".getBytes());
    e =
        assertThrows(
            JobFailure.class,
            () -> Jobs.mine(spark, dir.resolve("r-txt"), List.of(unknown.toString())));
    assertTrue(
        e.getMessage().contains("manifest.txt") && e.getMessage().contains("unknown format"),
        e.getMessage());
    e =
        assertThrows(
            JobFailure.class,
            () ->
                Jobs.mine(
                    spark, dir.resolve("r-missing"), List.of(dir.resolve("nope.csv").toString())));
    assertTrue(
        e.getMessage().contains("nope.csv") && e.getMessage().contains("does not exist"),
        e.getMessage());
    Path noId = Jobs.writeLines(dir.resolve("noid.csv"), List.of("path,lat,lon", "a.jpg,1,1"));
    e =
        assertThrows(
            JobFailure.class,
            () -> Jobs.mine(spark, dir.resolve("r-noid"), List.of(noId.toString())));
    assertTrue(
        e.getMessage().contains("noid.csv") && e.getMessage().contains("image_id"), e.getMessage());
  }
}
