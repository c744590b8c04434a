package org.netvlad.common.render;

import org.netvlad.common.hash.Hash;

/**
 * A procedural city without end: square blocks of side {@code blockM} between streets centred on
 * the lines x = k·blockM and y = k·blockM (metres in the city frame). Each block is a park or a
 * grid of buildings (lots) set back from the street; every lot's height and every facade's look are
 * deterministic functions of the seed and the lot's position.
 *
 * @param seed the city's seed
 * @param blockM distance between street centre lines, metres
 * @param streetWidthM width between facing building lines, metres
 */
public record City(long seed, double blockM, double streetWidthM) implements java.io.Serializable {
  /** Lots per block side, at most. */
  static final int MAX_LOTS = 4;

  public City {
    if (!(blockM > streetWidthM + 10 && streetWidthM > 4)) {
      throw new IllegalArgumentException("blocks must be wider than streets by 10 m at least");
    }
  }

  /** True when block (bx, by) is a park: open space with trees, no buildings. */
  boolean isPark(long bx, long by) {
    return Hash.unit(Hash.of(seed, bx, by, 1)) < 0.08;
  }

  /** Number of lots along x and along y in a block. */
  int lotsX(long bx, long by) {
    return 2 + (int) (Hash.unit(Hash.of(seed, bx, by, 2)) * (MAX_LOTS - 1));
  }

  int lotsY(long bx, long by) {
    return 2 + (int) (Hash.unit(Hash.of(seed, bx, by, 3)) * (MAX_LOTS - 1));
  }

  /** Height of a building in metres: mostly 3-6 floors, some towers. */
  double lotHeightM(long bx, long by, int lx, int ly) {
    double u = Hash.unit(Hash.of(seed, bx, by, 100 + lx * 8 + ly));
    double floors = u < 0.9 ? 3 + u * 4 : 8 + (u - 0.9) * 120;
    return floors * 3.3;
  }

  /** The buildable square of a block: {x0, y0, x1, y1}. */
  double[] buildable(long bx, long by) {
    double inset = streetWidthM / 2;
    return new double[] {
      bx * blockM + inset, by * blockM + inset, (bx + 1) * blockM - inset, (by + 1) * blockM - inset
    };
  }

  /** A stable id for a facade: block, lot and side (0 south, 1 east, 2 north, 3 west). */
  long facadeId(long bx, long by, int lx, int ly, int side) {
    return Hash.of(Hash.of(seed, bx, by), lx, ly, side);
  }
}
