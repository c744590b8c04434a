package org.netvlad.common.config;

import java.util.List;

/** Settings of render-city: the synthetic city's seed, size, images and place on Earth. */
public final class RenderSettings {
  private RenderSettings() {}

  public static final Setting<Long> SEED =
      Setting.whole(
          "render.seed",
          1,
          0,
          Long.MAX_VALUE,
          "",
          "Seed of the synthetic city: the same seed renders the same images.");

  public static final Setting<Long> IMAGES =
      Setting.whole(
          "render.images",
          5_000,
          10,
          100_000_000,
          "images",
          "About how many images render-city lays out on its own street grid (the area grows to"
              + " hold them at one place every 12 m of street, two database dates looking both ways"
              + " and half the places with a query from a third date).");

  public static final Setting<Long> WIDTH_PX =
      Setting.whole("render.width-px", 160, 16, 4096, "pixels", "Width of rendered images.");

  public static final Setting<Long> HEIGHT_PX =
      Setting.whole("render.height-px", 120, 12, 4096, "pixels", "Height of rendered images.");

  public static final Setting<Double> BLOCK_M =
      Setting.decimal(
          "render.block-m",
          100,
          30,
          1000,
          "metres",
          "Distance between the synthetic city's street centre lines.");

  public static final Setting<Double> STREET_WIDTH_M =
      Setting.decimal(
          "render.street-width-m",
          20,
          5,
          200,
          "metres",
          "Width between facing building lines; must be 10 m below render.block-m.");

  public static final Setting<Double> ORIGIN_LAT =
      Setting.decimal(
          "render.origin-lat",
          40.4406,
          -79,
          83,
          "degrees",
          "WGS84 latitude of the rendered street grid's south-west corner.");

  public static final Setting<Double> ORIGIN_LON =
      Setting.decimal(
          "render.origin-lon",
          -79.9959,
          -180,
          180,
          "degrees",
          "WGS84 longitude of the rendered street grid's south-west corner.");

  public static final Setting<Long> IMAGES_PER_TASK =
      Setting.whole(
          "render.images-per-task",
          2_000,
          1,
          10_000_000,
          "images",
          "Images one Spark task renders; the output does not depend on it.");

  static final List<Setting<?>> ALL =
      List.of(
          SEED,
          IMAGES,
          WIDTH_PX,
          HEIGHT_PX,
          BLOCK_M,
          STREET_WIDTH_M,
          ORIGIN_LAT,
          ORIGIN_LON,
          IMAGES_PER_TASK);
}
