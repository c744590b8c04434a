package org.netvlad.common.eval;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Descriptor rows in native memory, as the BLAS reads them, with each row's squared norm, index and
 * metric position: what {@link BlockTopN#search(NativeRows, NativeRows, int, double)} compares.
 * Rows are written straight from the descriptors' Java arrays, one copy. Close it to free the
 * native memory at once (blocks are tens of MB).
 */
public final class NativeRows implements AutoCloseable {
  private final FloatPointer values;
  private final int dims;
  private final float[] squaredNorms;
  private final long[] indices;
  private final double[] eastingM;
  private final double[] northingM;
  private int rows;

  /** Room for {@code capacity} rows of {@code dims} values. */
  public NativeRows(int capacity, int dims) {
    this.values = new FloatPointer((long) Math.max(1, capacity) * Math.max(1, dims));
    this.dims = dims;
    this.squaredNorms = new float[capacity];
    this.indices = new long[capacity];
    this.eastingM = new double[capacity];
    this.northingM = new double[capacity];
  }

  /** A block's rows. */
  public static NativeRows of(BlockTopN.Block block) {
    NativeRows out = new NativeRows(block.rows(), block.dims());
    out.values.put(block.flat(), 0, block.flat().length);
    float[] norms = BlockTopN.squaredNorms(block);
    System.arraycopy(norms, 0, out.squaredNorms, 0, norms.length);
    System.arraycopy(block.indices(), 0, out.indices, 0, block.rows());
    System.arraycopy(block.eastingM(), 0, out.eastingM, 0, block.rows());
    System.arraycopy(block.northingM(), 0, out.northingM, 0, block.rows());
    out.rows = block.rows();
    return out;
  }

  /**
   * Appends a row.
   *
   * @throws IllegalArgumentException when the descriptor's length is not {@code dims}
   * @throws IllegalStateException when the rows are full
   */
  public void add(long index, float[] descriptor, double eastingM, double northingM) {
    if (descriptor.length != dims) {
      throw new IllegalArgumentException(
          "descriptor of item " + index + " has " + descriptor.length + " values, others " + dims);
    }
    if (rows == indices.length) {
      throw new IllegalStateException("all " + rows + " rows are written");
    }
    values.position((long) rows * dims).put(descriptor, 0, dims);
    values.position(0);
    squaredNorms[rows] = BlockTopN.squaredNorm(descriptor, 0, dims);
    indices[rows] = index;
    this.eastingM[rows] = eastingM;
    this.northingM[rows] = northingM;
    rows++;
  }

  public int rows() {
    return rows;
  }

  /** The index of row i. */
  public long index(int i) {
    return indices[i];
  }

  public boolean isFull() {
    return rows == indices.length;
  }

  int dims() {
    return dims;
  }

  FloatPointer values() {
    return values;
  }

  float[] squaredNorms() {
    return squaredNorms;
  }

  long[] indices() {
    return indices;
  }

  double[] eastingM() {
    return eastingM;
  }

  double[] northingM() {
    return northingM;
  }

  @Override
  public void close() {
    values.close();
  }
}
