package org.netvlad.common.eval;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Exact nearest database descriptors of a block of queries against a block of the database: squared
 * distances ||q||² + ||x||² - 2 q·x from one GEMM (the BLAS called directly: {@link RowMajorGemm}),
 * each query's N nearest kept in a {@link TopList}. Blocks of the same queries against other
 * database blocks merge with {@link TopList#merge}.
 */
public final class BlockTopN {
  private BlockTopN() {}

  /**
   * A block of rows: descriptors as one row-major array {@code [rows * dims]} (one copy into ND4J,
   * one array to serialise), their indices and metric positions. (A class, not a record: Spark's
   * Kryo cannot set a record's fields.)
   */
  public static final class Block implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] flat;
    private final int dims;
    private final long[] indices;
    private final double[] eastingM;
    private final double[] northingM;

    public Block(float[] flat, int dims, long[] indices, double[] eastingM, double[] northingM) {
      if (flat.length != (long) dims * indices.length
          || eastingM.length != indices.length
          || northingM.length != indices.length) {
        throw new IllegalArgumentException(
            "a block of "
                + indices.length
                + " rows with "
                + flat.length
                + " values of "
                + dims
                + " dims");
      }
      this.flat = flat;
      this.dims = dims;
      this.indices = indices;
      this.eastingM = eastingM;
      this.northingM = northingM;
    }

    public Block(float[][] descriptors, long[] indices, double[] eastingM, double[] northingM) {
      this(
          flatten(descriptors),
          descriptors.length == 0 ? 0 : descriptors[0].length,
          indices,
          eastingM,
          northingM);
    }

    private static float[] flatten(float[][] rows) {
      int dims = rows.length == 0 ? 0 : rows[0].length;
      float[] out = new float[rows.length * dims];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i].length != dims) {
          throw new IllegalArgumentException(
              "row " + i + " has " + rows[i].length + " values, row 0 has " + dims);
        }
        System.arraycopy(rows[i], 0, out, i * dims, dims);
      }
      return out;
    }

    public int dims() {
      return dims;
    }

    /** The descriptors, row-major {@code [rows * dims]} (not a copy). */
    public float[] flat() {
      return flat;
    }

    public long[] indices() {
      return indices;
    }

    public double[] eastingM() {
      return eastingM;
    }

    public double[] northingM() {
      return northingM;
    }

    public int rows() {
      return indices.length;
    }
  }

  /**
   * @param radiusM an item counts as correct when within this distance of the query
   * @return one list per query row of {@code queries}
   */
  public static TopList[] search(Block queries, Block database, int n, double radiusM) {
    try (NativeRows q = NativeRows.of(queries);
        NativeRows x = NativeRows.of(database)) {
      return search(q, x, n, radiusM);
    }
  }

  /** As {@link #search(Block, Block, int, double)}, on rows already in native memory. */
  public static TopList[] search(NativeRows queries, NativeRows database, int n, double radiusM) {
    TopList[] out = emptyLists(queries.rows(), n);
    searchInto(queries, database, radiusM, out);
    return out;
  }

  /** One empty list of capacity {@code n} for each of {@code queries} query rows. */
  public static TopList[] emptyLists(int queries, int n) {
    TopList[] out = new TopList[queries];
    for (int i = 0; i < out.length; i++) {
      out[i] = new TopList(n);
    }
    return out;
  }

  /**
   * Offers each query's distances to this database block into its list ({@code lists[i]} for query
   * row i), which may already hold nearer items of other blocks: the fuller and nearer the lists,
   * the fewer items they take.
   */
  public static void searchInto(
      NativeRows queries, NativeRows database, double radiusM, TopList[] lists) {
    if (lists.length != queries.rows()) {
      throw new IllegalArgumentException(
          lists.length + " top lists for " + queries.rows() + " query rows");
    }
    if (database.rows() == 0 || queries.rows() == 0) {
      return;
    }
    if (queries.dims() != database.dims()) {
      throw new IllegalArgumentException(
          "query descriptors of "
              + queries.dims()
              + " dims against database descriptors of "
              + database.dims());
    }
    int rows = database.rows();
    float[] qNorms = queries.squaredNorms();
    float[] xNorms = database.squaredNorms();
    long[] dbIndices = database.indices();
    float[] dots = new float[rows];
    try (FloatPointer product = new FloatPointer((long) queries.rows() * rows)) {
      RowMajorGemm.timesTransposed(
          queries.values(), queries.rows(), database.values(), rows, queries.dims(), product);
      FloatBuffer products = product.asBuffer();
      for (int i = 0; i < lists.length; i++) {
        products.get(i * rows, dots);
        TopList list = lists[i];
        for (int j = 0; j < rows; j++) {
          double d2 = Math.max(0, (double) qNorms[i] + xNorms[j] - 2.0 * dots[j]);
          if (list.accepts(d2, dbIndices[j])) {
            double de = queries.eastingM()[i] - database.eastingM()[j];
            double dn = queries.northingM()[i] - database.northingM()[j];
            list.offer(d2, dbIndices[j], withinRadius(de, dn, radiusM));
          }
        }
      }
    }
  }

  /**
   * The success rule of Recall@N: a database item is correct for a query when its ground distance,
   * from the metric offsets between them, is at most the radius. The report marks examples by it
   * too.
   */
  public static boolean withinRadius(
      double eastingOffsetM, double northingOffsetM, double radiusM) {
    return eastingOffsetM * eastingOffsetM + northingOffsetM * northingOffsetM <= radiusM * radiusM;
  }

  /** Each row's squared norm. */
  static float[] squaredNorms(Block block) {
    float[] out = new float[block.rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = squaredNorm(block.flat, i * block.dims, block.dims);
    }
    return out;
  }

  /**
   * The squared norm of {@code v[from, from + length)}, summed in double in four interleaved sums
   * (one chain of adds waits on each add).
   */
  static float squaredNorm(float[] v, int from, int length) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = from;
    int end = from + length;
    for (; j + 3 < end; j += 4) {
      s0 += (double) v[j] * v[j];
      s1 += (double) v[j + 1] * v[j + 1];
      s2 += (double) v[j + 2] * v[j + 2];
      s3 += (double) v[j + 3] * v[j + 3];
    }
    for (; j < end; j++) {
      s0 += (double) v[j] * v[j];
    }
    return (float) (s0 + s1 + s2 + s3);
  }
}
