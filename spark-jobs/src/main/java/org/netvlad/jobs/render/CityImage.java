package org.netvlad.jobs.render;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Locale;

/**
 * One image render-city will draw: where the camera is (city frame metres), how it looks, and the
 * manifest line that describes it. A plain class, not a record: Spark ships it with Kryo.
 */
public final class CityImage implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String imageId;
  public final String path;
  public final double cameraEastM;
  public final double cameraNorthM;
  public final double headingDeg;
  public final double pitchDeg;
  public final LocalDate date;
  public final String manifestLine;

  public CityImage(
      String imageId,
      String path,
      double cameraEastM,
      double cameraNorthM,
      double headingDeg,
      double pitchDeg,
      LocalDate date,
      String manifestLine) {
    this.imageId = imageId;
    this.path = path;
    this.cameraEastM = cameraEastM;
    this.cameraNorthM = cameraNorthM;
    this.headingDeg = headingDeg;
    this.pitchDeg = pitchDeg;
    this.date = date;
    this.manifestLine = manifestLine;
  }

  public static String csv(String... fields) {
    return String.join(",", fields);
  }

  public static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
