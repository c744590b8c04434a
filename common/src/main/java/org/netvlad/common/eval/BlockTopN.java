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
   * A block of rows: descriptors {@code [rows, dims]}, their indices and metric positions. (A class,
   * not a record: Spark's Kryo cannot set a record's fields.)
   */
  public static final class Block implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final float[][] descriptors;
    private final long[] indices;
    private final double[] eastingM;
    private final double[] northingM;

    public Block(float[][] descriptors, long[] indices, double[] eastingM, double[] northingM) {
      this.descriptors = descriptors;
      this.indices = indices;
      this.eastingM = eastingM;
      this.northingM = northingM;
    }

    public float[][] descriptors() {
      return descriptors;
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
    INDArray q = Nd4j.create(queries.descriptors()).castTo(DataType.FLOAT);
    INDArray x = Nd4j.create(database.descriptors()).castTo(DataType.FLOAT);
    float[] qNorms = q.mul(q).sum(1).toFloatVector();
    float[] xNorms = x.mul(x).sum(1).toFloatVector();
    float[][] dots = org.netvlad.common.model.Matrices.floatRows(q.mmul(x.transpose()));
    double radius2 = radiusM * radiusM;
    for (int i = 0; i < out.length; i++) {
      float[] row = dots[i];
      for (int j = 0; j < row.length; j++) {
        double d2 = Math.max(0, (double) qNorms[i] + xNorms[j] - 2.0 * row[j]);
        double de = queries.eastingM()[i] - database.eastingM()[j];
        double dn = queries.northingM()[i] - database.northingM()[j];
        out[i].offer(d2, database.indices()[j], de * de + dn * dn <= radius2);
      }
    }
    return out;
  }

  /** Recall@N for each N: the share of queries whose first correct rank is at most N. */
  public static double[] recall(int[] firstCorrectRanks, int[] ns) {
    double[] out = new double[ns.length];
    if (firstCorrectRanks.length == 0) {
      return out;
    }
    for (int k = 0; k < ns.length; k++) {
      int hits = 0;
      for (int r : firstCorrectRanks) {
        if (r >= 1 && r <= ns[k]) {
          hits++;
        }
      }
      out[k] = (double) hits / firstCorrectRanks.length;
    }
    return out;
  }
}
