package org.netvlad.common.mining;

import java.util.Arrays;

/**
 * An exact fixed-radius neighbour index over points in a metric plane (metres): points are sorted
 * by square grid cell, and a search visits the 3 x 3 cells around the query, so every point within
 * the cell size is found and every distance is computed exactly.
 *
 * <p>Cells are sorted column by column, so the three cells of one column are contiguous and a
 * search costs three binary searches plus the points it visits. Immutable after construction.
 */
public final class GridIndex {
  /** Receives each point found: its index in the arrays given to the constructor, and d². */
  @FunctionalInterface
  public interface Visitor {
    void visit(int pointIndex, double distanceSquaredM2);
  }

  private final double cellM;
  private final long minCx;
  private final long minCy;
  private final long maxCx;
  private final long maxCy;
  private final long spanY;
  private final long[] sortedKeys;
  private final int[] sortedIndex;
  private final double[] sortedX;
  private final double[] sortedY;

  /**
   * @param xM eastings in metres
   * @param yM northings in metres
   * @param cellM cell side in metres: searches are exact for radii up to this
   */
  public GridIndex(double[] xM, double[] yM, double cellM) {
    if (xM.length != yM.length) {
      throw new IllegalArgumentException("x and y differ in length");
    }
    if (!(cellM > 0)) {
      throw new IllegalArgumentException("cell size must be positive, got " + cellM);
    }
    this.cellM = cellM;
    int n = xM.length;
    long loX = Long.MAX_VALUE;
    long loY = Long.MAX_VALUE;
    long hiX = Long.MIN_VALUE;
    long hiY = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long cx = cell(xM[i]);
      long cy = cell(yM[i]);
      loX = Math.min(loX, cx);
      hiX = Math.max(hiX, cx);
      loY = Math.min(loY, cy);
      hiY = Math.max(hiY, cy);
    }
    minCx = n == 0 ? 0 : loX;
    maxCx = n == 0 ? -1 : hiX;
    minCy = n == 0 ? 0 : loY;
    maxCy = n == 0 ? -1 : hiY;
    spanY = maxCy - minCy + 1;
    sortedKeys = new long[n];
    sortedIndex = new int[n];
    sortedX = new double[n];
    sortedY = new double[n];
    int[] order = sortByKey(xM, yM);
    for (int r = 0; r < n; r++) {
      int i = order[r];
      sortedKeys[r] = key(cell(xM[i]), cell(yM[i]));
      sortedIndex[r] = i;
      sortedX[r] = xM[i];
      sortedY[r] = yM[i];
    }
  }

  /** Point indices in key order; packs (key, index) into one long when both fit. */
  private int[] sortByKey(double[] xM, double[] yM) {
    int n = xM.length;
    int[] order = new int[n];
    int indexBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n));
    double cells = (double) (maxCx - minCx + 1) * spanY;
    if (n > 0 && cells < Math.pow(2, 62 - indexBits)) {
      long[] packed = new long[n];
      for (int i = 0; i < n; i++) {
        packed[i] = (key(cell(xM[i]), cell(yM[i])) << indexBits) | i;
      }
      Arrays.sort(packed);
      long mask = (1L << indexBits) - 1;
      for (int r = 0; r < n; r++) {
        order[r] = (int) (packed[r] & mask);
      }
      return order;
    }
    Integer[] boxed = new Integer[n];
    for (int i = 0; i < n; i++) {
      boxed[i] = i;
    }
    Arrays.sort(
        boxed,
        (a, b) -> Long.compare(key(cell(xM[a]), cell(yM[a])), key(cell(xM[b]), cell(yM[b]))));
    for (int r = 0; r < n; r++) {
      order[r] = boxed[r];
    }
    return order;
  }

  public int size() {
    return sortedIndex.length;
  }

  /**
   * Visits every point p with (p − q)·(p − q) ≤ radius², exactly.
   *
   * @param radiusM at most the cell size
   */
  public void forEachWithin(double qxM, double qyM, double radiusM, Visitor visitor) {
    if (radiusM > cellM) {
      throw new IllegalArgumentException(
          "radius " + radiusM + " m exceeds the index's cell size " + cellM + " m");
    }
    double r2 = radiusM * radiusM;
    long cx = cell(qxM);
    long cy = cell(qyM);
    long yFrom = Math.max(cy - 1, minCy);
    long yTo = Math.min(cy + 1, maxCy);
    if (yFrom > yTo) {
      return;
    }
    for (long x = Math.max(cx - 1, minCx); x <= Math.min(cx + 1, maxCx); x++) {
      long from = key(x, yFrom);
      long to = key(x, yTo);
      for (int r = lowerBound(from); r < sortedKeys.length && sortedKeys[r] <= to; r++) {
        double dx = sortedX[r] - qxM;
        double dy = sortedY[r] - qyM;
        double d2 = dx * dx + dy * dy;
        if (d2 <= r2) {
          visitor.visit(sortedIndex[r], d2);
        }
      }
    }
  }

  private long cell(double v) {
    return (long) Math.floor(v / cellM);
  }

  /** Column-major cell number: the cells of one column are contiguous and ordered by y. */
  private long key(long cx, long cy) {
    return (cx - minCx) * spanY + (cy - minCy);
  }

  private int lowerBound(long key) {
    int lo = 0;
    int hi = sortedKeys.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sortedKeys[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
