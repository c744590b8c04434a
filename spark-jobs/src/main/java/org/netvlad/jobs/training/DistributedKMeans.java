package org.netvlad.jobs.training;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.netvlad.common.model.ClusterInit;
import org.netvlad.common.model.KMeans;

/**
 * k-means over feature vectors spread across the executors: seeded by greedy k-means++ (and a few
 * Lloyd steps) on a bounded sample on the driver, then Lloyd's iterations where the vectors are
 * (each partition sums its points per nearest centre by GEMM; the sums are added up), until no
 * centre moves or the iteration limit. Then the mean top-two gap that NetVLAD's alpha needs, summed
 * the same way.
 */
public final class DistributedKMeans {
  /** What the clustering found. */
  public record Result(INDArray centres, double meanGap, long features, int iterations) {}

  private DistributedKMeans() {}

  public static Result fit(
      JavaSparkContext sc,
      JavaRDD<float[]> features,
      int clusters,
      int maxIterations,
      ClusterInit.Variant variant,
      long seed) {
    long count = features.count();
    if (count < clusters) {
      throw new IllegalArgumentException(
          "k-means needs at least as many feature vectors as clusters: "
              + count
              + " for "
              + clusters);
    }
    List<float[]> sample = features.takeSample(false, (int) Math.min(count, 20L * clusters), seed);
    INDArray centres =
        KMeans.fit(Nd4j.create(sample.toArray(new float[0][])), clusters, 10, seed).centres();
    int iteration = 0;
    while (iteration < maxIterations) {
      iteration++;
      // A copy: destroying a broadcast closes its value (INDArray is AutoCloseable) in local mode.
      Broadcast<INDArray> current = sc.broadcast(centres.dup());
      KMeans.Partial sums =
          features
              .mapPartitions(rows -> partial(rows, current.value()))
              .reduce(KMeans.Partial::merge);
      INDArray next = sums.centres(centres);
      double moved = next.castTo(centres.dataType()).sub(centres).norm2Number().doubleValue();
      current.destroy();
      centres = next;
      if (moved < 1e-9) {
        break;
      }
    }
    Broadcast<INDArray> last = sc.broadcast(centres.dup());
    double[] gap =
        features
            .mapPartitions(rows -> gap(rows, last.value(), variant))
            .reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    last.destroy();
    return new Result(centres, gap[0] / gap[1], count, iteration);
  }

  private static Iterator<KMeans.Partial> partial(Iterator<float[]> rows, INDArray centres) {
    float[][] points = drain(rows);
    if (points.length == 0) {
      return java.util.Collections.emptyIterator();
    }
    return List.of(KMeans.partial(Nd4j.create(points), centres)).iterator();
  }

  private static Iterator<double[]> gap(
      Iterator<float[]> rows, INDArray centres, ClusterInit.Variant variant) {
    float[][] points = drain(rows);
    if (points.length == 0) {
      return java.util.Collections.emptyIterator();
    }
    return List.of(ClusterInit.gapSum(Nd4j.create(points), centres, variant)).iterator();
  }

  private static float[][] drain(Iterator<float[]> rows) {
    java.util.ArrayList<float[]> out = new java.util.ArrayList<>();
    rows.forEachRemaining(out::add);
    return out.toArray(new float[0][]);
  }
}
