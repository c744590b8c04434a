package org.netvlad.common.geo;

import java.util.HashMap;
import java.util.Map;

/** A per-thread cache of UTM projections, one per zone grid (number and hemisphere). */
public final class Projections {
  private final Map<Integer, UtmProjection> byGrid = new HashMap<>();

  /** The projection of a zone's grid. */
  public UtmProjection of(UtmZone zone) {
    int key = zone.isNorth() ? zone.number() : -zone.number();
    return byGrid.computeIfAbsent(key, k -> new UtmProjection(zone));
  }
}
