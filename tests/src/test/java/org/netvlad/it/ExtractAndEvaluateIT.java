package org.netvlad.it;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.eval.Pca;
import org.netvlad.common.eval.RecallAtN;
import org.netvlad.common.model.Descriptors;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.jobs.ExtractAndEvaluateJob;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobIoFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.evaluation.PcaFit;

/**
 * extract-and-evaluate on a rendered city after one short epoch of training: Recall@N of the
 * untrained network (no PCA) equals a brute-force computation on descriptors the test computes
 * itself; the trained network's PCA whitening has the eigenvalues of an independent
 * eigendecomposition and its Recall@N equals brute force over the descriptors it wrote; the report
 * sets both side by side; unreadable images are listed and past the threshold fail the job without
 * touching a finished evaluation; a finished evaluation is not redone; with eval.query-resize =
 * central-crop, queries padded to other aspect ratios give the descriptors they gave before.
 */
class ExtractAndEvaluateIT extends SparkTestBase {
  private static final List<String> MODEL =
      List.of(
          "model.width-px=64", "model.height-px=48", "model.clusters=16", "model.init-images=60");

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void evaluatesUntrainedAndTrainedNetworksAgainstBruteForce() throws Exception {
    Path root = dir.resolve("run");
    String run = root.toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            run,
            null,
            PipelineConfig.load(
                "",
                "t",
                List.of("render.images=1200", "render.width-px=64", "render.height-px=48")),
            false));
    Jobs.mineCity(spark, run);
    List<String> train = new ArrayList<>(MODEL);
    train.addAll(
        List.of(
            "train.epochs=1",
            "train.workers=2",
            "train.negative-candidates=60",
            "train.negatives-per-tuple=4",
            "train.optimizer=adam",
            "train.max-queries-per-epoch=24"));
    TrainNetVladJob.run(
        spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "t", train), false));

    // the untrained network, no PCA, its own output folder: equals brute force on the test's own
    // descriptors
    Path untrainedOut = dir.resolve("untrained");
    Map<String, Object> untrained =
        evaluate(
            run,
            false,
            "eval.checkpoint=untrained",
            "eval.pca=false",
            "eval.output=" + untrainedOut.toUri(),
            "eval.label=" + MARKUP);
    Images test = testImages(root);
    double[] brute = bruteRecall(root.resolve("model/epoch=0/model.zip"), test);
    double oneQuery =
        1.0 / test.queryXy.size() + 1e-9; // a float32 near-tie may rank one query otherwise
    assertEquals((long) test.queryXy.size(), ((Number) untrained.get("queries")).longValue());
    assertEquals((long) test.dbXy.size(), ((Number) untrained.get("database_images")).longValue());
    for (int k = 0; k < 4; k++) {
      assertEquals(brute[k], recall(untrained, NS[k]), oneQuery, "untrained Recall@" + NS[k]);
    }
    List<Row> perQuery =
        spark
            .read()
            .parquet(untrainedOut.resolve("evaluation/per_query").toString())
            .collectAsList();
    assertEquals(test.queryXy.size(), perQuery.size());
    long foundBy5 =
        perQuery.stream()
            .filter(
                r ->
                    r.getInt(r.fieldIndex("first_correct_rank")) >= 1
                        && r.getInt(r.fieldIndex("first_correct_rank")) <= 5)
            .count();
    assertEquals(
        recall(untrained, 5),
        (double) foundBy5 / perQuery.size(),
        1e-12,
        "per-query ranks agree with the metrics");
    assertEquals(
        0,
        spark
            .read()
            .parquet(untrainedOut.resolve("descriptors/database").toString())
            .filter("size(descriptor) != 2048")
            .count());

    // the trained network with the paper's whitening fitted on the evaluated database, compared
    // with the untrained evaluation
    List<String> paperOnTest =
        List.of(
            "eval.checkpoint=1",
            "eval.pca=true",
            "eval.pca-fit-split=evaluated",
            "eval.pca-shrinkage=0",
            "eval.compare=before training=" + untrainedOut.toUri());
    Map<String, Object> trained = evaluate(run, false, paperOnTest.toArray(new String[0]));
    assertEquals("test", trained.get("pca_fit_split"));
    assertEquals("whitened", trained.get("searched"));
    assertTrue(
        String.valueOf(trained.get("whitening_warning")).contains("lower eval.pca-dims to at most"),
        "a sample barely larger than the dimensions is warned about: "
            + trained.get("whitening_warning"));
    List<Row> db =
        spark
            .read()
            .parquet(root.resolve("descriptors/database").toString())
            .orderBy("index")
            .collectAsList();
    List<Row> queries =
        spark
            .read()
            .parquet(root.resolve("descriptors/queries").toString())
            .orderBy("image_id")
            .collectAsList();
    int n = db.size();
    assertEquals(test.dbXy.size(), n);
    assertEquals(
        Math.min(4096, n - 1),
        ((Number) trained.get("pca_dims")).intValue(),
        "PCA dims capped by the sample");
    checkPcaAgainstIndependentEigendecomposition(root, db);
    double[] written = recallOverWritten(db, queries, "descriptor");
    double[] writtenUnwhitened = recallOverWritten(db, queries, "network_descriptor");
    for (int k = 0; k < 4; k++) {
      assertEquals(
          written[k],
          recall(trained, NS[k]),
          1e-12,
          "trained Recall@" + NS[k] + " against brute force on the written descriptors");
      assertEquals(
          writtenUnwhitened[k],
          recall(trained, "recall_at_unwhitened", NS[k]),
          1e-12,
          "trained Recall@"
              + NS[k]
              + " without whitening against brute force on the network's descriptors");
    }
    assertEquals(
        untrained.get("recall_at"),
        untrained.get("recall_at_unwhitened"),
        "without PCA the two are one");
    String report = Files.readString(root.resolve("evaluation/report.html"));
    assertTrue(
        report.contains("before training") && report.contains("NetVLAD, epoch 1"),
        "both evaluations in the report");
    assertTrue(
        report.contains("NetVLAD, epoch 1 (unwhitened)"),
        "the whitened and the unwhitened search side by side");
    assertTrue(Files.size(root.resolve("evaluation/recall.png")) > 1000);
    assertFalse(
        report.contains(MARKUP)
            || Files.readString(untrainedOut.resolve("evaluation/report.html")).contains(MARKUP),
        "a label holding markup is escaped, in its own report and where it is compared");
    List<Row> trainedPerQuery =
        spark.read().parquet(root.resolve("evaluation/per_query").toString()).collectAsList();
    checkExamples(report, trainedPerQuery);
    assertEquals(0, spark.read().parquet(root.resolve("rejected-images").toString()).count());
    System.out.printf(
        "test split Recall@N: untrained %s, after one short epoch %s%n",
        untrained.get("recall_at"), trained.get("recall_at"));

    // the defaults: whitening fitted on the training database, as the paper, shrunk, and searched
    // only if it does not lower val Recall@1
    Path defaultsOut = dir.resolve("defaults");
    Map<String, Object> trainFitted =
        evaluate(run, false, "eval.checkpoint=1", "eval.output=" + defaultsOut.toUri());
    long trainDatabase =
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .filter("split = 'train' AND role = 'database'")
            .count();
    assertEquals("train", trainFitted.get("pca_fit_split"));
    assertEquals(
        trainDatabase,
        ((Number) trainFitted.get("pca_sample")).longValue(),
        "every training database image (fewer than 10,000)");
    assertEquals(
        Math.min(2048, trainDatabase - 1), ((Number) trainFitted.get("pca_dims")).longValue());
    assertEquals(1.0, ((Number) trainFitted.get("pca_shrinkage")).doubleValue());
    assertEquals(
        trained.get("queries"),
        trainFitted.get("queries"),
        "the test split is evaluated all the same");
    checkTheDefaultWhiteningChoice(root, trainFitted);
    checkRecallByCondition(defaultsOut, trainFitted);

    // a finished evaluation is left alone; asked with other settings, it says so
    long modified = Files.getLastModifiedTime(root.resolve("evaluation/metrics.json")).toMillis();
    assertEquals(
        trained.get("recall_at"),
        evaluate(run, false, paperOnTest.toArray(new String[0])).get("recall_at"));
    JobFailure other =
        assertThrows(
            JobFailure.class,
            () ->
                evaluate(
                    run,
                    false,
                    "eval.checkpoint=1",
                    "eval.pca=true",
                    "eval.pca-fit-split=evaluated",
                    "eval.pca-shrinkage=0"));
    assertTrue(
        other
            .getMessage()
            .contains(
                "eval.compare (finished with before training=" + untrainedOut.toUri() + ", now )"),
        other.getMessage());
    assertEquals(
        modified, Files.getLastModifiedTime(root.resolve("evaluation/metrics.json")).toMillis());

    // an output folder that cannot be written fails before any work, naming it
    Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
    JobIoFailure unwritable =
        assertThrows(
            JobIoFailure.class,
            () -> evaluate(run, false, "eval.output=" + notAFolder.toUri() + "/out"));
    assertTrue(
        unwritable
            .getMessage()
            .startsWith(
                "I/O failure locking "
                    + new org.apache.hadoop.fs.Path(notAFolder.toUri() + "/out")),
        unwritable.getMessage());

    // an unreadable test image: listed with its reason; past the threshold the job fails and the
    // finished evaluation stays
    String broken = test.dbPaths.get(3);
    Files.writeString(root.resolve("city").resolve(broken), "not a png");
    Path third = dir.resolve("with-broken-image");
    Map<String, Object> tolerant =
        evaluate(
            run,
            false,
            "eval.checkpoint=untrained",
            "eval.pca=false",
            "eval.max-rejected-fraction=0.05",
            "eval.output=" + third.toUri());
    assertEquals(1L, ((Number) tolerant.get("rejected_images")).longValue());
    Row rejected = spark.read().parquet(third.resolve("rejected-images").toString()).first();
    assertTrue(
        rejected.getString(rejected.fieldIndex("reason")).contains(broken),
        "the reason names the file");
    JobFailure failure =
        assertThrows(
            JobFailure.class,
            () -> evaluate(run, true, "eval.checkpoint=1", "eval.max-rejected-fraction=0"));
    assertTrue(
        failure.getMessage().contains("eval.max-rejected-fraction")
            && failure.getMessage().contains(broken),
        failure.getMessage());
    assertEquals(
        trained.get("recall_at"),
        JobMain.fromJson(Files.readString(root.resolve("summary/extract-and-evaluate.json")))
            .get("recall_at"),
        "the failed re-run left the finished evaluation as it was");
    assertTrue(Files.isDirectory(root.resolve("descriptors/database")));

    // queries padded to other aspect ratios: central-crop cuts the padding away and reads each
    // query as before
    padTestQueries(root);
    Path cropped = dir.resolve("central-crop");
    Map<String, Object> crop =
        evaluate(
            run,
            false,
            "eval.checkpoint=untrained",
            "eval.pca=false",
            "eval.max-rejected-fraction=0.05",
            "eval.query-resize=central-crop",
            "eval.output=" + cropped.toUri());
    assertEquals("stretch", tolerant.get("query_resize"));
    assertEquals("central-crop", crop.get("query_resize"));
    Map<String, float[]> before = queryDescriptors(third);
    Map<String, float[]> after = queryDescriptors(cropped);
    assertEquals(before.keySet(), after.keySet());
    before.forEach(
        (id, descriptor) -> assertArrayEquals(descriptor, after.get(id), 1e-5f, "query " + id));

    // last, as it may skip: the reports as a browser shows them
    checkInABrowser(root.resolve("evaluation"), trainedPerQuery.size());
    checkInABrowser(untrainedOut.resolve("evaluation"), trainedPerQuery.size());
  }

  /**
   * A label as a careless page would run it: a script, and an attribute broken out of into an image
   * with a handler.
   */
  private static final String MARKUP = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

  private static final Pattern EXAMPLE =
      Pattern.compile(
          "<div class=\"example\">\\s*<h3>Query ([^:<]+):(.*?)</div>\\s*</div>", Pattern.DOTALL);
  private static final Pattern FIGURE = Pattern.compile("<figure class=\"(query|correct|wrong)\"");

  /**
   * The examples: eval.report-examples (12) queries, failures (missed at rank 1) first and as many
   * as half, each with 5 thumbnails after its own; the first marked correct is at the rank
   * per_query gives, none when that is above 5 or 0.
   */
  private static void checkExamples(String html, List<Row> perQuery) {
    Map<String, Integer> ranks = new HashMap<>();
    perQuery.forEach(
        r ->
            ranks.put(
                r.getString(r.fieldIndex("query_id")),
                r.getInt(r.fieldIndex("first_correct_rank"))));
    long failures = ranks.values().stream().filter(rank -> rank != 1).count();
    int shown = Math.min(12, ranks.size());
    long failuresShown = Math.min(failures, Math.max(6, shown - (ranks.size() - failures)));
    Matcher m = EXAMPLE.matcher(html);
    List<Integer> shownRanks = new ArrayList<>();
    while (m.find()) {
      int rank = ranks.get(m.group(1));
      shownRanks.add(rank);
      List<String> figures = new ArrayList<>();
      Matcher f = FIGURE.matcher(m.group(2));
      while (f.find()) {
        figures.add(f.group(1));
      }
      assertEquals(6, figures.size(), "query and 5 results of " + m.group(1));
      assertEquals("query", figures.get(0));
      int firstCorrect = figures.indexOf("correct");
      assertEquals(
          rank >= 1 && rank <= 5 ? rank : -1,
          firstCorrect,
          "query " + m.group(1) + " of first correct rank " + rank);
    }
    assertEquals(shown, shownRanks.size());
    assertTrue(
        failuresShown >= 1,
        "the rendered city's test split has failures to show: " + failures + " of " + ranks.size());
    for (int i = 0; i < shown; i++) {
      assertEquals(
          i < failuresShown, shownRanks.get(i) != 1, "example " + i + " of ranks " + shownRanks);
    }
    assertEquals(shown * 6, count(html, "<img class=\"thumb\""), "every thumbnail read");
  }

  /**
   * What a user sees in Chromium: every picture loaded (the page's own check says so, and finds a
   * broken one in a copy), the thumbnails, the Recall@N of metrics.json, no markup from a label
   * run.
   */
  private void checkInABrowser(Path evaluation, int queries) throws Exception {
    Path chromium = Chromium.require();
    Path scratch =
        Files.createDirectories(dir.resolve("browser-" + evaluation.getParent().getFileName()));
    String dom = Chromium.dom(chromium, evaluation.resolve("report.html"), scratch);
    int examples = Math.min(12, queries);
    assertTrue(
        dom.contains("data-images=\"" + (2 + 6 * examples) + "\" data-failed=\"0\""),
        "the curves, the map, the thumbnails: "
            + dom.substring(
                dom.indexOf("id=\"image-check\""), dom.indexOf("id=\"image-check\"") + 120));
    assertTrue(
        dom.contains("<p id=\"image-check\" class=\"warning\" hidden=\"\""), "no warning shown");
    assertEquals(6 * examples, count(dom, "<img class=\"thumb\""));
    assertEquals(1, count(dom, "<script"), "the page's own script only");
    assertFalse(dom.contains("<img src=\"x\""), "no image injected by a label");
    assertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the label shown as text");
    @SuppressWarnings("unchecked")
    Map<String, Object> recallAt =
        (Map<String, Object>)
            JobMain.fromJson(Files.readString(evaluation.resolve("metrics.json"))).get("recall_at");
    Matcher table =
        Pattern.compile("<table id=\"recall\">(.*?)</table>", Pattern.DOTALL).matcher(dom);
    assertTrue(table.find(), "a Recall@N table");
    for (Map.Entry<String, Object> e : recallAt.entrySet()) {
      String cell =
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%.1f%%</td>",
              e.getKey(),
              100 * ((Number) e.getValue()).doubleValue());
      assertTrue(table.group(1).contains(cell), cell + " in " + table.group(1));
    }
    String html = Files.readString(evaluation.resolve("report.html"));
    int thumb =
        html.indexOf("<img class=\"thumb\" src=\"data:image/jpeg;base64,")
            + "<img class=\"thumb\" src=\"data:image/jpeg;base64,".length();
    Path broken =
        Files.writeString(
            scratch.resolve("one-broken-thumbnail.html"),
            html.substring(0, thumb) + "AAAA" + html.substring(thumb));
    String brokenDom = Chromium.dom(chromium, broken, scratch);
    assertTrue(
        brokenDom.contains("data-failed=\"1\"") && brokenDom.contains("1 images failed to load"),
        "a broken picture is reported on the page");
  }

  /**
   * Both routes of the distributed PCA fit (covariance sums, Gram matrix) against an independent
   * eigendecomposition.
   */
  @Test
  void distributedPcaFitHasTheEigenvaluesOfAnIndependentDecomposition() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int[] shape : new int[][] {{300, 24}, {40, 90}}) { // n > dims: covariance; n < dims: Gram
      int n = shape[0];
      int dims = shape[1];
      Random random = new Random(n);
      List<PcaFit.Keyed> rows = new ArrayList<>();
      double[][] x = new double[n][dims];
      for (int i = 0; i < n; i++) {
        float[] d = new float[dims];
        for (int t = 0; t < dims; t++) {
          d[t] = (float) (random.nextGaussian() * (1 + t % 7) + t);
          x[i][t] = d[t];
        }
        rows.add(new PcaFit.Keyed("img" + i, d));
      }
      Pca pca = PcaFit.fit(sc, sc.parallelize(rows, 3), dims, 10_000, 10, 1);
      double[] lambdas =
          new EigenDecomposition(new Array2DRowRealMatrix(covariance(x))).getRealEigenvalues();
      for (int k = 0; k < 10; k++) {
        assertEquals(
            lambdas[k],
            pca.eigenvalues()[k],
            1e-4 * lambdas[0],
            n + " x " + dims + ": eigenvalue " + k);
      }
      checkWhitensTheSample(pca, x, n + " x " + dims);
    }
  }

  /**
   * The Gram route across several blocks per partition and several passes of components, as a
   * 10,000-image sample takes.
   */
  @Test
  void theGramRouteWhitensAcrossBlocksAndPasses() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = 1_300;
    int dims = 1_400;
    Random random = new Random(11);
    List<PcaFit.Keyed> rows = new ArrayList<>();
    double[][] x = new double[n][dims];
    for (int i = 0; i < n; i++) {
      float[] d = new float[dims];
      for (int t = 0; t < dims; t++) {
        d[t] = (float) (random.nextGaussian() / (1 + t % 13));
        x[i][t] = d[t];
      }
      rows.add(new PcaFit.Keyed("img" + i, d));
    }
    Pca pca = PcaFit.fit(sc, sc.parallelize(rows, 2), dims, 10_000, 600, 1);
    assertEquals(600, pca.outputDims());
    double[] lambdas =
        new EigenDecomposition(new Array2DRowRealMatrix(centredGram(x))).getRealEigenvalues();
    for (int k = 0; k < 600; k += 100) {
      assertEquals(lambdas[k], pca.eigenvalues()[k], 1e-6 * lambdas[0], "eigenvalue " + k);
    }
    checkWhitensTheSample(pca, x, n + " x " + dims);
  }

  /**
   * The whitened sample has the identity covariance: the directions are the orthonormal principal
   * ones, each scaled by its variance.
   */
  private static void checkWhitensTheSample(Pca pca, double[][] x, String what) {
    int n = x.length;
    int k = pca.outputDims();
    float[] mean = pca.mean();
    double[][] y = new double[n][k];
    for (int c = 0; c < k; c++) {
      float[] w = pca.whiteningRow(c);
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < w.length; t++) {
          y[i][c] += w[t] * (x[i][t] - mean[t]);
        }
      }
    }
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double cov = 0;
        for (int i = 0; i < n; i++) {
          cov += y[i][a] * y[i][b] / n;
        }
        assertEquals(
            a == b ? 1 : 0, cov, 1e-3, what + ": whitened covariance [" + a + "][" + b + "]");
      }
    }
  }

  /**
   * A spectrum like a network's descriptors (unit length, a large common part, variances falling
   * over five decades): on the Gram route every eigenvalue, down to the smallest, must be right
   * relative to itself, since whitening divides by its square root. A Gram matrix of float32
   * products lost them below about 1e-5 of the largest.
   */
  @Test
  void theGramRouteKeepsTheSmallEigenvaluesWhiteningDividesBy() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int n = 80;
    int dims = 600;
    Random random = new Random(3);
    double[][] basis = new double[n][dims];
    for (double[] b : basis) {
      for (int t = 0; t < dims; t++) {
        b[t] = random.nextGaussian() / Math.sqrt(dims);
      }
    }
    List<PcaFit.Keyed> rows = new ArrayList<>();
    double[][] x = new double[n][dims];
    for (int i = 0; i < n; i++) {
      double[] z = new double[n];
      for (int k = 0; k < n; k++) {
        z[k] = Math.pow(10, -2.5 * k / n) * random.nextGaussian() * 0.03;
      }
      float[] d = new float[dims];
      for (int t = 0; t < dims; t++) {
        double v = 0.04; // the common part
        for (int k = 0; k < n; k++) {
          v += z[k] * basis[k][t];
        }
        d[t] = (float) v;
        x[i][t] = d[t]; // the test's reference uses the float32 values the fit sees
      }
      rows.add(new PcaFit.Keyed("img" + i, d));
    }
    Pca pca = PcaFit.fit(sc, sc.parallelize(rows, 3), dims, 10_000, n - 1, 1);
    double[] lambdas =
        new EigenDecomposition(new Array2DRowRealMatrix(centredGram(x)))
            .getRealEigenvalues(); // n x n: the covariance's non-zero spectrum
    assertTrue(
        lambdas[n - 2] < 1e-4 * lambdas[0],
        "the case needs a steep spectrum: " + lambdas[n - 2] / lambdas[0]);
    for (int k = 0; k < n - 1; k++) {
      assertEquals(
          lambdas[k],
          pca.eigenvalues()[k],
          1e-3 * lambdas[k],
          "eigenvalue " + k + " of " + (n - 1));
    }
  }

  /**
   * Under eval.pca = auto the val split decides: its unwhitened Recall@1 equals brute force on the
   * test's own descriptors, the choice follows the two figures, and on this rendered city the
   * default does not lower test Recall@1 against the network's own descriptors.
   */
  @SuppressWarnings("unchecked")
  private void checkTheDefaultWhiteningChoice(Path root, Map<String, Object> summary)
      throws Exception {
    Map<String, Object> validation = (Map<String, Object>) summary.get("whitening_validation");
    Images val = images(root, "val");
    double bruteValR1 = bruteRecall(root.resolve("model/epoch=1/model.zip"), val)[0];
    assertEquals(
        bruteValR1,
        ((Number) validation.get("recall_at_1_unwhitened")).doubleValue(),
        1.0 / val.queryXy.size() + 1e-9);
    assertEquals((long) val.queryXy.size(), ((Number) validation.get("queries")).longValue());
    boolean whitenedBetter =
        ((Number) validation.get("recall_at_1_whitened")).doubleValue()
            >= ((Number) validation.get("recall_at_1_unwhitened")).doubleValue();
    assertEquals(
        whitenedBetter ? "whitened" : "unwhitened",
        summary.get("searched"),
        String.valueOf(summary.get("whitening")));
    assertEquals(summary.get("recall_at_" + summary.get("searched")), summary.get("recall_at"));
    assertTrue(
        recall(summary, 1) >= recall(summary, "recall_at_unwhitened", 1),
        "the default search does not lower Recall@1: "
            + summary.get("recall_at")
            + " against "
            + summary.get("recall_at_unwhitened"));
    System.out.printf(
        "defaults: %s; test split whitened %s, unwhitened %s%n",
        summary.get("whitening"),
        summary.get("recall_at_whitened"),
        summary.get("recall_at_unwhitened"));
  }

  /**
   * Recall@N per condition and capture date against the per-query ranks written beside them; the
   * groups add up to every query.
   */
  @SuppressWarnings("unchecked")
  private void checkRecallByCondition(Path out, Map<String, Object> summary) {
    Map<String, Object> groups = (Map<String, Object>) summary.get("recall_by_condition");
    assertEquals(
        java.util.Set.of("condition", "capture_date"),
        groups.keySet(),
        "the rendered city records both");
    List<Row> perQuery =
        spark.read().parquet(out.resolve("evaluation/per_query").toString()).collectAsList();
    for (String grouping : groups.keySet()) {
      String column = grouping.equals("condition") ? "condition" : "captured_at";
      long total = 0;
      for (Map.Entry<String, Object> e : ((Map<String, Object>) groups.get(grouping)).entrySet()) {
        Map<String, Object> g = (Map<String, Object>) e.getValue();
        long queries = ((Number) g.get("queries")).longValue();
        total += queries;
        List<Row> members =
            perQuery.stream()
                .filter(r -> e.getKey().equals(r.getString(r.fieldIndex(column))))
                .toList();
        assertEquals(queries, members.size(), grouping + " " + e.getKey());
        for (int n : NS) {
          long hits =
              members.stream()
                  .mapToInt(r -> r.getInt(r.fieldIndex("first_correct_rank")))
                  .filter(rank -> rank >= 1 && rank <= n)
                  .count();
          assertEquals(
              (double) hits / queries,
              ((Number) ((Map<String, Object>) g.get("recall_at")).get(Integer.toString(n)))
                  .doubleValue(),
              1e-12,
              grouping + " " + e.getKey() + " Recall@" + n);
        }
      }
      assertEquals(
          ((Number) summary.get("queries")).longValue(),
          total,
          grouping + ": every query in one group");
    }
    assertTrue(
        ((Map<String, Object>) groups.get("condition"))
            .keySet().stream().allMatch(c -> List.of("day", "dusk", "night").contains(c)),
        groups.get("condition").toString());
  }

  private static final int[] NS = {1, 5, 10, 20};

  private Map<String, Object> evaluate(String run, boolean overwrite, String... settings) {
    return ExtractAndEvaluateJob.run(
        spark,
        new ExtractAndEvaluateJob.Config(
            run, PipelineConfig.load("", "t", List.of(settings)), overwrite));
  }

  private static double recall(Map<String, Object> summary, int n) {
    return recall(summary, "recall_at", n);
  }

  @SuppressWarnings("unchecked")
  private static double recall(Map<String, Object> summary, String key, int n) {
    return ((Number) ((Map<String, Object>) summary.get(key)).get(Integer.toString(n)))
        .doubleValue();
  }

  /** Every test-split image, database and query, in image id order. */
  private static final class Images {
    final List<float[]> db = new ArrayList<>();
    final List<double[]> dbXy = new ArrayList<>();
    final List<String> dbPaths = new ArrayList<>();
    final List<float[]> queries = new ArrayList<>();
    final List<double[]> queryXy = new ArrayList<>();
  }

  private Images testImages(Path root) throws Exception {
    return images(root, "test");
  }

  /** Every image of a split, database and queries, in image id order. */
  private Images images(Path root, String split) throws Exception {
    Images out = new Images();
    List<Row> rows =
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .filter(col("split").equalTo(split))
            .orderBy("image_id")
            .collectAsList();
    for (Row r : rows) {
      boolean query = r.getString(r.fieldIndex("role")).equals("query");
      String path = r.getString(r.fieldIndex("path"));
      float[] image =
          ImageTensors.fromImage(ImageIO.read(root.resolve("city").resolve(path).toFile()));
      double[] xy = {
        r.getDouble(r.fieldIndex("frame_easting_m")), r.getDouble(r.fieldIndex("frame_northing_m"))
      };
      (query ? out.queries : out.db).add(image);
      (query ? out.queryXy : out.dbXy).add(xy);
      if (!query) {
        out.dbPaths.add(path);
      }
    }
    return out;
  }

  /**
   * Pads the test queries (the network's 4:3 size) to other aspect ratios: magenta margins of 16
   * pixels, left and right or above and below.
   */
  private void padTestQueries(Path root) throws Exception {
    List<Row> queries =
        spark
            .read()
            .parquet(root.resolve("panoramas").toString())
            .filter("split = 'test' AND role = 'query'")
            .collectAsList();
    for (int i = 0; i < queries.size(); i++) {
      File file =
          root.resolve("city")
              .resolve(queries.get(i).getString(queries.get(i).fieldIndex("path")))
              .toFile();
      BufferedImage image = ImageIO.read(file);
      int marginXPx = i % 2 == 0 ? 16 : 0;
      int marginYPx = 16 - marginXPx;
      BufferedImage padded =
          new BufferedImage(
              image.getWidth() + 2 * marginXPx,
              image.getHeight() + 2 * marginYPx,
              BufferedImage.TYPE_INT_RGB);
      Graphics2D g = padded.createGraphics();
      g.setColor(Color.MAGENTA);
      g.fillRect(0, 0, padded.getWidth(), padded.getHeight());
      g.drawImage(image, marginXPx, marginYPx, null);
      g.dispose();
      ImageIO.write(padded, "png", file);
    }
  }

  private Map<String, float[]> queryDescriptors(Path out) {
    Map<String, float[]> byId = new TreeMap<>();
    for (Row r :
        spark.read().parquet(out.resolve("descriptors/queries").toString()).collectAsList()) {
      byId.put(
          r.getString(r.fieldIndex("image_id")), floats(r.getList(r.fieldIndex("descriptor"))));
    }
    return byId;
  }

  private static double[] bruteRecall(Path modelZip, Images images) throws Exception {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(modelZip.toFile(), false);
    float[][] q = Descriptors.compute(net, images.queries, 64, 48, 32);
    float[][] d = Descriptors.compute(net, images.db, 64, 48, 32);
    return RecallAtN.recall(
        q,
        images.queryXy.toArray(new double[0][]),
        d,
        images.dbXy.toArray(new double[0][]),
        NS,
        25);
  }

  /**
   * Brute-force Recall@N (double distances, ties to the lower index) over the descriptors the job
   * wrote.
   */
  private static double[] recallOverWritten(List<Row> db, List<Row> queries, String column) {
    int[] hits = new int[NS.length];
    for (Row q : queries) {
      float[] qd = floats(q.getList(q.fieldIndex(column)));
      List<double[]> ranked = new ArrayList<>(); // {d2, index, within}
      for (Row d : db) {
        float[] dd = floats(d.getList(d.fieldIndex(column)));
        double d2 = 0;
        for (int t = 0; t < qd.length; t++) {
          d2 += ((double) qd[t] - dd[t]) * ((double) qd[t] - dd[t]);
        }
        double de = q.getDouble(q.fieldIndex("easting_m")) - d.getDouble(d.fieldIndex("easting_m"));
        double dn =
            q.getDouble(q.fieldIndex("northing_m")) - d.getDouble(d.fieldIndex("northing_m"));
        ranked.add(
            new double[] {d2, d.getLong(d.fieldIndex("index")), de * de + dn * dn <= 625 ? 1 : 0});
      }
      ranked.sort(Comparator.<double[]>comparingDouble(a -> a[0]).thenComparingDouble(a -> a[1]));
      int first = 0;
      for (int r = 0; r < 20 && r < ranked.size() && first == 0; r++) {
        first = ranked.get(r)[2] == 1 ? r + 1 : 0;
      }
      for (int k = 0; k < NS.length; k++) {
        hits[k] += first >= 1 && first <= NS[k] ? 1 : 0;
      }
    }
    double[] out = new double[NS.length];
    for (int k = 0; k < NS.length; k++) {
      out[k] = (double) hits[k] / queries.size();
    }
    return out;
  }

  /**
   * pca/: eigenvalues equal those of the centred Gram matrix of the network descriptors (every
   * database image is in the sample here), decomposed by Commons Math; every written descriptor is
   * normalise(W (x - mean)) of its network descriptor.
   */
  private void checkPcaAgainstIndependentEigendecomposition(Path root, List<Row> db)
      throws Exception {
    int n = db.size();
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      float[] raw = floats(db.get(i).getList(db.get(i).fieldIndex("network_descriptor")));
      x[i] = new double[raw.length];
      for (int t = 0; t < raw.length; t++) {
        x[i][t] = raw[t];
      }
    }
    int dims = x[0].length;
    double[] mean = new double[dims];
    for (double[] row : x) {
      for (int t = 0; t < dims; t++) {
        mean[t] += row[t] / n;
      }
    }
    double[][] gram = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int t = 0; t < dims; t++) {
          s += (x[i][t] - mean[t]) * (x[j][t] - mean[t]);
        }
        gram[i][j] = s / n;
        gram[j][i] = s / n;
      }
    }
    double[] lambdas = new EigenDecomposition(new Array2DRowRealMatrix(gram)).getRealEigenvalues();
    List<Row> components =
        spark
            .read()
            .parquet(root.resolve("pca/components").toString())
            .orderBy("component")
            .collectAsList();
    assertEquals(n - 1, components.size());
    for (int k = 0; k < 20; k++) {
      assertEquals(
          lambdas[k], components.get(k).getDouble(1), 1e-3 * lambdas[0], "eigenvalue " + k);
    }
    Map<String, Object> about = JobMain.fromJson(Files.readString(root.resolve("pca/pca.json")));
    List<Number> writtenMean = (List<Number>) about.get("mean");
    for (int i = 0; i < n; i += Math.max(1, n / 10)) {
      float[] written = floats(db.get(i).getList(db.get(i).fieldIndex("descriptor")));
      double[] y = new double[components.size()];
      double norm = 0;
      for (int k = 0; k < y.length; k++) {
        List<Float> w = components.get(k).getList(2);
        for (int t = 0; t < dims; t++) {
          y[k] += w.get(t) * (x[i][t] - writtenMean.get(t).doubleValue());
        }
        norm += y[k] * y[k];
      }
      for (int k = 0; k < y.length; k++) {
        assertEquals(
            y[k] / Math.sqrt(norm), written[k], 1e-4, "image " + i + ", whitened component " + k);
      }
      assertEquals(
          mean[i % dims], writtenMean.get(i % dims).doubleValue(), 1e-5, "mean entry " + i % dims);
    }
  }

  /** (1/n) Xc Xc^T of rows x, in double. */
  private static double[][] centredGram(double[][] x) {
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int t = 0; t < d; t++) {
        mean[t] += row[t] / n;
      }
    }
    double[][] g = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double sum = 0;
        for (int t = 0; t < d; t++) {
          sum += (x[i][t] - mean[t]) * (x[j][t] - mean[t]);
        }
        g[i][j] = sum / n;
        g[j][i] = sum / n;
      }
    }
    return g;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  private static double[][] covariance(double[][] x) {
    int n = x.length;
    int d = x[0].length;
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int t = 0; t < d; t++) {
        mean[t] += row[t] / n;
      }
    }
    double[][] c = new double[d][d];
    for (double[] row : x) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          c[a][b] += (row[a] - mean[a]) * (row[b] - mean[b]) / n;
        }
      }
    }
    return c;
  }

  private static float[] floats(List<Object> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return out;
  }
}
