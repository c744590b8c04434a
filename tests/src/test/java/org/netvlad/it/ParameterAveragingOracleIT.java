package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.netvlad.common.model.Backbone;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Networks;
import org.netvlad.common.model.Pooling;
import org.netvlad.common.model.TupleBatch;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.descriptors.RejectedImages;
import org.netvlad.jobs.training.EpochTrainer;

/**
 * The oracle for parameter-averaged training (the kind of test dl4j-spark has for itself): with
 * plain SGD and averaging after every step, Spark training equals single-machine training on the
 * same data. One worker: the same minibatches in the same order. Two workers: the average of two
 * workers' steps is one step on the union of their minibatches (DL4J averages the loss over a
 * minibatch's rows), so it equals single-machine training on minibatches twice the size.
 */
class ParameterAveragingOracleIT extends SparkTestBase {
  private static final int W = 32;
  private static final int H = 24;
  private static final int NEGATIVES = 2;
  private static final int TUPLES_PER_BATCH = 2;
  private static final long SEED = 7;
  private static final int EPOCH = 3;

  @TempDir Path dir;

  @Test
  void oneWorkerAveragingEveryStepEqualsSingleMachineTraining() throws IOException {
    compare(1);
  }

  @Test
  void twoWorkersAveragingEveryStepEqualSingleMachineStepsOnTheUnionOfTheirMinibatches()
      throws IOException {
    compare(2);
  }

  /**
   * A tuple with an unreadable image (not an image; missing) is left out of its minibatch, not
   * fatal, and the image lands in the rejected set: training equals single-machine training on the
   * same minibatches without those tuples.
   */
  @Test
  void tuplesWithAnUnreadableImageAreLeftOutOfTheirMinibatch() throws IOException {
    List<EpochTrainer.Tuple> tuples = writeTuples(24);
    Files.writeString(dir.resolve("broken.png"), "not a png");
    tuples.get(5).paths[0] = "broken.png";
    tuples.get(11).paths[3] = "missing.png";
    ImageReader reader =
        new ImageReader(dir.toUri().toString(), W, H, spark.sparkContext().hadoopConfiguration());
    MultiLayerNetwork onSpark = network();
    MultiLayerNetwork single = network();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RejectedImages rejected = RejectedImages.register(sc.sc(), "test");
    EpochTrainer.Plan plan =
        new EpochTrainer.Plan(1, TUPLES_PER_BATCH, 1, NEGATIVES, SEED, EPOCH, 0);
    EpochTrainer.Outcome outcome =
        EpochTrainer.train(
            sc, onSpark, sc.parallelize(tuples, 3), reader, plan, rejected, message -> {});

    assertEquals(tuples.size() - 2, outcome.tuples());
    assertEquals(Set.of("broken.png", "missing.png"), rejected.value().keySet());
    RejectedImages.Entry broken = rejected.value().get("broken.png");
    assertEquals("training", broken.stage());
    assertEquals(EPOCH, broken.epoch());
    assertTrue(broken.reason().contains(dir.resolve("broken.png").toString()), broken.reason());
    assertTrue(
        rejected
            .value()
            .get("missing.png")
            .reason()
            .contains(dir.resolve("missing.png").toString()));
    trainInOrder(single, tuples, reader, TUPLES_PER_BATCH, Set.of("broken.png", "missing.png"));
    double moved = single.params().sub(network().params()).norm2Number().doubleValue();
    double differ = onSpark.params().sub(single.params()).norm2Number().doubleValue();
    assertTrue(
        differ <= 1e-3 * moved,
        "Spark and single-machine parameters differ by "
            + differ
            + " (training moved them by "
            + moved
            + ")");
  }

