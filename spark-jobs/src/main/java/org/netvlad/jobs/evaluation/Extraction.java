package org.netvlad.jobs.evaluation;

import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.descriptors.DescriptorPass;
import scala.Tuple2;

/** Descriptors of evaluated images, read where they are. */
public final class Extraction {
  private Extraction() {}

  /**
   * Descriptors (or reasons) of database images or queries, spread over enough tasks for every core
   * and ~2,000 images each; persisted.
   */
  public static JavaPairRDD<SplitImages.Image, DescriptorPass.Outcome> descriptors(
      JavaSparkContext sc,
      JavaRDD<SplitImages.Image> images,
      Whitening.Network net,
      boolean queries) {
    JavaPairRDD<SplitImages.Image, String> paths =
        TrainNetVladJob.spread(images.mapToPair(i -> new Tuple2<>(i, i.path)), images.count(), sc);
    return DescriptorPass.computeOrReject(
            paths, net.weights(), queries ? net.queryReader() : net.reader(), net.batch())
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
  }
}
