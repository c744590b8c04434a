package org.netvlad.jobs.evaluation;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.netvlad.common.eval.Pca;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.descriptors.DistributedRecall;
import org.netvlad.jobs.io.Iterators;

/**
 * Readable images with their network descriptor and, when PCA was fitted, its whitened descriptor.
 */
public final class Evaluated {
  private Evaluated() {}

  /** One image ready for the search. */
  public static final class Row implements Serializable {
    private static final long serialVersionUID = 1L;
    public final SplitImages.Image image;
    public final float[] raw;

    /** Null without PCA. */
    public final float[] whitened;

    Row(SplitImages.Image image, float[] raw, float[] whitened) {
      this.image = image;
      this.raw = raw;
      this.whitened = whitened;
    }

    /** The whitened descriptor, or the network's as it came out. */
    public float[] descriptor(boolean whitened) {
      return whitened ? this.whitened : raw;
    }

    public DistributedRecall.Item item(boolean whitened) {
      return new DistributedRecall.Item(
          image.index, descriptor(whitened), image.eastingM, image.northingM);
    }
  }

  /**
   * The readable images, whitened in batches of {@code batch} by the broadcast PCA (when there is
   * one), streamed.
   */
  public static JavaRDD<Row> rows(
      JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> extracted,
      Broadcast<Pca> pca,
      int batch) {
    return extracted
        .filter(r -> r._2().ok())
        .mapPartitions(
            rows ->
                Iterators.batched(
                    rows,
                    batch,
                    chunk -> {
                      Pca p = pca.value();
                      float[][] raw = new float[chunk.size()][];
                      for (int i = 0; i < raw.length; i++) {
                        raw[i] = chunk.get(i)._2().descriptor;
                      }
                      float[][] whitened = p == null ? null : p.apply(raw);
                      List<Row> out = new ArrayList<>(raw.length);
                      for (int i = 0; i < raw.length; i++) {
                        out.add(
                            new Row(
                                chunk.get(i)._1(), raw[i], whitened == null ? null : whitened[i]));
                      }
                      return out;
                    }));
  }
}
