package org.netvlad.common.config;

import java.util.List;

/** Settings of submit/nightly: warm start, the regression check, how many nights are kept. */
public final class NightlySettings {
  private NightlySettings() {}

  public static final Setting<String> WARM_START =
      Setting.text(
          "nightly.warm-start",
          "auto",
          "auto, none, or the URI of a checkpoint folder",
          NightlySettings::warmStart,
          "Where a night's training starts. auto: the best checkpoint of the night <root>/current"
              + " names (the last good night), or from scratch when there is none; none: from"
              + " scratch; a checkpoint folder (model.zip and checkpoint.json): from that model. A"
              + " warm start needs the network settings the checkpoint was trained with (model.*,"
              + " train.optimizer, train.momentum, train.weight-decay).");

  public static final Setting<Long> EPOCHS =
      Setting.whole(
          "nightly.epochs",
          2,
          1,
          100_000,
          "epochs",
          "Epochs a night trains when it warm-starts (train.epochs when it starts from scratch).");

  public static final Setting<Long> RECALL_AT =
      Setting.whole(
          "nightly.recall-at",
          5,
          1,
          10_000,
          "",
          "The N of the Recall@N a night is judged by (one of eval.recall-at): tonight's model"
              + " against the last good night's, both evaluated on tonight's evaluation split.");

  public static final Setting<Double> MAX_RECALL_DROP =
      Setting.decimal(
          "nightly.max-recall-drop",
          0.02,
          0,
          1,
          "fraction of queries (0.02 = 2 points)",
          "A night whose Recall@N falls more than this below the last good night's model on the"
              + " same split is flagged: submit/nightly exits 4 and <root>/current stays where it"
              + " was.");

  public static final Setting<Long> KEEP_RUNS =
      Setting.whole(
          "nightly.keep-runs",
          7,
          1,
          100_000,
          "run folders",
          "Run folders (<root>/runs/<date>/) kept: the newest this many, and always the one"
              + " <root>/current names; older ones are deleted at the end of a night.");

  static final List<Setting<?>> ALL =
      List.of(WARM_START, EPOCHS, RECALL_AT, MAX_RECALL_DROP, KEEP_RUNS);

  private static String warmStart(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    if (!t.equals("auto") && !t.equals("none") && !t.contains("/")) {
      throw new IllegalArgumentException(
          "auto, none or a checkpoint folder's URI, not '" + t + "'");
    }
    return t;
  }
}
