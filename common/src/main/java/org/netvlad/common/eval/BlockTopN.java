package org.netvlad.common.eval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact nearest database descriptors of a block of queries against a block of the database:
 * squared distances ||q||² + ||x||² - 2 q·x from one GEMM, each query's N nearest kept in a
 * {@link TopList}. Blocks of the same queries against other database blocks merge with
 * {@link TopList#merge}.
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
      if (flat.length != (long) dims * indices.length || eastingM.length != indices.length || northingM.length != indices.length) {
        throw new IllegalArgumentException("a block of " + indices.length + " rows with " + flat.length + " values of " + dims + " dims");
      }
      this.flat = flat;
      this.dims = dims;
      this.indices = indices;
      this.eastingM = eastingM;
      this.northingM = northingM;
    }

    public Block(float[][] descriptors, long[] indices, double[] eastingM, double[] northingM) {
      this(flatten(descriptors), descriptors.length == 0 ? 0 : descriptors[0].length, indices, eastingM, northingM);
    }

    private static float[] flatten(float[][] rows) {
      int dims = rows.length == 0 ? 0 : rows[0].length;
      float[] out = new float[rows.length * dims];
      for (int i = 0; i < rows.length; i++) {
        if (rows[i].length != dims) {
          throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + dims);
        }
        System.arraycopy(rows[i], 0, out, i * dims, dims);
      }
      return out;
    }

    INDArray matrix() {
      return Nd4j.create(flat, new long[] {indices.length, dims}, DataType.FLOAT);
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
    TopList[] out = new TopList[queries.rows()];
    for (int i = 0; i < out.length; i++) {
      out[i] = new TopList(n);
    }
    if (database.rows() == 0 || queries.rows() == 0) {
      return out;
    }
    if (queries.dims() != database.dims()) {
      throw new IllegalArgumentException("query descriptors of " + queries.dims() + " dims against database descriptors of " + database.dims());
    }
    float[] qNorms = squaredNorms(queries);
    float[] xNorms = squaredNorms(database);
    int rows = database.rows();
    float[] dots;
    // off-heap buffers freed now, not when the collector gets round to them (blocks are tens of MB)
    try (INDArray q = queries.matrix(); INDArray x = database.matrix(); INDArray product = q.mmul(x.transpose());
        INDArray rowMajor = product.dup('c')) {
      dots = rowMajor.data().asFloat();
    }
    long[] dbIndices = database.indices();
    for (int i = 0; i < out.length; i++) {
      TopList list = out[i];
      int offset = i * rows;
      for (int j = 0; j < rows; j++) {
        double d2 = Math.max(0, (double) qNorms[i] + xNorms[j] - 2.0 * dots[offset + j]);
        if (list.accepts(d2, dbIndices[j])) {
          double de = queries.eastingM()[i] - database.eastingM()[j];
          double dn = queries.northingM()[i] - database.northingM()[j];
          list.offer(d2, dbIndices[j], withinRadius(de, dn, radiusM));
        }
      }
    }
    return out;
  }

  /**
   * The success rule of Recall@N: a database item is correct for a query when its ground distance,
   * from the metric offsets between them, is at most the radius. The report marks examples by it too.
   */
  public static boolean withinRadius(double eastingOffsetM, double northingOffsetM, double radiusM) {
    return eastingOffsetM * eastingOffsetM + northingOffsetM * northingOffsetM <= radiusM * radiusM;
  }

  private static float[] squaredNorms(Block block) {
    float[] out = new float[block.rows()];
    for (int i = 0; i < out.length; i++) {
      double s = 0;
      for (int j = i * block.dims, end = j + block.dims; j < end; j++) {
        s += (double) block.flat[j] * block.flat[j];
      }
      out[i] = (float) s;
    }
    return out;
  }
}
