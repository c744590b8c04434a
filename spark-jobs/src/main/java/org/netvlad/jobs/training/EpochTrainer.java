package org.netvlad.jobs.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.netvlad.common.hash.Hash;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.common.model.TupleBatch;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.descriptors.RejectedImages;
import org.netvlad.jobs.descriptors.TaskThreads;
import org.netvlad.jobs.io.Iterators;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One epoch of parameter-averaged training with DL4J's {@link ParameterAveragingTrainingMaster}.
 *
 * <p>The tuples are put in a seeded order (the same seed and epoch give the same order whatever the
 * partitioning) and cut into rounds: each round gives each of the {@code workers} workers {@code
 * averagingFrequency} minibatches of {@code tuplesPerBatch} tuples, which it trains on its copy of
 * the model before the copies' parameters and updater states are averaged. Each worker's share is
 * one Spark partition, so the order of the minibatches, and the data a worker sees, are fixed by
 * the seed; the images are read by the task that trains on them, a minibatch at a time (see {@link
 * RoundTrainingMaster}).
 */
public final class EpochTrainer {
  /** A training tuple: the query, its best positive and its negatives (image paths). */
  public static final class Tuple implements Serializable {
    private static final long serialVersionUID = 1L;
    public String queryId;
    public String[] paths;
  }

  /** How the epoch is trained. */
  public record Plan(
      int workers,
      int tuplesPerBatch,
      int averagingFrequency,
      int negativesPerTuple,
      long seed,
      int epoch,
      long maxTuples)
      implements Serializable {
    int tuplesPerShare() {
      return tuplesPerBatch * averagingFrequency;
    }

    int rowsPerBatch() {
      return tuplesPerBatch * TupleBatch.rowsPerTuple(1, negativesPerTuple);
    }
  }

  /** What one epoch did. */
  public record Outcome(long tuples, long images, double meanLoss, int rounds) {}

  private EpochTrainer() {}

  public static Outcome train(
      JavaSparkContext sc,
      MultiLayerNetwork net,
      JavaRDD<Tuple> tuples,
      ImageReader reader,
      Plan plan) {
    return train(
        sc,
        net,
        tuples,
        reader,
        plan,
        RejectedImages.register(sc.sc(), "rejected images"),
        message -> {});
  }

