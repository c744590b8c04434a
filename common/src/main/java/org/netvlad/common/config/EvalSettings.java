package org.netvlad.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.netvlad.common.image.ResizeMode;

/**
 * Settings of extract-and-evaluate: which model, which split, PCA whitening, outputs to compare.
 */
public final class EvalSettings {
  private EvalSettings() {}

  public static final Setting<String> CHECKPOINT =
      Setting.text(
          "eval.checkpoint",
          "best",
          "best, untrained, an epoch number, or the URI of a checkpoint folder",
          EvalSettings::checkpoint,
          "The network to evaluate: best (the checkpoint train-netvlad chose by validation"
              + " Recall@5), untrained (the initialised network of model/epoch=0, the off-the-shelf"
              + " baseline), the checkpoint of one epoch, or a checkpoint folder elsewhere (a"
              + " model.zip and checkpoint.json, e.g. another run's model/epoch=3) evaluated on"
              + " this run's split.");

  public static final Setting<String> SPLIT =
      Setting.choice(
          "eval.split",
          "test",
          List.of("test", "val", "train"),
          "The split whose database and queries are evaluated.");

  public static final Setting<String> QUERY_RESIZE =
      Setting.choice(
          "eval.query-resize",
          ResizeMode.STRETCH.settingValue(),
          ResizeMode.settingValues(),
          "How a query of another size than the network's input (model.width-px x model.height-px)"
              + " is resized to it: stretch, the whole photograph whatever its aspect ratio (the VG"
              + " benchmark's hard_resize); central-crop, the largest centred crop of the network's"
              + " aspect ratio (its central_crop), undistorted but without the margins of a wider"
              + " or taller photograph (many of Tokyo 24/7's queries). Database images are always"
              + " stretched, as in the benchmark: they are what places are recognised by, so none"
              + " of their view is cut, and Tokyo 24/7's (640x480) have the network's 4:3 aspect,"
              + " where both agree. Training stretches too. Downscales of 2x or more halve"
              + " repeatedly, so fine detail averages out instead of aliasing.");

  public static final Setting<String> PCA =
      Setting.choice(
          "eval.pca",
          "auto",
          List.of("auto", "true", "false"),
          "PCA-whiten the descriptors before the search (the paper's +PCA): true always; false"
              + " never; auto fits it and searches whitened only if that does not lower Recall@1 on"
              + " the val split's queries (it lowers it on rendered cities once the network is"
              + " trained). Recall@N with and without whitening is reported either way.");

  public static final Setting<Long> PCA_DIMS =
      Setting.whole(
          "eval.pca-dims",
          4_096,
          1,
          1_000_000,
          "dimensions",
          "Output dimension of PCA whitening (the paper: 4,096), capped by the descriptor length"
              + " and by the sample size minus one.");

  public static final Setting<String> PCA_FIT_SPLIT =
      Setting.choice(
          "eval.pca-fit-split",
          "train",
          List.of("train", "evaluated", "val", "test"),
          "The split whose database images PCA whitening is fitted on: train, as the paper and its"
              + " reference code (addPCA on dbTrain), applied to every evaluated split; evaluated,"
              + " the database of eval.split itself (the evaluated set then shapes its own"
              + " whitening).");

  public static final Setting<Double> PCA_SHRINKAGE =
      Setting.decimal(
          "eval.pca-shrinkage",
          1.0,
          0,
          1e6,
          "times the mean kept eigenvalue",
          "Whitening divides direction k by sqrt(lambda_k + 1e-9 + s mean(lambda)): 0 is the"
              + " paper's whitening, which amplifies the smallest directions, estimated from few"
              + " samples, as much as the largest; 1 damps them (on a rendered city it raised"
              + " whitened Recall@1 by 4.5 points untrained and 6 trained).");

  public static final Setting<Long> PCA_SAMPLE =
      Setting.whole(
          "eval.pca-sample",
          10_000,
          2,
          10_000_000,
          "database images",
          "Database descriptors PCA is fitted on (the paper: 10,000), chosen by a seeded hash of"
              + " the image id.");

