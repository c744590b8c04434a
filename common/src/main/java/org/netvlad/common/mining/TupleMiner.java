package org.netvlad.common.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact weak-supervision mining of one region held in memory: for each query, its potential
 * positives, soft positives and non-negatives among the given database images.
 *
 * <p>The Spark job runs this per tile (database images near the tile's edge copied in); the
 * single-threaded benchmark baseline runs it once over everything.
 */
public final class TupleMiner {
  private final MiningParams params;

  public TupleMiner(MiningParams params) {
    this.params = params;
  }

  /** Mines every query against the database images; returns one tuple per query, in order. */
  public List<QueryTuple> mine(List<SitePoint> database, List<SitePoint> queries) {
    int n = database.size();
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = database.get(i).xM();
      y[i] = database.get(i).yM();
    }
    GridIndex index = new GridIndex(x, y, Math.max(params.negativeRadiusM(), 1.0));
    List<QueryTuple> out = new ArrayList<>(queries.size());
    Neighbours found = new Neighbours();
    for (SitePoint q : queries) {
      found.clear();
      index.forEachWithin(q.xM(), q.yM(), params.negativeRadiusM(), found::add);
      out.add(tupleOf(q, database, found));
    }
    return out;
  }

  private QueryTuple tupleOf(SitePoint q, List<SitePoint> database, Neighbours found) {
    double pos2 = params.positiveRadiusM() * params.positiveRadiusM();
    int within = found.size;
    long[] nonNegative = new long[within];
    int positives = 0;
    int withinPositive = 0;
    int soft = 0;
    long[] positiveKeys = new long[within];
    double[] positiveD2 = new double[within];
    int[] positivePoint = new int[within];
    for (int k = 0; k < within; k++) {
      SitePoint p = database.get(found.index[k]);
      nonNegative[k] = p.dbIndex();
      double d2 = found.d2[k];
      if (d2 <= pos2) {
        withinPositive++;
        if (!params.positiveNeedsOtherDate() || differentDates(q, p)) {
          positiveKeys[positives] = p.dbIndex();
          positiveD2[positives] = d2;
          positivePoint[positives] = found.index[k];
          positives++;
        }
      } else {
        soft++;
      }
    }
    Arrays.sort(nonNegative);
    Integer[] order = new Integer[positives];
    for (int i = 0; i < positives; i++) {
      order[i] = i;
    }
    Arrays.sort(
        order,
        (a, b) -> {
          int c = Double.compare(positiveD2[a], positiveD2[b]);
          return c != 0 ? c : Long.compare(positiveKeys[a], positiveKeys[b]);
        });
    List<String> ids = new ArrayList<>(positives);
    double[] distances = new double[positives];
    long[] dbIndices = new long[positives];
    for (int r = 0; r < positives; r++) {
      int i = order[r];
      ids.add(database.get(positivePoint[i]).imageId());
      distances[r] = Math.sqrt(positiveD2[i]);
      dbIndices[r] = positiveKeys[i];
    }
    return new QueryTuple(
        q.imageId(), ids, distances, dbIndices, soft, nonNegative, withinPositive);
  }

  private static boolean differentDates(SitePoint q, SitePoint p) {
    return q.captureEpochDay() != SitePoint.NO_DATE
        && p.captureEpochDay() != SitePoint.NO_DATE
        && q.captureEpochDay() != p.captureEpochDay();
  }

  /** A reusable growable list of (point index, d²). */
  private static final class Neighbours {
    int[] index = new int[64];
    double[] d2 = new double[64];
    int size;

    void clear() {
      size = 0;
    }

    void add(int i, double distanceSquared) {
      if (size == index.length) {
        index = Arrays.copyOf(index, size * 2);
        d2 = Arrays.copyOf(d2, size * 2);
      }
      index[size] = i;
      d2[size] = distanceSquared;
      size++;
    }
  }
}
