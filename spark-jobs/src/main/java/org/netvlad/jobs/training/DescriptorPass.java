package org.netvlad.jobs.training;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.model.Descriptors;
import scala.Tuple2;

/** Descriptors of images computed where the images are, with a broadcast model. */
public final class DescriptorPass {
  private DescriptorPass() {}

  /**
   * @param paths key and image path of every image
   * @return key and descriptor of every image, in the same partitions
   */
  public static <K> JavaPairRDD<K, float[]> compute(
      JavaPairRDD<K, String> paths, Broadcast<byte[]> model, ImageReader reader, int batchSize) {
    return paths.mapPartitionsToPair(
        rows -> {
          MultiLayerNetwork net = ExecutorModel.of(model);
          return new Iterator<Tuple2<K, float[]>>() {
            private final List<Tuple2<K, float[]>> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
              if (next < ready.size()) {
                return true;
              }
              ready.clear();
              next = 0;
              List<K> keys = new ArrayList<>();
              List<float[]> images = new ArrayList<>();
              while (rows.hasNext() && keys.size() < batchSize) {
                Tuple2<K, String> row = rows.next();
                keys.add(row._1());
                images.add(reader.read(row._2()));
              }
              if (keys.isEmpty()) {
                return false;
              }
              float[][] descriptors = Descriptors.compute(net, images, reader.widthPx(), reader.heightPx(), batchSize);
              for (int i = 0; i < keys.size(); i++) {
                ready.add(new Tuple2<>(keys.get(i), descriptors[i]));
              }
              return true;
            }

            @Override
            public Tuple2<K, float[]> next() {
              if (!hasNext()) {
                throw new java.util.NoSuchElementException();
              }
              return ready.get(next++);
            }
          };
        },
        true);
  }
}