  private void compare(int workers) throws IOException {
    List<EpochTrainer.Tuple> tuples = writeTuples(24);
    ImageReader reader =
        new ImageReader(dir.toUri().toString(), W, H, spark.sparkContext().hadoopConfiguration());
    MultiLayerNetwork onSpark = network();
    MultiLayerNetwork single = network();
    assertEquals(onSpark.params(), single.params(), "both start from the same parameters");

    EpochTrainer.Plan plan =
        new EpochTrainer.Plan(workers, TUPLES_PER_BATCH, 1, NEGATIVES, SEED, EPOCH, 0);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    EpochTrainer.Outcome outcome =
        EpochTrainer.train(sc, onSpark, sc.parallelize(tuples, 3), reader, plan);
    assertEquals(tuples.size(), outcome.tuples());

    trainInOrder(single, tuples, reader, TUPLES_PER_BATCH * workers, Set.of());
    double moved = single.params().sub(network().params()).norm2Number().doubleValue();
    double differ = onSpark.params().sub(single.params()).norm2Number().doubleValue();
    assertTrue(moved > 1e-3, "training moved the parameters (by " + moved + ")");
    // float32 parameters summed in another order: agreement to a relative 1e-3.
    assertTrue(
        differ <= 1e-3 * moved,
        "Spark and single-machine parameters differ by "
            + differ
            + " (training moved them by "
            + moved
            + ")");
    if (workers > 1) {
      MultiLayerNetwork wrong = network();
      trainInOrder(wrong, tuples, reader, TUPLES_PER_BATCH, Set.of());
      double wrongDiffer = onSpark.params().sub(wrong.params()).norm2Number().doubleValue();
      assertTrue(
          wrongDiffer > 10 * 1e-3 * moved,
          "the check tells averaging from sequential steps (" + wrongDiffer + ")");
    }
  }

  /**
   * Single-machine SGD on the tuples in the trainer's order, {@code perStep} tuples a minibatch,
   * the tuples naming an unreadable path left out of theirs.
   */
  private static void trainInOrder(
      MultiLayerNetwork net,
      List<EpochTrainer.Tuple> tuples,
      ImageReader reader,
      int perStep,
      Set<String> unreadable) {
    List<EpochTrainer.Tuple> ordered = new ArrayList<>(tuples);
    ordered.sort(Comparator.comparingLong(t -> EpochTrainer.orderKey(SEED, EPOCH, t.queryId)));
    for (int start = 0; start < ordered.size(); start += perStep) {
      List<EpochTrainer.Tuple> step =
          ordered.subList(start, Math.min(ordered.size(), start + perStep)).stream()
              .filter(t -> Arrays.stream(t.paths).noneMatch(unreadable::contains))
              .toList();
      if (step.isEmpty()) {
        continue;
      }
      List<float[]> images = new ArrayList<>();
      for (EpochTrainer.Tuple t : step) {
        for (String p : t.paths) {
          images.add(reader.read(p));
        }
      }
      net.fit(
          new DataSet(
              ImageTensors.batch(images, W, H),
              TupleBatch.labels(step.size(), 1, NEGATIVES, DataType.FLOAT)));
    }
  }

  private static MultiLayerNetwork network() {
    ModelSpec spec = new ModelSpec(Backbone.SMALL, Pooling.NETVLAD, 8, H, W, 0.1, "");
    return Networks.create(spec, new Networks.Training(new Sgd(0.05), 1e-3, 42), DataType.FLOAT);
  }

  /**
   * Random images and tuples over them: query, positive and negatives of each tuple are distinct.
   */
  private List<EpochTrainer.Tuple> writeTuples(int count) throws IOException {
    Random random = new Random(3);
    int imagesCount = 30;
    for (int i = 0; i < imagesCount; i++) {
      BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          image.setRGB(x, y, random.nextInt(1 << 24));
        }
      }
      ImageIO.write(image, "png", dir.resolve("img" + i + ".png").toFile());
    }
    List<EpochTrainer.Tuple> tuples = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      EpochTrainer.Tuple tuple = new EpochTrainer.Tuple();
      tuple.queryId = "q" + t;
      tuple.paths = new String[2 + NEGATIVES];
      List<Integer> pick = new ArrayList<>();
      while (pick.size() < tuple.paths.length) {
        int i = random.nextInt(imagesCount);
        if (!pick.contains(i)) {
          pick.add(i);
        }
      }
      for (int k = 0; k < pick.size(); k++) {
        tuple.paths[k] = "img" + pick.get(k) + ".png";
      }
      tuples.add(tuple);
    }
    return tuples;
  }
}
