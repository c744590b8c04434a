package org.netvlad.common.render;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * One photograph to render: where the camera is, where it looks, when, and at what size.
 *
 * @param eastM camera position east, metres in the city frame
 * @param northM camera position north, metres in the city frame
 * @param headingDeg view direction, degrees clockwise from north
 * @param pitchDeg view elevation, degrees (positive looks up)
 * @param heightM camera height above the street, metres
 * @param date capture date (sun, season, transient things, facade changes)
 * @param hour capture time of day, hours (0-24, local solar time)
 * @param imageSeed seeds what differs between photographs (cars, people, lit windows)
 * @param width image width, pixels
 * @param height image height, pixels
 */
public record Capture(
    double eastM,
    double northM,
    double headingDeg,
    double pitchDeg,
    double heightM,
    LocalDate date,
    double hour,
    long imageSeed,
    int width,
    int height)
    implements Serializable {

  /**
   * Horizontal field of view of every capture, degrees (as a Pittsburgh crop: 12 per 360°,
   * overlapping).
   */
  public static final double HORIZONTAL_FOV_DEG = 60;
}
