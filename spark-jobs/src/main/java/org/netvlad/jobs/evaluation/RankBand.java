package org.netvlad.jobs.evaluation;

import java.awt.Color;

/**
 * The map's classes of a query's first correct rank (0: none of the N_max nearest within the
 * radius).
 */
enum RankBand {
  FIRST(new Color(0x2ca02c)),
  TOP_5(new Color(0x1f77b4)),
  LATER(new Color(0xff7f0e)),
  MISSED(new Color(0xd62728));

  final Color colour;

  RankBand(Color colour) {
    this.colour = colour;
  }

  static RankBand of(int firstCorrectRank) {
    if (firstCorrectRank == 0) {
      return MISSED;
    }
    return firstCorrectRank == 1 ? FIRST : firstCorrectRank <= 5 ? TOP_5 : LATER;
  }

  /** Whether a search of the {@code maxN} nearest can give this band. */
  boolean possible(int maxN) {
    return switch (this) {
      case FIRST, MISSED -> true;
      case TOP_5 -> maxN >= 2;
      case LATER -> maxN >= 6;
    };
  }

  String label(int maxN) {
    return switch (this) {
      case FIRST -> "rank 1";
      case TOP_5 -> maxN == 2 ? "rank 2" : "rank 2-" + Math.min(5, maxN);
      case LATER -> maxN == 6 ? "rank 6" : "rank 6-" + maxN;
      case MISSED -> "missed within " + maxN;
    };
  }
}
