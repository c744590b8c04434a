package org.netvlad.jobs.descriptors;

import java.io.Serializable;
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
   * An image's descriptor, or why it has none (the image is missing or cannot be decoded) and its
   * path.
   */
  public static final class Outcome implements Serializable {
    private static final long serialVersionUID = 1L;
    public final float[] descriptor;
    public final String error;
    public final String path;

    Outcome(float[] descriptor, String error, String path) {
      this.descriptor = descriptor;
      this.error = error;
      this.path = path;
    }

    public boolean ok() {
      return descriptor != null;
    }
  }

  /**
   * @param paths key and image path of every image
   * @return key and descriptor of every image, in the same partitions; the first unreadable image
   *     fails the job with a message naming its file
   */
  public static <K> JavaPairRDD<K, float[]> compute(
      JavaPairRDD<K, String> paths, Broadcast<byte[]> model, ImageReader reader, int batchSize) {
    return computeOrReject(paths, model, reader, batchSize)
        .mapValues(
            o -> {
              if (!o.ok()) {
                throw new ImageReader.BadImageException(o.error, null);
              }
              return o.descriptor;
            });
  }

  /**
   * Descriptors of the readable images; each unreadable one is added to {@code rejected} (met at
   * {@code stage} of {@code epoch}) and left out.
   */
  public static <K> JavaPairRDD<K, float[]> computeReadable(
      JavaPairRDD<K, String> paths,
      Broadcast<byte[]> model,
      ImageReader reader,
      int batchSize,
      RejectedImages rejected,
      String stage,
      int epoch) {
    return computeOrReject(paths, model, reader, batchSize)
        .filter(
            o -> {
              if (!o._2().ok()) {
                rejected.add(new RejectedImages.Entry(o._2().path, o._2().error, stage, epoch));
              }
              return o._2().ok();
            })
        .mapValues(o -> o.descriptor);
  }

  /** Like {@link #compute}, but an unreadable image gives an {@link Outcome} with its reason. */
  public static <K> JavaPairRDD<K, Outcome> computeOrReject(
      JavaPairRDD<K, String> paths, Broadcast<byte[]> model, ImageReader reader, int batchSize) {
    return paths.mapPartitionsToPair(
        rows -> {
          MultiLayerNetwork net = ExecutorModel.of(model);
          return new Iterator<Tuple2<K, Outcome>>() {
            private final List<Tuple2<K, Outcome>> ready = new ArrayList<>();
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
                try {
                  images.add(reader.read(row._2()));
                  keys.add(row._1());
                } catch (ImageReader.BadImageException e) {
                  ready.add(new Tuple2<>(row._1(), new Outcome(null, e.getMessage(), row._2())));
                }
              }
              if (!keys.isEmpty()) {
                float[][] descriptors =
                    Descriptors.compute(
                        net, images, reader.widthPx(), reader.heightPx(), batchSize);
                for (int i = 0; i < keys.size(); i++) {
                  ready.add(new Tuple2<>(keys.get(i), new Outcome(descriptors[i], null, null)));
                }
              }
              return !ready.isEmpty();
            }

            @Override
            public Tuple2<K, Outcome> next() {
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
