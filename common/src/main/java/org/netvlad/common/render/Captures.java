package org.netvlad.common.render;

import java.time.LocalDate;
import org.netvlad.common.hash.Hash;
import org.netvlad.common.layout.StreetLayout;

/**
 * Turns layout images into captures: the true camera position and heading plus per-image camera
 * noise (heading ±3°, pitch ±2°, height ±0.2 m) from the image's id and the seed, and the hour of
 * the date's capture run, so a capture does not depend on which task renders it.
 */
public final class Captures {
  /** Nominal camera height of a Street View car, metres. */
  public static final double CAMERA_HEIGHT_M = 2.5;

  private Captures() {}

  /** The capture of a street-layout image. */
  public static Capture of(StreetLayout.LayoutImage image, long seed, int width, int height) {
    return of(
        image.imageId(),
        image.cameraEastM(),
        image.cameraNorthM(),
        image.headingDeg(),
        3.0,
        image.capturedAt(),
        seed,
        width,
        height);
  }

  /**
   * A capture of an image at a known position and heading.
   *
   * @param pitchDeg nominal pitch before noise
   */
  public static Capture of(
      String imageId,
      double eastM,
      double northM,
      double headingDeg,
      double pitchDeg,
      LocalDate date,
      long seed,
      int width,
      int height) {
    long h = Hash.of(seed, imageId.hashCode(), imageId.length());
    double headingNoise = (Hash.unit(Hash.of(h, 1)) - 0.5) * 6;
    double pitchNoise = (Hash.unit(Hash.of(h, 2)) - 0.5) * 4;
    double heightNoise = (Hash.unit(Hash.of(h, 3)) - 0.5) * 0.4;
    return new Capture(
        eastM,
        northM,
        (headingDeg + headingNoise + 360) % 360,
        pitchDeg + pitchNoise,
        CAMERA_HEIGHT_M + heightNoise,
        date,
        hourOf(date, seed),
        h,
        width,
        height);
  }

  /**
   * One capture run per date: every image of a date shares its time of day, a fifth at dusk or
   * night.
   */
  public static double hourOf(LocalDate date, long seed) {
    double u = Hash.unit(Hash.of(seed, date.toEpochDay(), 4));
    return u < 0.8 ? 8 + 10 * (u / 0.8) : 19.5 + 3.5 * ((u - 0.8) / 0.2);
  }

  /** day, dusk or night, as the images of this date are lit (the manifest's condition column). */
  public static String condition(LocalDate date, long seed) {
    return new Lighting(date, hourOf(date, seed)).condition();
  }
}
