package org.netvlad.common.mining;

import java.io.Serializable;
import java.util.List;

/**
 * What mining found for one query.
 *
 * @param queryId the query's image id
 * @param positiveIds potential positives, nearest first (ties by database index)
 * @param positiveDistancesM their distances in metres, same order
 * @param positiveDbIndices their database indices, same order
 * @param softPositiveCount database images farther than the positive radius but within the negative
 *     radius
 * @param nonNegativeDbIndices every database index within the negative radius, ascending: a
 *     definite negative is any database index in [0, database size) not in this list
 * @param pairsWithinPositiveRadius database images within the positive radius, whatever their date
 */
public record QueryTuple(
    String queryId,
    List<String> positiveIds,
    double[] positiveDistancesM,
    long[] positiveDbIndices,
    int softPositiveCount,
    long[] nonNegativeDbIndices,
    int pairsWithinPositiveRadius)
    implements Serializable {

  public boolean hasPositive() {
    return !positiveIds.isEmpty();
  }
}