  public static final Setting<Double> MAX_REJECTED_FRACTION =
      Setting.decimal(
          "eval.max-rejected-fraction",
          0.01,
          0,
          1,
          "fraction of images",
          "The job fails when more than this share of the split's images cannot be read. They are"
              + " listed with their reason in rejected-images/ either way.");

  public static final Setting<Long> BLOCK_ROWS =
      Setting.whole(
          "eval.block-rows",
          2_048,
          1,
          1_000_000,
          "descriptors",
          "Rows of one block of the exact search: each task multiplies a query block by a database"
              + " block (one GEMM) and keeps every query's N nearest.");

  public static final Setting<String> OUTPUT =
      Setting.text(
          "eval.output",
          "",
          "empty, or a folder URI",
          String::trim,
          "Where descriptors/, pca/, evaluation/ and the summary go. Empty: the run folder. Another"
              + " folder keeps a second evaluation of the same run (an untrained baseline, say)"
              + " apart.");

  public static final Setting<String> LABEL =
      Setting.text(
          "eval.label",
          "",
          "empty, or a short name",
          String::trim,
          "Name of this evaluation in reports. Empty: from the model (e.g. \"NetVLAD, epoch 3\").");

  public static final Setting<String> COMPARE =
      Setting.text(
          "eval.compare",
          "",
          "empty, or label=URI pairs separated by semicolons",
          text -> {
            compareList(text);
            return text.trim();
          },
          "Other evaluations to set beside this one in the report, each a label and the folder"
              + " holding its evaluation/ (a run folder or an eval.output folder), e.g."
              + " \"untrained=hdfs:///runs/a/untrained; max pooling=hdfs:///runs/b\".");

  public static final Setting<Long> REPORT_EXAMPLES =
      Setting.whole(
          "eval.report-examples",
          12,
          0,
          200,
          "queries",
          "Queries whose top 5 database images evaluation/report.html shows as thumbnails, chosen"
              + " by train.seed: half of them missed at rank 1 (when there are that many), the rest"
              + " found at rank 1. Their images are read on the driver. 0 shows none.");

  /** The split PCA is fitted on, with evaluated resolved. */
  public static String pcaFitSplit(PipelineConfig config) {
    String fit = config.get(PCA_FIT_SPLIT);
    return fit.equals("evaluated") ? config.get(SPLIT) : fit;
  }

  static final List<Setting<?>> ALL =
      List.of(
          CHECKPOINT,
          SPLIT,
          QUERY_RESIZE,
          PCA,
          PCA_DIMS,
          PCA_FIT_SPLIT,
          PCA_SHRINKAGE,
          PCA_SAMPLE,
          MAX_REJECTED_FRACTION,
          BLOCK_ROWS,
          OUTPUT,
          LABEL,
          COMPARE,
          REPORT_EXAMPLES);

  /** How evaluation resizes queries of another size than the network's ({@link #QUERY_RESIZE}). */
  public static ResizeMode queryResize(PipelineConfig config) {
    return ResizeMode.of(config.get(QUERY_RESIZE));
  }

  /** The label to folder pairs of {@link #COMPARE}, in order. */
  public static Map<String, String> compareList(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException("\"" + part.trim() + "\" is not label=URI");
      }
      String label = part.substring(0, eq).trim();
      if (out.put(label, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException("label \"" + label + "\" appears twice");
      }
    }
    return out;
  }

  private static String checkpoint(String text) {
    String t = text.trim();
    if (t.equals("best") || t.equals("untrained") || t.matches("\\d{1,6}") || isFolder(t)) {
      return t;
    }
    throw new IllegalArgumentException("not best, untrained, an epoch number or a folder URI");
  }

  /** True when {@link #CHECKPOINT} names a checkpoint folder rather than one of the run's own. */
  public static boolean isFolder(String checkpoint) {
    return checkpoint.contains("/");
  }
}
