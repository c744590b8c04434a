package org.netvlad.common.config;

import java.util.List;

/**
 * Settings of mine-tuples: the positive and negative radii, Time Machine supervision, tiles and
 * partitions.
 */
public final class MiningSettings {
  private MiningSettings() {}

  public static final Setting<Double> POSITIVE_RADIUS_M =
      Setting.decimal(
          "mining.positive-radius-m",
          10,
          0.001,
          10_000,
          "metres",
          "Potential positives of a query: database images at most this far from it.");

  public static final Setting<Double> NEGATIVE_RADIUS_M =
      Setting.decimal(
          "mining.negative-radius-m",
          25,
          0.001,
          10_000,
          "metres",
          "Definite negatives of a query: database images farther than this. Images between the"
              + " two radii are neither (soft positives). Also the Recall@N success radius.");

  public static final Setting<String> POSITIVE_NEEDS_OTHER_DATE =
      Setting.choice(
          "mining.positive-needs-other-date",
          "auto",
          List.of("auto", "true", "false"),
          "Time Machine supervision: a positive must have another capture date than its query."
              + " Same-date images within the positive radius are then neither positive nor"
              + " negative, and rows without a capture date cannot be positives. auto turns it on"
              + " when an input is a dbStruct spec with time stamps (Tokyo Time Machine, whose"
              + " queries are database panoramas: without it a query's own picture is its"
              + " positive).");

  public static final Setting<Double> TILE_SIZE_M =
      Setting.decimal(
          "mining.tile-size-m",
          500,
          1,
          1_000_000,
          "metres",
          "Side of the square tiles that geo-bucketed mining works on; database images within the"
              + " negative radius of a tile's edge are copied into it. Must be at least twice the"
              + " negative radius.");

  public static final Setting<Long> ROWS_PER_PARTITION =
      Setting.whole(
          "mining.rows-per-partition",
          250_000,
          1_000,
          100_000_000,
          "rows",
          "Target number of panoramas per Spark partition when mining and when looking for"
              + " repeated image ids; more rows give fewer, larger tasks.");

  static final List<Setting<?>> ALL =
      List.of(
          POSITIVE_RADIUS_M,
          NEGATIVE_RADIUS_M,
          POSITIVE_NEEDS_OTHER_DATE,
          TILE_SIZE_M,
          ROWS_PER_PARTITION);
}
