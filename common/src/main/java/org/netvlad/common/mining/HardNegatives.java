package org.netvlad.common.mining;

/**
 * The paper's hard-negative choice for one query: among candidate definite negatives, those that
 * violate the margin ({@code d²(q,n) < d²(q,p*) + m}, p* the query's best positive), nearest first,
 * at most {@code keep}. Ties in distance go to the lower candidate index.
 */
public final class HardNegatives {
  private HardNegatives() {}

  /**
   * @param candidateSquaredDistances d²(q, n) of each candidate
   * @param bestPositiveSquaredDistance d²(q, p*)
   * @return indices into the candidates, hardest first
   */
  public static int[] select(
      double[] candidateSquaredDistances,
      double bestPositiveSquaredDistance,
      double margin,
      int keep) {
    double limit = bestPositiveSquaredDistance + margin;
    return nearestFirst(candidateSquaredDistances)
        .filter(i -> candidateSquaredDistances[i] < limit)
        .limit(keep)
        .toArray();
  }

  /**
   * The negatives of a training tuple of fixed size: the {@code keep} nearest candidates. The
   * violating ones are the nearest, so this begins with {@link #select}'s list for any positive and
   * margin and, while fewer than {@code keep} violate, goes on with the nearest of the others.
   * Those contribute nothing to the loss with the weights they were chosen by (max(., 0) = 0), so
   * the loss is the paper's; they only give every tuple of a minibatch the same shape.
   */
  public static int[] forTuple(double[] candidateSquaredDistances, int keep) {
    return nearestFirst(candidateSquaredDistances).limit(keep).toArray();
  }

  /** Candidate indices by ascending distance, ties to the lower index. */
  private static java.util.stream.IntStream nearestFirst(double[] squaredDistances) {
    return java.util.stream.IntStream.range(0, squaredDistances.length)
        .boxed()
        .sorted(
            (a, b) ->
                squaredDistances[a] != squaredDistances[b]
                    ? Double.compare(squaredDistances[a], squaredDistances[b])
                    : Integer.compare(a, b))
        .mapToInt(Integer::intValue);
  }

  /** Index of the nearest positive (lowest index on ties). */
  public static int bestPositive(double[] positiveSquaredDistances) {
    if (positiveSquaredDistances.length == 0) {
      throw new IllegalArgumentException("a query needs at least one positive");
    }
    int best = 0;
    for (int i = 1; i < positiveSquaredDistances.length; i++) {
      if (positiveSquaredDistances[i] < positiveSquaredDistances[best]) {
        best = i;
      }
    }
    return best;
  }
}
