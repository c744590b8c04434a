package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;
import org.netvlad.common.eval.RecallAtN;
import org.netvlad.common.layout.StreetLayout;
import org.netvlad.common.mining.HardNegatives;
import org.netvlad.common.mining.MiningParams;
import org.netvlad.common.mining.NegativeSampler;
import org.netvlad.common.mining.QueryTuple;
import org.netvlad.common.mining.SitePoint;
import org.netvlad.common.mining.TupleMiner;
import org.netvlad.common.render.Captures;
import org.netvlad.common.render.City;
import org.netvlad.common.render.Renderer;

/**
 * Single-machine training on the synthetic city: tuples mined from GPS (positives within 10 m,
 * definite negatives beyond 25 m), hard negatives chosen each epoch among random definite negatives
 * with the current weights, the triplet ranking loss. Training must lower the loss on a fixed set
 * of training tuples and raise Recall@5 on held-out queries (the val and test streets,
 * geographically disjoint from training) clearly above the initialised-but-untrained network's.
 *
 * <p>Training first falls to the plateau where every distance is about equal (loss ≈ negatives x
 * margin = 0.5) and Recall@5 barely moves, then leaves it after 4 to 6 epochs, depending on the
 * network's seed ({@code -Dtraining.test.seed}); hence 10 epochs by default (figures per seed:
 * docs/benchmarks.md).
 */
class TrainingOnRenderedCityTest {
  private static final int WIDTH = Integer.getInteger("training.test.width", 64);
  private static final int HEIGHT = WIDTH * 3 / 4;
  private static final double LEARNING_RATE =
      Double.parseDouble(System.getProperty("training.test.lr", "1e-4"));
  private static final int MAX_QUERIES = Integer.getInteger("training.test.queries", 1000);
  private static final int TUPLES_PER_STEP = 4;
  private static final int NEGATIVES = 5;
  private static final int CANDIDATES = 100;
  private static final int EPOCHS = Integer.getInteger("training.test.epochs", 10);
  private static final double INTRA_NORM_EPS =
      Double.parseDouble(System.getProperty("training.test.intra-norm-eps", "1e-12"));

  /** The images of one part of the city, database and queries, with their positions. */
  static final class Part {
    final List<SitePoint> dbPoints = new ArrayList<>();
    final List<SitePoint> queryPoints = new ArrayList<>();
    final List<float[]> dbImages = new ArrayList<>();
    final List<float[]> queryImages = new ArrayList<>();

    double[][] xy(List<SitePoint> points) {
      return points.stream().map(p -> new double[] {p.xM(), p.yM()}).toArray(double[][]::new);
    }
  }

  record Tuple(int query, int positive, int[] negatives) {}

  @Test
  void trainingLowersTheLossAndBeatsTheUntrainedNetworkOnHeldOutQueries() {
    long startNs = System.nanoTime();
    City city = new City(11, 100, 20);
    StreetLayout layout = new StreetLayout(700, 400, 100, 12, 1, 1.0, 2.0, 11);
    Renderer renderer = new Renderer(city);
    Part train = new Part();
    Part heldOut = new Part();
    for (int s = 0; s < layout.streetCount(); s++) {
      for (StreetLayout.LayoutImage image : layout.street(s)) {
        Part part = image.split() == Split.TRAIN ? train : heldOut;
        boolean query = image.role() == Role.QUERY;
        List<SitePoint> points = query ? part.queryPoints : part.dbPoints;
        points.add(
            new SitePoint(
                image.imageId(),
                query ? -1 : points.size(),
                image.eastM(),
                image.northM(),
                SitePoint.NO_DATE));
        (query ? part.queryImages : part.dbImages)
            .add(
                ImageTensors.fromPixels(
                    renderer.render(Captures.of(image, 11, WIDTH, HEIGHT)), WIDTH, HEIGHT));
      }
    }
    List<QueryTuple> mined =
        new TupleMiner(new MiningParams(10, 25, false)).mine(train.dbPoints, train.queryPoints);
    List<Integer> trainQueries = new ArrayList<>();
    for (int q = 0; q < mined.size(); q++) {
      if (mined.get(q).hasPositive() && trainQueries.size() < MAX_QUERIES) {
        trainQueries.add(q);
      }
    }

    ModelSpec spec =
        ModelSpec.defaults().withImageSize(HEIGHT, WIDTH).withIntraNormEps(INTRA_NORM_EPS);
    MultiLayerNetwork net =
        Networks.create(
            spec,
            new Networks.Training(
                new Adam(LEARNING_RATE), 1e-3, Long.getLong("training.test.seed", 5)),
            DataType.FLOAT);
    Random random = new Random(5);
    List<float[]> sample = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sample.add(train.dbImages.get(random.nextInt(train.dbImages.size())));
    }
    ClusterInit.initialise(
        net,
        ClusterInit.sampleFeatures(net, ImageTensors.batch(sample, WIDTH, HEIGHT), 50, random),
        ClusterInit.Variant.V1,
        100,
        5);

    verbose(
        "rendered %d training and %d held-out images, initialised the clusters",
        startNs,
        train.dbImages.size() + train.queryImages.size(),
        heldOut.dbImages.size() + heldOut.queryImages.size());
    double recallBefore = recallAt5(net, heldOut);
    if (Boolean.getBoolean("training.test.verbose")) {
      System.out.printf(
          "epoch 0: held-out Recall@1 %.3f Recall@5 %.3f%n",
          recall(net, heldOut, 1, 5)[0], recallBefore);
    }
    List<Tuple> fixed = chooseTuples(net, train, mined, trainQueries, new SplittableRandom(1));
    double lossBefore = meanLoss(net, train, fixed);

