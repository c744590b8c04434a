package org.netvlad.common.eval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The N nearest database items of one query found so far, nearest first: squared descriptor
 * distance, database index (ties go to the lower index, so merging in any order gives one answer)
 * and whether the item lies within the success radius of the query.
 */
public final class TopList implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int capacity;
  private int size;
  private final double[] squaredDistances;
  private final long[] dbIndices;
  private final boolean[] withinRadius;

  public TopList(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "a top list needs a capacity of at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.squaredDistances = new double[capacity];
    this.dbIndices = new long[capacity];
    this.withinRadius = new boolean[capacity];
  }

  /** Whether {@link #offer} would keep an item at this distance and index (a cheap pre-check). */
  public boolean accepts(double squaredDistance, long dbIndex) {
    return size < capacity || before(squaredDistance, dbIndex, size - 1);
  }

  /** Offers one item; kept when it is among the N nearest so far. */
  public void offer(double squaredDistance, long dbIndex, boolean within) {
    if (size == capacity && !before(squaredDistance, dbIndex, size - 1)) {
      return;
    }
    int at = size == capacity ? capacity - 1 : size++;
    while (at > 0 && before(squaredDistance, dbIndex, at - 1)) {
      squaredDistances[at] = squaredDistances[at - 1];
      dbIndices[at] = dbIndices[at - 1];
      withinRadius[at] = withinRadius[at - 1];
      at--;
    }
    squaredDistances[at] = squaredDistance;
    dbIndices[at] = dbIndex;
    withinRadius[at] = within;
  }

  private boolean before(double d, long index, int slot) {
    return d < squaredDistances[slot] || d == squaredDistances[slot] && index < dbIndices[slot];
  }

  /** This list merged with another's items (this one is changed and returned). */
  public TopList merge(TopList other) {
    for (int i = 0; i < other.size; i++) {
      offer(other.squaredDistances[i], other.dbIndices[i], other.withinRadius[i]);
    }
    return this;
  }

  public int size() {
    return size;
  }

  public double[] squaredDistances() {
    return Arrays.copyOf(squaredDistances, size);
  }

  public long[] dbIndices() {
    return Arrays.copyOf(dbIndices, size);
  }

  /** 1-based rank of the first item within the radius, or 0 when none of the N is. */
  public int firstCorrectRank() {
    for (int i = 0; i < size; i++) {
      if (withinRadius[i]) {
        return i + 1;
      }
    }
    return 0;
  }
}
