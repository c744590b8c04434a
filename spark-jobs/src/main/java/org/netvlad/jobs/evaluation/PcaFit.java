package org.netvlad.jobs.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.netvlad.common.eval.BlockTopN;
import org.netvlad.common.eval.Pca;
import org.netvlad.common.hash.Hash;
import scala.Tuple2;

/**
 * PCA whitening fitted across the cluster on up to {@code sampleSize} database descriptors, picked
 * by a seeded hash of the image id. Short descriptors (at most {@link #MAX_COVARIANCE_DIMS} and no
 * more than the sample): each task adds its rows into {@link Pca.Sums} and only the sums reach the
 * driver. Longer ones (the paper's 32,768 dims against 10,000 samples): the centred sample's Gram
 * matrix, built from block products, is decomposed on the driver, and the principal directions are
 * summed where the rows are. No machine holds the sample as one matrix.
 */
public final class PcaFit {
  /** A dims x dims covariance per task: 4,096 dims is 128 MB. */
  public static final int MAX_COVARIANCE_DIMS = 4_096;

  private static final int ROWS_PER_BLOCK = 512;
  private static final int COMPONENTS_PER_PASS = 512;

  private PcaFit() {}

  /** A descriptor keyed by its image id (a class: Spark's Kryo cannot build records). */
  public static final class Keyed implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final String imageId;
    private final float[] descriptor;

    public Keyed(String imageId, float[] descriptor) {
      this.imageId = imageId;
      this.descriptor = descriptor;
    }

    public String imageId() {
      return imageId;
    }

