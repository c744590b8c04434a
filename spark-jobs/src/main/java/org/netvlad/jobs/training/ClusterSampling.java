package org.netvlad.jobs.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.netvlad.common.hash.Hash;
import org.netvlad.common.model.ClusterInit;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.jobs.descriptors.ExecutorModel;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.descriptors.RejectedImages;

/**
 * Conv features for the NetVLAD k-means initialisation, sampled where the training images are:
 * about {@code images} database images chosen by a seeded hash (independent of partitioning), up to
 * {@code perImage} L2-normalised feature vectors from each. The sample is bounded by those two
 * settings (50,000 vectors by default), whatever the size of the data set.
 */
public final class ClusterSampling {
  private ClusterSampling() {}

  /**
   * The sampled feature vectors, where they were computed (not collected); unreadable images go to
   * {@code rejected}.
   */
  public static JavaRDD<float[]> sample(
      JavaRDD<SplitData.DbImage> database,
      long databaseCount,
      Broadcast<byte[]> model,
      ImageReader reader,
      int images,
      int perImage,
      long seed,
      RejectedImages rejected) {
    double keep = Math.min(1.0, (double) images / Math.max(1, databaseCount));
    return database
        .filter(d -> unit(Hash.ofId(seed, -1, Long.toString(d.dbIndex))) < keep)
        .mapPartitionsWithIndex(
            (partition, it) -> {
              MultiLayerNetwork net = ExecutorModel.of(model);
              Random random = new Random(seed * 31 + partition);
              List<float[]> out = new ArrayList<>();
              List<float[]> batch = new ArrayList<>();
              while (it.hasNext()) {
                String path = it.next().path;
                try {
                  batch.add(reader.read(path));
                } catch (ImageReader.BadImageException e) {
                  rejected.add(new RejectedImages.Entry(path, e.getMessage(), "init", 0));
                }
                if (batch.size() == 16 || !it.hasNext() && !batch.isEmpty()) {
                  INDArray features =
                      ClusterInit.sampleFeatures(
                          net,
                          ImageTensors.batch(batch, reader.widthPx(), reader.heightPx()),
                          perImage,
                          random);
                  for (float[] row : org.netvlad.common.model.Matrices.floatRows(features)) {
                    out.add(row);
                  }
                  batch.clear();
                }
              }
              return out.iterator();
            },
            true);
  }

  private static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
