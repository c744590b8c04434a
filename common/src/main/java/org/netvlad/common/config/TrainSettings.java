package org.netvlad.common.config;

import java.util.List;

/** Settings of train-netvlad: optimisation, parameter averaging, hard negatives, validation. */
public final class TrainSettings {
  private TrainSettings() {}

  public static final Setting<Long> EPOCHS =
      Setting.whole(
          "train.epochs",
          30,
          1,
          100_000,
          "epochs",
          "Epochs to train (the paper: 30). Early stopping may end sooner.");

  public static final Setting<Long> WORKERS =
      Setting.whole(
          "train.workers",
          0,
          0,
          100_000,
          "Spark tasks",
          "Parameter-averaging workers: Spark tasks that train model copies at once. 0: the"
              + " cluster's default parallelism (its cores).");

  public static final Setting<Long> TUPLES_PER_BATCH =
      Setting.whole(
          "train.tuples-per-batch",
          4,
          1,
          10_000,
          "tuples",
          "Tuples in one worker's minibatch (the paper: 4). A tuple is a query, its best positive"
              + " and train.negatives-per-tuple negatives.");

  public static final Setting<Long> AVERAGING_FREQUENCY =
      Setting.whole(
          "train.averaging-frequency",
          5,
          1,
          100_000,
          "minibatches",
          "Minibatches each worker trains between two parameter averagings.");

  public static final Setting<Long> NEGATIVES_PER_TUPLE =
      Setting.whole(
          "train.negatives-per-tuple",
          10,
          1,
          1_000,
          "images",
          "Hard negatives kept per query at each cache refresh (the paper: 10).");

  public static final Setting<Long> NEGATIVE_CANDIDATES =
      Setting.whole(
          "train.negative-candidates",
          1_000,
          1,
          1_000_000,
          "images",
          "Random definite negatives drawn per query at each refresh, besides its cached hard"
              + " negatives (the paper: 1,000).");

  public static final Setting<String> OPTIMIZER =
      Setting.choice(
          "train.optimizer",
          "sgd",
          List.of("sgd", "nesterov", "adam"),
          "sgd: SGD with classical (heavy-ball) momentum, the paper's (MatConvNet's; PyTorch's"
              + " SGD(momentum=...) too): v = momentum v - lr g, w = w + v. nesterov: SGD with"
              + " Nesterov's momentum (DL4J's Nesterovs). adam: Adam.");

  public static final Setting<String> LEARNING_RATE =
      Setting.text(
          "train.learning-rate",
          "auto",
          "auto, or a number in [1e-9, 10]",
          TrainSettings::autoOrRate,
          "Learning rate of the first epoch. auto: for vgg16 the paper's 1e-4 (sgd, nesterov) and"
              + " pytorch-NetVlad's 1e-5 (adam), which fine-tune ImageNet weights; for the small"
              + " backbone, trained from scratch, 1e-3 (sgd, nesterov) and 1e-4 (adam).");

  public static final Setting<Long> LR_HALVING_EPOCHS =
      Setting.whole(
          "train.lr-halving-epochs",
          5,
          1,
          100_000,
          "epochs",
          "The learning rate halves every this many epochs.");

  public static final Setting<Double> MOMENTUM =
      Setting.decimal(
          "train.momentum",
          0.9,
          0,
          0.999,
          "",
          "Momentum of sgd and nesterov (ignored by adam); 0: plain SGD.");

  public static final Setting<Double> WEIGHT_DECAY =
      Setting.decimal("train.weight-decay", 1e-3, 0, 1, "", "Weight decay (L2 on the weights).");

  public static final Setting<Long> PATIENCE =
      Setting.whole(
          "train.patience",
          10,
          1,
          100_000,
          "epochs",
          "Early stopping: training ends when validation Recall@5 has not improved for this many"
              + " epochs.");

  public static final Setting<Long> SEED =
      Setting.whole(
          "train.seed",
          1,
          0,
          Long.MAX_VALUE,
          "",
          "Seed of initialisation, negative draws and tuple order: the same seed and data train the"
              + " same model.");

