package org.netvlad.jobs.training;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * DL4J's parameter averaging, given one round at a time: each partition of the RDD it fits is one
 * worker's share of the round, already cut by {@link EpochTrainer}.
 *
 * <p>DL4J's own master first persists the RDD, counts it in a Spark job of its own and splits it at
 * random into rounds. Here the split is already made, so that pass only cost time: the count job
 * built every minibatch (read its images) and serialised it into Spark's cache, and the training
 * job read it back. This master trains on the partitions as they are, so each task reads its images
 * and trains on them in one go.
 */
final class RoundTrainingMaster extends ParameterAveragingTrainingMaster {
  private static final long serialVersionUID = 1L;

  RoundTrainingMaster(Builder settings) {
    super(settings);
  }

  @Override
  protected void executeTrainingDirect(SparkDl4jMultiLayer network, JavaRDD<DataSet> round) {
    if (collectTrainingStats) {
      stats.logFitStart();
    }
    doIteration(network, round, 1, 1);
    if (collectTrainingStats) {
      stats.logFitEnd(
          round.getNumPartitions()); // the shares: nothing counts the minibatches any more
    }
  }
}