  /**
   * Trains one epoch; {@code progress} hears where it is about every 30 s. A tuple with an
   * unreadable image is left out of its minibatch and the image added to {@code rejected}.
   */
  public static Outcome train(
      JavaSparkContext sc,
      MultiLayerNetwork net,
      JavaRDD<Tuple> tuples,
      ImageReader reader,
      Plan plan,
      RejectedImages rejected,
      java.util.function.Consumer<String> progress) {
    LongAccumulator skipped = sc.sc().longAccumulator("tuples with an unreadable image");
    int perShare = plan.tuplesPerShare();
    JavaPairRDD<Long, Tuple> ordered =
        tuples
            .mapToPair(t -> new Tuple2<>(orderKey(plan.seed(), plan.epoch(), t.queryId), t))
            .sortByKey()
            .values()
            .zipWithIndex()
            .filter(t -> plan.maxTuples() <= 0 || t._2() < plan.maxTuples())
            .mapToPair(Tuple2::swap);
    long count = ordered.count();
    if (count == 0) {
      return new Outcome(0, 0, Double.NaN, 0);
    }
    long minibatches = (count + plan.tuplesPerBatch() - 1) / plan.tuplesPerBatch();
    int rounds =
        (int) ((count + (long) perShare * plan.workers() - 1) / ((long) perShare * plan.workers()));
    SharePartitioner shares =
        new SharePartitioner(minibatches, plan.tuplesPerBatch(), rounds, plan.workers());
    JavaPairRDD<Long, Tuple> byShare =
        ordered
            .repartitionAndSortWithinPartitions(shares)
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    ParameterAveragingTrainingMaster.Builder settings =
        new ParameterAveragingTrainingMaster.Builder(plan.workers(), plan.rowsPerBatch())
            .batchSizePerWorker(plan.rowsPerBatch())
            .averagingFrequency(plan.averagingFrequency())
            .workerPrefetchNumBatches(0)
            .saveUpdater(true)
            .repartionData(Repartition.Never)
            .rddTrainingApproach(RDDTrainingApproach.Direct)
            .storageLevel(null)
            .rngSeed(plan.seed() + plan.epoch());
    ParameterAveragingTrainingMaster master = new RoundTrainingMaster(settings);
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, master);
    double lossSum = 0;
    progress.accept(
        String.format(
            "epoch %d: training on %d tuples in %d rounds of %d workers x %d minibatches of %d"
                + " tuples",
            plan.epoch(),
            count,
            rounds,
            plan.workers(),
            plan.averagingFrequency(),
            plan.tuplesPerBatch()));
    long lastReport = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      if (System.nanoTime() - lastReport > 30e9) {
        progress.accept(String.format("epoch %d: round %d of %d", plan.epoch(), r + 1, rounds));
        lastReport = System.nanoTime();
      }
      JavaRDD<DataSet> batches =
          round(byShare, r, plan)
              .mapPartitions(rows -> minibatches(rows, reader, plan, rejected, skipped));
      spark.fit(batches);
      // DL4J's score adds the weight decay term; the loss alone is what a user follows.
      lossSum += spark.getScore() - spark.getNetwork().calcRegularizationScore(true);
    }
    byShare.unpersist(false);
    if (spark.getNetwork() != net) {
      net.setParams(spark.getNetwork().params());
      net.getUpdater()
          .setStateViewArray(net, spark.getNetwork().getUpdater().getStateViewArray(), false);
    }
    long trained = count - skipped.value();
    return new Outcome(
        trained,
        trained * TupleBatch.rowsPerTuple(1, plan.negativesPerTuple()),
        lossSum / rounds,
        rounds);
  }

  /** Tuples train in ascending order of this key (a hash of seed, epoch and query id). */
  public static long orderKey(long seed, int epoch, String queryId) {
    return Hash.ofId(seed, epoch, queryId);
  }

  /** The partitions (workers' shares) of round r. */
  private static JavaRDD<Tuple2<Long, Tuple>> round(
      JavaPairRDD<Long, Tuple> byShare, int r, Plan plan) {
    PartitionPruningRDD<Tuple2<Long, Tuple>> pruned =
        PartitionPruningRDD.create(
            byShare.rdd(), new SharesOfRound(r * plan.workers(), (r + 1) * plan.workers()));
    return new JavaRDD<>(pruned, ClassTag$.MODULE$.apply(Tuple2.class));
  }

  /** The share's minibatches, each built (its images read) only when training asks for it. */
  private static Iterator<DataSet> minibatches(
      Iterator<Tuple2<Long, Tuple>> rows,
      ImageReader reader,
      Plan plan,
      RejectedImages rejected,
      LongAccumulator skipped) {
    TaskThreads.apply();
    return Iterators.batched(
        rows, plan.tuplesPerBatch(), batch -> minibatch(batch, reader, plan, rejected, skipped));
  }

  /** The minibatch of the readable tuples (none when no tuple is readable). */
  private static List<DataSet> minibatch(
      List<Tuple2<Long, Tuple>> tuples,
      ImageReader reader,
      Plan plan,
      RejectedImages rejected,
      LongAccumulator skipped) {
    List<float[]> images = new ArrayList<>();
    int readable = 0;
    for (Tuple2<Long, Tuple> t : tuples) {
      List<float[]> tuple = readTuple(t._2(), reader, plan.epoch(), rejected);
      if (tuple == null) {
        skipped.add(1);
      } else {
        images.addAll(tuple);
        readable++;
      }
    }
    if (readable == 0) {
      return List.of();
    }
    return List.of(
        new DataSet(
            ImageTensors.batch(images, reader.widthPx(), reader.heightPx()),
            TupleBatch.labels(readable, 1, plan.negativesPerTuple(), DataType.FLOAT)));
  }

  /** A tuple's images, or null when one of them cannot be read (it goes to {@code rejected}). */
  private static List<float[]> readTuple(
      Tuple tuple, ImageReader reader, int epoch, RejectedImages rejected) {
    List<float[]> out = new ArrayList<>(tuple.paths.length);
    for (String path : tuple.paths) {
      try {
        out.add(reader.read(path));
      } catch (ImageReader.BadImageException e) {
        rejected.add(new RejectedImages.Entry(path, e.getMessage(), "training", epoch));
        return null;
      }
    }
    return out;
  }

  /**
   * Tuple number s belongs to minibatch m = s / tuplesPerBatch. A round lasts as long as its
   * largest share, so the rounds are cut to waste no worker time: the rounds' largest shares add up
   * to ceil(minibatches / workers), the least possible, spread over the rounds as evenly as can be;
   * every round but the last holds a multiple of {@code workers} minibatches. Each round's
   * minibatches are cut into {@code workers} consecutive shares, as equal as can be (so the last
   * round is not left to one worker). Share w of round r is partition r * workers + w.
   */
  static final class SharePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long minibatches;
    private final int tuplesPerBatch;
    private final int rounds;
    private final int workers;

    SharePartitioner(long minibatches, int tuplesPerBatch, int rounds, int workers) {
      this.minibatches = minibatches;
      this.tuplesPerBatch = tuplesPerBatch;
      this.rounds = rounds;
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return rounds * workers;
    }

    @Override
    public int getPartition(Object key) {
      long m = (Long) key / tuplesPerBatch;
      if (m < 0 || m >= minibatches) {
        throw new IllegalArgumentException(
            "tuple " + key + " is outside the epoch's " + minibatches + " minibatches");
      }
      int r = (int) Math.min(rounds - 1, m * rounds / minibatches);
      while (start(r) > m) {
        r--;
      }
      while (start(r + 1) <= m) {
        r++;
      }
      long inRound = start(r + 1) - start(r);
      long w = (m - start(r)) * workers / inRound;
      return r * workers + (int) w;
    }

    /** The first minibatch of round r: workers x (round r's first minibatch per worker). */
    private long start(int r) {
      long perWorker = (minibatches + workers - 1) / workers;
      return Math.min(minibatches, workers * (perWorker * r / rounds));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof SharePartitioner p
          && p.minibatches == minibatches
          && p.tuplesPerBatch == tuplesPerBatch
          && p.rounds == rounds
          && p.workers == workers;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(minibatches, tuplesPerBatch, rounds, workers);
    }
  }

  static final class SharesOfRound extends AbstractFunction1<Object, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;

    SharesOfRound(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object apply(Object partition) {
      int p = (Integer) partition;
      return p >= from && p < to;
    }
  }
}