    SplittableRandom draws = new SplittableRandom(7);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      List<Tuple> tuples = chooseTuples(net, train, mined, trainQueries, draws);
      java.util.Collections.shuffle(tuples, random);
      for (int start = 0; start + TUPLES_PER_STEP <= tuples.size(); start += TUPLES_PER_STEP) {
        net.fit(batch(train, tuples.subList(start, start + TUPLES_PER_STEP)));
      }
      verbose("epoch %d trained on %d tuples", startNs, epoch + 1, tuples.size());
      if (Boolean.getBoolean("training.test.verbose")) {
        double[] recall = recall(net, heldOut, 1, 5);
        System.out.printf(
            "epoch %d: loss %.4f, held-out Recall@1 %.3f Recall@5 %.3f%n",
            epoch + 1, meanLoss(net, train, fixed), recall[0], recall[1]);
      }
    }
    double lossAfter = meanLoss(net, train, fixed);
    double recallAfter = recallAt5(net, heldOut);
    System.out.printf(
        "single-machine training (%dx%d px, Adam lr %.0e), %d training queries, %d held-out"
            + " queries, %d epochs: loss per tuple %.4f -> %.4f; held-out Recall@5 %.3f"
            + " (initialised, untrained) -> %.3f (trained)%n",
        WIDTH,
        HEIGHT,
        LEARNING_RATE,
        trainQueries.size(),
        heldOut.queryPoints.size(),
        EPOCHS,
        lossBefore,
        lossAfter,
        recallBefore,
        recallAfter);
    assertTrue(lossAfter < 0.5 * lossBefore, "loss " + lossBefore + " -> " + lossAfter);
    assertTrue(
        recallAfter > recallBefore + 0.08, "Recall@5 " + recallBefore + " -> " + recallAfter);
  }

  private static void verbose(String format, long startNs, Object... args) {
    if (Boolean.getBoolean("training.test.verbose")) {
      System.out.printf(
          "%.0f s: %s%n", (System.nanoTime() - startNs) / 1e9, String.format(format, args));
    }
  }

  /**
   * Per query: the best positive by descriptor distance and the hardest of random definite
   * negatives.
   */
  private static List<Tuple> chooseTuples(
      MultiLayerNetwork net,
      Part train,
      List<QueryTuple> mined,
      List<Integer> queries,
      SplittableRandom random) {
    float[][] db = Descriptors.compute(net, train.dbImages, WIDTH, HEIGHT, 32);
    float[][] q = Descriptors.compute(net, train.queryImages, WIDTH, HEIGHT, 32);
    List<Tuple> out = new ArrayList<>();
    for (int query : queries) {
      QueryTuple t = mined.get(query);
      double[] positiveD2 = new double[t.positiveDbIndices().length];
      for (int i = 0; i < positiveD2.length; i++) {
        positiveD2[i] = RecallAtN.squaredDistance(q[query], db[(int) t.positiveDbIndices()[i]]);
      }
      int best = HardNegatives.bestPositive(positiveD2);
      long[] candidates =
          NegativeSampler.draw(train.dbImages.size(), t.nonNegativeDbIndices(), CANDIDATES, random);
      double[] negativeD2 = new double[candidates.length];
      for (int i = 0; i < candidates.length; i++) {
        negativeD2[i] = RecallAtN.squaredDistance(q[query], db[(int) candidates[i]]);
      }
      // the hardest first; with an infinite margin every candidate "violates", so this ranks them
      // all
      int[] hardest = HardNegatives.select(negativeD2, 0, Double.POSITIVE_INFINITY, NEGATIVES);
      int[] negatives = new int[NEGATIVES];
      for (int i = 0; i < NEGATIVES; i++) {
        negatives[i] = (int) candidates[hardest[i]];
      }
      out.add(new Tuple(query, (int) t.positiveDbIndices()[best], negatives));
    }
    return out;
  }

  private static DataSet batch(Part train, List<Tuple> tuples) {
    List<float[]> images = new ArrayList<>();
    for (Tuple t : tuples) {
      images.add(train.queryImages.get(t.query));
      images.add(train.dbImages.get(t.positive));
      for (int n : t.negatives) {
        images.add(train.dbImages.get(n));
      }
    }
    INDArray labels = TupleBatch.labels(tuples.size(), 1, NEGATIVES, DataType.FLOAT);
    return new DataSet(ImageTensors.batch(images, WIDTH, HEIGHT), labels);
  }

  private static double meanLoss(MultiLayerNetwork net, Part train, List<Tuple> tuples) {
    TripletRankingLoss loss = new TripletRankingLoss(TripletRankingLoss.DEFAULT_MARGIN);
    double sum = 0;
    int counted = 0;
    for (int start = 0; start + TUPLES_PER_STEP <= tuples.size(); start += TUPLES_PER_STEP) {
      DataSet step = batch(train, tuples.subList(start, start + TUPLES_PER_STEP));
      sum +=
          loss.computeScore(
              step.getLabels(),
              net.output(step.getFeatures(), false),
              new ActivationIdentity(),
              null,
              false);
      counted += TUPLES_PER_STEP;
    }
    return sum / counted;
  }

  private static double recallAt5(MultiLayerNetwork net, Part part) {
    return recall(net, part, 5)[0];
  }

  private static double[] recall(MultiLayerNetwork net, Part part, int... n) {
    float[][] db = Descriptors.compute(net, part.dbImages, WIDTH, HEIGHT, 32);
    float[][] q = Descriptors.compute(net, part.queryImages, WIDTH, HEIGHT, 32);
    return RecallAtN.recall(q, part.xy(part.queryPoints), db, part.xy(part.dbPoints), n, 25);
  }
}
