package org.netvlad.common.data;

import java.util.Comparator;
import java.util.Map;
import org.netvlad.common.geo.Projections;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;

/**
 * Puts panoramas into the mining frame: the (extended) transverse Mercator grid of one UTM zone, in
 * which all distances of a data set are measured.
 *
 * <p>Rows already in the frame's grid keep their coordinates bit for bit (so distances equal the
 * dataset's own UTM distances); others are re-projected from WGS84. Not thread-safe.
 */
public final class FrameProjector {
  private final UtmZone frameZone;
  private final double maxOffsetDeg;
  private final UtmProjection frame;
  private final String frameZoneText;

  public FrameProjector(UtmZone frameZone, double maxOffsetDeg) {
    this.frameZone = frameZone;
    this.maxOffsetDeg = maxOffsetDeg;
    this.frame = new Projections().of(frameZone);
    this.frameZoneText = frameZone.toString();
  }

  /**
   * The frame zone for a data set: the configured one, or with {@code auto} the zone holding most
   * rows (ties broken by the zone's name, so the choice does not depend on row order).
   *
   * @param rowsByZone accepted rows per own zone, e.g. {"17T": 9000, "18T": 120}
   */
  public static UtmZone chooseZone(String setting, Map<String, Long> rowsByZone) {
    if (!"auto".equals(setting)) {
      return UtmZone.parse(setting);
    }
    return rowsByZone.entrySet().stream()
        .max(
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
                .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
        .map(e -> UtmZone.parse(e.getKey()))
        .orElseThrow(() -> new IllegalArgumentException("no accepted rows to choose a zone from"));
  }

  public UtmZone frameZone() {
    return frameZone;
  }

  /** The outcome for one panorama: exactly one of panorama and rejection is non-null. */
  public PanoramaParser.Outcome project(Panorama p) {
    // most rows name the frame's own zone: no need to parse it again
    UtmZone own = p.utmZone().equals(frameZoneText) ? frameZone : UtmZone.parse(p.utmZone());
    if (own.sameGridAs(frameZone)) {
      return new PanoramaParser.Outcome(p.withFrame(p.utmEastingM(), p.utmNorthingM()), null);
    }
    double offsetDeg = Math.abs(angleDiffDeg(p.lonDeg(), frameZone.centralMeridianDeg()));
    if (offsetDeg > maxOffsetDeg) {
      String detail =
          String.format(
              java.util.Locale.ROOT,
              "lon %.4f is %.1f degrees from the central meridian of frame zone %s (at most %.1f"
                  + " allowed by geo.max-frame-offset-deg); mine far-apart regions separately",
              p.lonDeg(),
              offsetDeg,
              frameZone,
              maxOffsetDeg);
      return new PanoramaParser.Outcome(
          null,
          new Rejection(
              p.source(), p.rowNumber(), p.imageId(), RejectReason.OUTSIDE_FRAME, detail));
    }
    double[] en = frame.toGrid(p.latDeg(), p.lonDeg());
    return new PanoramaParser.Outcome(p.withFrame(en[0], en[1]), null);
  }

  static double angleDiffDeg(double aDeg, double bDeg) {
    double d = ((aDeg - bDeg) % 360 + 540) % 360 - 180;
    return d;
  }
}
