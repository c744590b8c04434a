package org.netvlad.jobs.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * How an epoch's tuples are cut into rounds and workers' shares: every minibatch whole in one
 * share, shares in tuple order, no worker more than averaging-frequency minibatches a round, and no
 * worker time wasted: a round lasts as long as its largest share, and the rounds together last
 * ceil(minibatches / workers) minibatches, the least possible (a round's shares as even as can be,
 * so the last round is not left to one worker).
 */
class SharePartitionerTest {
  @Test
  void sharesAreWholeOrderedBoundedAndEven() {
    for (int workers = 1; workers <= 4; workers++) {
      for (int frequency = 1; frequency <= 5; frequency += 2) {
        for (int perBatch = 1; perBatch <= 4; perBatch += 3) {
          for (long count = 1; count <= 200; count += 7) {
            check(count, perBatch, frequency, workers);
          }
        }
      }
    }
  }

  private static void check(long count, int perBatch, int frequency, int workers) {
    String what =
        count
            + " tuples, "
            + perBatch
            + " per batch, frequency "
            + frequency
            + ", "
            + workers
            + " workers";
    long minibatches = (count + perBatch - 1) / perBatch;
    int rounds =
        (int)
            ((count + (long) perBatch * frequency * workers - 1)
                / ((long) perBatch * frequency * workers));
    EpochTrainer.SharePartitioner p =
        new EpochTrainer.SharePartitioner(minibatches, perBatch, rounds, workers);
    int[] batchesPerShare = new int[p.numPartitions()];
    int previous = 0;
    for (long s = 0; s < count; s++) {
      int share = p.getPartition(s);
      assertTrue(
          share >= previous && share < p.numPartitions(), what + ": shares follow tuple order");
      if (s % perBatch != 0) {
        assertEquals(p.getPartition(s - 1), share, what + ": a minibatch stays whole");
      } else {
        batchesPerShare[share]++;
      }
      previous = share;
    }
    long epochLength = 0;
    for (int r = 0; r < rounds; r++) {
      int min = Integer.MAX_VALUE;
      int max = 0;
      for (int w = 0; w < workers; w++) {
        int b = batchesPerShare[r * workers + w];
        assertTrue(
            b <= frequency, what + ": at most " + frequency + " minibatches a share, got " + b);
        min = Math.min(min, b);
        max = Math.max(max, b);
      }
      assertTrue(max - min <= 1, what + ": a round's shares differ by at most one minibatch");
      assertTrue(max > 0, what + ": round " + r + " is empty");
      epochLength += max;
    }
    assertEquals(
        (minibatches + workers - 1) / workers,
        epochLength,
        what + ": minibatches trained one after another by a worker");
  }
}