    public float[] descriptor() {
      return descriptor;
    }
  }

  public static Pca fit(
      JavaSparkContext sc,
      JavaRDD<Keyed> database,
      int dims,
      long sampleSize,
      int outputDims,
      long seed) {
    List<Long> smallest = smallestRanks(database.map(Keyed::imageId), sampleSize, seed);
    if (smallest.size() < 2) {
      throw new IllegalArgumentException(
          "PCA needs at least 2 database descriptors, the split has " + smallest.size());
    }
    long threshold = Collections.max(smallest);
    int tasks = Math.max(1, Math.min(4, sc.defaultParallelism()));
    JavaRDD<float[]> sample =
        database
            .filter(k -> rank(seed, k.imageId()) <= threshold)
            .map(Keyed::descriptor)
            .coalesce(tasks)
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      return dims <= MAX_COVARIANCE_DIMS && dims <= smallest.size()
          ? Pca.fit(
              sample
                  .mapPartitions(rows -> List.of(sums(rows, dims)).iterator())
                  .treeReduce(Pca.Sums::merge),
              outputDims)
          : viaGram(sc, sample, dims, outputDims);
    } finally {
      sample.unpersist(false);
    }
  }

  private static Pca.Sums sums(java.util.Iterator<float[]> rows, int dims) {
    Pca.Sums sums = new Pca.Sums(dims);
    List<float[]> chunk = new ArrayList<>(ROWS_PER_BLOCK);
    while (rows.hasNext()) {
      chunk.add(rows.next());
      if (chunk.size() == ROWS_PER_BLOCK || !rows.hasNext()) {
        sums.add(chunk.toArray(new float[0][]));
        chunk.clear();
      }
    }
    return sums;
  }

  private static Pca viaGram(
      JavaSparkContext sc, JavaRDD<float[]> sample, int dims, int outputDims) {
    double[] sum =
        sample.aggregate(
            new double[dims],
            (acc, x) -> {
              for (int i = 0; i < dims; i++) {
                acc[i] += x[i];
              }
              return acc;
            },
            (a, b) -> {
              for (int i = 0; i < dims; i++) {
                a[i] += b[i];
              }
              return a;
            });
    long n = sample.count();
    if (n > 40_000) {
      throw new IllegalArgumentException(
          "eval.pca-sample "
              + n
              + " for "
              + dims
              + "-dim descriptors: the Gram route decomposes an"
              + " n x n matrix on the driver, at most 40,000");
    }
    float[] mean = new float[dims];
    for (int i = 0; i < dims; i++) {
      mean[i] = (float) (sum[i] / n);
    }
    Broadcast<float[]> meanB = sc.broadcast(mean);
    // centred rows with their sample position, in blocks
    JavaRDD<BlockTopN.Block> blocks =
        sample
            .zipWithIndex()
            .mapPartitions(
                rows -> {
                  List<BlockTopN.Block> out = new ArrayList<>();
                  List<Tuple2<float[], Long>> chunk = new ArrayList<>();
                  float[] mu = meanB.value();
                  while (rows.hasNext()) {
                    chunk.add(rows.next());
                    if (chunk.size() == ROWS_PER_BLOCK || !rows.hasNext()) {
                      float[] flat = new float[chunk.size() * dims];
                      long[] index = new long[chunk.size()];
                      for (int r = 0; r < chunk.size(); r++) {
                        float[] x = chunk.get(r)._1();
                        for (int i = 0; i < dims; i++) {
                          flat[r * dims + i] = x[i] - mu[i];
                        }
                        index[r] = chunk.get(r)._2();
                      }
                      out.add(
                          new BlockTopN.Block(
                              flat,
                              dims,
                              index,
                              new double[index.length],
                              new double[index.length]));
                      chunk.clear();
                    }
                  }
                  return out.iterator();
                })
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      int size = (int) n;
      double[] gram = new double[size * size];
      // each unordered pair of blocks once; the driver receives the n x n Gram matrix in pieces
      List<Tuple2<long[], Tuple2<long[], double[]>>> pieces =
          blocks
              .cartesian(blocks)
              .filter(p -> p._1().indices()[0] <= p._2().indices()[0])
              .map(
                  p ->
                      new Tuple2<>(
                          p._1().indices(),
                          new Tuple2<>(p._2().indices(), product(p._1(), p._2()))))
              .collect();
      for (Tuple2<long[], Tuple2<long[], double[]>> piece : pieces) {
        long[] rows = piece._1();
        long[] cols = piece._2()._1();
        double[] values = piece._2()._2();
        for (int r = 0; r < rows.length; r++) {
          for (int c = 0; c < cols.length; c++) {
            double v = values[r * cols.length + c];
            gram[(int) rows[r] * size + (int) cols[c]] = v;
            gram[(int) cols[c] * size + (int) rows[r]] = v;
          }
        }
      }
      Pca.GramEigen eigen = Pca.gramEigen(gram, size, outputDims, dims);
      int k = eigen.eigenvalues().length;
      double[][] projected = new double[k][];
      // principal directions Xc^T v, summed over the blocks, a bounded number of components per
      // pass
      for (int from = 0; from < k; from += COMPONENTS_PER_PASS) {
        int to = Math.min(k, from + COMPONENTS_PER_PASS);
        double[][] part = new double[to - from][];
        System.arraycopy(eigen.vectors(), from, part, 0, to - from);
        Broadcast<double[][]> vB = sc.broadcast(part);
        double[] summed = blocks.map(b -> weightedSum(b, vB.value())).treeReduce(PcaFit::add);
        for (int c = from; c < to; c++) {
          projected[c] =
              java.util.Arrays.copyOfRange(summed, (c - from) * dims, (c - from + 1) * dims);
        }
        vB.destroy();
      }
      return Pca.fromGram(mean, projected, eigen);
    } finally {
      blocks.unpersist(false);
      meanB.destroy();
    }
  }

  /**
   * {@code a b^T} of two blocks' rows, row-major, in double: whitening divides by the square roots
   * of the smallest eigenvalues, which float32 products lose below about 1e-5 of the largest.
   */
  private static double[] product(BlockTopN.Block a, BlockTopN.Block b) {
    // off-heap temporaries freed now: hundreds of block pairs outpace the collector
    try (INDArray xf = Nd4j.create(a.flat(), new long[] {a.rows(), a.dims()}, DataType.FLOAT);
        INDArray x = xf.castTo(DataType.DOUBLE);
        INDArray yf = Nd4j.create(b.flat(), new long[] {b.rows(), b.dims()}, DataType.FLOAT);
        INDArray y = yf.castTo(DataType.DOUBLE);
        INDArray product = x.mmul(y.transpose());
        INDArray rowMajor = product.dup('c')) {
      return rowMajor.data().asDouble();
    }
  }

  /**
   * {@code [components * dims]}: for each component c, sum over the block's rows i of v_c[index_i]
   * * row_i.
   */
  private static double[] weightedSum(BlockTopN.Block block, double[][] v) {
    int rows = block.rows();
    double[] weights = new double[v.length * rows];
    for (int c = 0; c < v.length; c++) {
      for (int r = 0; r < rows; r++) {
        weights[c * rows + r] = v[c][(int) block.indices()[r]];
      }
    }
    try (INDArray w = Nd4j.create(weights, new long[] {v.length, rows}, DataType.DOUBLE);
        INDArray xf = Nd4j.create(block.flat(), new long[] {rows, block.dims()}, DataType.FLOAT);
        INDArray x = xf.castTo(DataType.DOUBLE);
        INDArray product = w.mmul(x);
        INDArray rowMajor = product.dup('c')) {
      return rowMajor.data().asDouble();
    }
  }

  private static double[] add(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  /** The sampleSize smallest ranks of these ids; only the ranks (8 bytes each) reach the driver. */
  private static List<Long> smallestRanks(JavaRDD<String> imageIds, long sampleSize, long seed) {
    return imageIds
        .map(id -> rank(seed, id))
        .takeOrdered((int) Math.min(sampleSize, Integer.MAX_VALUE));
  }

  /**
   * A filter keeping the images {@link #fit} samples out of these ids, so that only those need a
   * descriptor. Keeps nothing when there are no ids.
   */
  public static org.apache.spark.api.java.function.Function<SplitImages.Image, Boolean> sampled(
      JavaRDD<String> imageIds, long sampleSize, long seed) {
    List<Long> smallest = smallestRanks(imageIds, sampleSize, seed);
    long threshold = smallest.isEmpty() ? Long.MIN_VALUE : Collections.max(smallest);
    return image -> rank(seed, image.imageId) <= threshold;
  }

  /**
   * Where an image falls in the seeded sampling order (independent of partitioning; a rare tie adds
   * an image).
   */
  static long rank(long seed, String imageId) {
    return Hash.of(seed, imageId.hashCode(), imageId.length()) & Long.MAX_VALUE;
  }
}