  public static final Setting<Long> MAX_QUERIES_PER_EPOCH =
      Setting.whole(
          "train.max-queries-per-epoch",
          0,
          0,
          Long.MAX_VALUE,
          "queries",
          "Train on at most this many (randomly chosen) queries an epoch. 0: all of them.");

  public static final Setting<Double> MAX_REJECTED_FRACTION =
      Setting.decimal(
          "train.max-rejected-fraction",
          0.01,
          0,
          1,
          "fraction of images",
          "The job fails when more than this share of the train and val images it uses (database"
              + " images and kept queries) cannot be read. Unreadable images are left out (a query"
              + " or positive with its tuple, a negative from the candidates) and listed with their"
              + " reason in training/rejected-images/.");

  public static final Setting<String> WARM_START =
      Setting.text(
          "train.warm-start",
          "",
          "empty, or the URI of a checkpoint folder",
          String::trim,
          "Start from this checkpoint (a folder with model.zip and checkpoint.json, e.g."
              + " <run>/model/epoch=3) instead of initialising a new network: its weights and"
              + " optimiser state become epoch 0, then train.epochs more epochs are trained. Its"
              + " network settings (model.*, train.optimizer, train.momentum, train.weight-decay)"
              + " must equal these. Empty: a new network. A run that has checkpoints of its own"
              + " resumes from them instead.");

  public static final Setting<Long> DESCRIPTOR_BATCH =
      Setting.whole(
          "train.descriptor-batch",
          32,
          1,
          10_000,
          "images",
          "Images per forward pass when computing descriptors.");

  public static final Setting<String> RECALL_AT =
      Setting.text(
          "eval.recall-at",
          "1,5,10,20",
          "comma-separated whole numbers, ascending",
          TrainSettings::ascendingList,
          "The N of Recall@N reported by validation and evaluation.");

  static final List<Setting<?>> ALL =
      List.of(
          EPOCHS,
          WORKERS,
          TUPLES_PER_BATCH,
          AVERAGING_FREQUENCY,
          NEGATIVES_PER_TUPLE,
          NEGATIVE_CANDIDATES,
          OPTIMIZER,
          LEARNING_RATE,
          LR_HALVING_EPOCHS,
          MOMENTUM,
          WEIGHT_DECAY,
          PATIENCE,
          SEED,
          MAX_QUERIES_PER_EPOCH,
          MAX_REJECTED_FRACTION,
          WARM_START,
          DESCRIPTOR_BATCH,
          RECALL_AT);

  /** The first epoch's learning rate {@link #LEARNING_RATE} gives, with auto resolved. */
  public static double learningRate(PipelineConfig config) {
    String text = config.get(LEARNING_RATE);
    if (!text.equals("auto")) {
      return Double.parseDouble(text);
    }
    boolean fineTuning = config.get(ModelSettings.BACKBONE).equals("vgg16");
    boolean adam = config.get(OPTIMIZER).equals("adam");
    return (fineTuning ? 1e-4 : 1e-3) * (adam ? 0.1 : 1);
  }

  private static String autoOrRate(String text) {
    String t = text.trim();
    if (t.equals("auto")) {
      return t;
    }
    double rate;
    try {
      rate = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("neither auto nor a number");
    }
    if (!(rate >= 1e-9 && rate <= 10)) {
      throw new IllegalArgumentException("outside [1e-9, 10]");
    }
    return t;
  }

  /** The N list of {@link #RECALL_AT}. */
  public static int[] recallAt(PipelineConfig config) {
    return java.util.Arrays.stream(config.get(RECALL_AT).split(","))
        .mapToInt(s -> Integer.parseInt(s.trim()))
        .toArray();
  }

  private static String ascendingList(String text) {
    String[] parts = text.trim().split(",");
    int previous = 0;
    for (String p : parts) {
      int n;
      try {
        n = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a list of whole numbers");
      }
      if (n <= previous || n > 10_000) {
        throw new IllegalArgumentException("not ascending whole numbers in [1, 10000]");
      }
      previous = n;
    }
    return text.trim();
  }
}
