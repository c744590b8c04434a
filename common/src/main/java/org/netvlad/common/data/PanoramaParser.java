package org.netvlad.common.data;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.netvlad.common.geo.Projections;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;

/**
 * Turns one {@link RawRow} of a manifest into a {@link Panorama}, or says why it cannot.
 *
 * <p>Positions come as WGS84 {@code lat}/{@code lon} (degrees) or as {@code utm_easting}, {@code
 * utm_northing} (metres) and {@code utm_zone} (e.g. {@code 17T}), or both, in which case they must
 * agree within {@link #MAX_DISAGREEMENT_M}. The mining-frame coordinates are left NaN: {@link
 * FrameProjector} sets them once the frame zone is known. Not thread-safe.
 */
public final class PanoramaParser {
  private static final int MAX_CONDITION_CHARS = 40;

  /** Largest distance between a row's lat/lon and its UTM position before it is refused. */
  public static final double MAX_DISAGREEMENT_M = 5.0;

  /** Accepted UTM band tolerance: positions this far past their band's edge are still accepted. */
  private static final double BAND_TOLERANCE_DEG = 0.5;

  private final Role defaultRole;
  private final Split defaultSplit;
  private final ImagePaths imagePaths;
  private final Projections projections = new Projections();
  // Rows of one input mostly name the same zone: its text is parsed once per run of equal texts.
  private String lastZoneText;
  private UtmZone lastZone;

  /**
   * @param imagePaths where image paths may point; rows pointing elsewhere are rejected
   */
  public PanoramaParser(Role defaultRole, Split defaultSplit, ImagePaths imagePaths) {
    this.defaultRole = defaultRole;
    this.defaultSplit = defaultSplit;
    this.imagePaths = imagePaths;
  }

  /**
   * The UTM zone a row claims or lies in, cheaply and without projecting; null when the row has no
   * usable position. Used to pick the mining frame before rows are parsed in full.
   */
  public static String zoneOf(RawRow row) {
    if (row.malformed() != null) {
      return null;
    }
    try {
      if (row.field("utm_zone") != null) {
        return UtmZone.parse(row.field("utm_zone")).toString();
      }
      if (row.field("lat") != null && row.field("lon") != null) {
        return UtmZone.containing(
                Double.parseDouble(row.field("lat")), Double.parseDouble(row.field("lon")))
            .toString();
      }
    } catch (IllegalArgumentException e) {
      return null; // includes NumberFormatException; the full parse says why
    }
    return null;
  }

  /** The outcome for one row: exactly one of panorama and rejection is non-null. */
  public record Outcome(Panorama panorama, Rejection rejection) {}

  public Outcome parse(RawRow row) {
    try {
      return new Outcome(parseOrThrow(row), null);
    } catch (Rejected r) {
      return new Outcome(null, Rejection.of(row, r.reason, r.getMessage()));
    }
  }

  private Panorama parseOrThrow(RawRow row) {
    if (row.malformed() != null) {
      throw new Rejected(row.malformedReason(), row.malformed());
    }
    String imageId = row.field("image_id");
    if (imageId == null) {
      throw new Rejected(RejectReason.MISSING_IMAGE_ID, "image_id is empty");
    }
    String path = row.field("path");
    if (path == null) {
      throw new Rejected(RejectReason.MISSING_PATH, "path is empty");
    }
    String outside = imagePaths.problem(path);
    if (outside != null) {
      throw new Rejected(RejectReason.PATH_OUTSIDE_IMAGE_ROOT, outside);
    }
    Role role = defaultRole;
    if (row.field("role") != null) {
      role = Role.parseOrNull(row.field("role"));
      if (role == null) {
        throw new Rejected(
            RejectReason.UNKNOWN_ROLE, "role '" + row.field("role") + "' is not database or query");
      }
    }
    Split split = defaultSplit;
    if (row.field("split") != null) {
      split = Split.parseOrNull(row.field("split"));
      if (split == null) {
        throw new Rejected(
            RejectReason.UNKNOWN_SPLIT,
            "split '" + row.field("split") + "' is not train, val or test");
      }
    }
    LocalDate capturedAt = parseDate(row.value("captured_at"));
    String condition = parseCondition(row.field("condition"));
    Double headingDeg = parseHeading(row.value("heading_deg"), path);
    Position p = position(row);
    return new Panorama(
        imageId,
        path,
        role,
        split,
        capturedAt,
        condition,
        headingDeg,
        ImageNames.pitchIndex(path),
        p.latDeg,
        p.lonDeg,
        p.zone.toString(),
        p.eastingM,
        p.northingM,
        Double.NaN,
        Double.NaN,
        row.source(),
        row.rowNumber());
  }

  private record Position(
      double latDeg, double lonDeg, UtmZone zone, double eastingM, double northingM) {}

  private Position position(RawRow row) {
    boolean hasLatLon = row.has("lat") || row.has("lon");
    boolean hasUtm = row.has("utm_easting") || row.has("utm_northing") || row.has("utm_zone");
    if (!hasLatLon && !hasUtm) {
      throw new Rejected(
          RejectReason.MISSING_COORDINATES,
          "neither lat/lon nor utm_easting/utm_northing/utm_zone is given");
    }
    Position fromLatLon = hasLatLon ? fromLatLon(row) : null;
    Position fromUtm = hasUtm ? fromUtm(row) : null;
    if (fromLatLon != null && fromUtm != null) {
      double[] en = projections.of(fromUtm.zone).toGrid(fromLatLon.latDeg, fromLatLon.lonDeg);
      double gapM = Math.hypot(en[0] - fromUtm.eastingM, en[1] - fromUtm.northingM);
      if (!(gapM <= MAX_DISAGREEMENT_M)) {
        throw new Rejected(
            RejectReason.CONFLICTING_COORDINATES,
            String.format(
                java.util.Locale.ROOT,
                "lat/lon and UTM position are %.1f m apart (at most %.0f m allowed)",
                gapM,
                MAX_DISAGREEMENT_M));
      }
      return fromUtm;
    }
    return fromLatLon != null ? fromLatLon : fromUtm;
  }

  private Position fromLatLon(RawRow row) {
    double lat = coordinate(row, "lat");
    double lon = coordinate(row, "lon");
    if (lat < -90 || lat > 90) {
      throw new Rejected(RejectReason.LATITUDE_OUT_OF_RANGE, "lat " + lat + " is outside -90..90");
    }
    if (lat < -80 || lat > 84) {
      throw new Rejected(
          RejectReason.LATITUDE_OUT_OF_RANGE,
          "lat " + lat + " is outside UTM's coverage, -80..84 degrees");
    }
    if (lon < -180 || lon > 180) {
      throw new Rejected(
          RejectReason.LONGITUDE_OUT_OF_RANGE, "lon " + lon + " is outside -180..180");
    }
    UtmZone zone = UtmZone.containing(lat, lon);
    double[] en = projections.of(zone).toGrid(lat, lon);
    return new Position(lat, lon, zone, en[0], en[1]);
  }

  private UtmZone zone(String text) {
    if (!text.equals(lastZoneText)) {
      try {
        lastZone = UtmZone.parse(text);
      } catch (IllegalArgumentException e) {
        throw new Rejected(RejectReason.BAD_UTM_ZONE, e.getMessage());
      }
      lastZoneText = text;
    }
    return lastZone;
  }

  private Position fromUtm(RawRow row) {
    String zoneText = row.field("utm_zone");
    if (zoneText == null) {
      throw new Rejected(RejectReason.MISSING_COORDINATES, "utm_zone is empty");
    }
    UtmZone zone = zone(zoneText);
    double easting = coordinate(row, "utm_easting");
    double northing = coordinate(row, "utm_northing");
    if (easting <= 0 || easting >= 1_000_000 || northing < 0 || northing > 10_000_000) {
      throw new Rejected(
          RejectReason.UTM_OUT_OF_RANGE,
          "utm_easting "
              + easting
              + " / utm_northing "
              + northing
              + " is outside a UTM grid (0..1,000,000 m east, 0..10,000,000 m north)");
    }
    UtmProjection projection = projections.of(zone);
    double[] latLon = projection.toLatLon(easting, northing);
    if (latLon[0] < zone.bandSouthDeg() - BAND_TOLERANCE_DEG
        || latLon[0] > zone.bandNorthDeg() + BAND_TOLERANCE_DEG) {
      throw new Rejected(
          RejectReason.UTM_BAND_MISMATCH,
          String.format(
              java.util.Locale.ROOT,
              "utm_northing %.1f in zone %s lies at latitude %.3f, outside band %c (%.0f..%.0f);"
                  + " band letters C-M are south of the equator, N-X north",
              northing,
              zone,
              latLon[0],
              zone.band(),
              zone.bandSouthDeg(),
              zone.bandNorthDeg()));
    }
    return new Position(latLon[0], latLon[1], zone, easting, northing);
  }

  private static double coordinate(RawRow row, String name) {
    Object given = row.value(name);
    if (given == null) {
      throw new Rejected(RejectReason.MISSING_COORDINATES, name + " is empty");
    }
    double value;
    try {
      value = number(given);
    } catch (NumberFormatException e) {
      throw new Rejected(RejectReason.NOT_A_NUMBER, name + " '" + given + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new Rejected(RejectReason.NAN_COORDINATE, name + " is " + given);
    }
    return value;
  }

  /**
   * The double a value's text parses to: a double, int or long as it is (the same number), other
   * values through their text (a float's text, "0.1", is not the float's own value).
   *
   * @throws NumberFormatException when the text is not a number
   */
  private static double number(Object value) {
    if (value instanceof Double d) {
      return d;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).doubleValue();
    }
    return Double.parseDouble(value.toString());
  }

  private static LocalDate parseDate(Object value) {
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate(); // the day its text names
    }
    if (value instanceof LocalDate date) {
      return date;
    }
    return parseDate(value == null ? null : value.toString());
  }

  private static LocalDate parseDate(String text) {
    if (text == null) {
      return null;
    }
    String day =
        text.length() > 10 && text.charAt(10) == 'T' || text.length() > 10 && text.charAt(10) == ' '
            ? text.substring(0, 10)
            : text;
    try {
      return LocalDate.parse(day);
    } catch (DateTimeParseException e) {
      throw new Rejected(
          RejectReason.BAD_CAPTURE_DATE,
          "captured_at '" + text + "' is not an ISO date such as 2015-07-01");
    }
  }

  /** A short label (letters, digits, space, . _ -): reports group queries by it. */
  private static String parseCondition(String text) {
    String problem = text == null ? null : conditionProblem(text);
    if (problem != null) {
      throw new Rejected(RejectReason.BAD_CONDITION, problem);
    }
    return text;
  }

  /**
   * Why a condition label is refused, or null when it is a short label of letters, digits, space, .
   * _ -.
   */
  public static String conditionProblem(String text) {
    if (text.length() > MAX_CONDITION_CHARS || !text.matches("[\\p{L}\\p{N} ._-]+")) {
      return "condition '"
          + text
          + "' is not a short label of letters, digits, space, '.', '_' or '-' (at most "
          + MAX_CONDITION_CHARS
          + " characters)";
    }
    return null;
  }

  private static Double parseHeading(Object given, String path) {
    if (given == null) {
      return ImageNames.headingDeg(path);
    }
    double value;
    try {
      value = number(given);
    } catch (NumberFormatException e) {
      throw new Rejected(RejectReason.BAD_HEADING, "heading_deg '" + given + "' is not a number");
    }
    if (!Double.isFinite(value)) {
      throw new Rejected(RejectReason.BAD_HEADING, "heading_deg is " + given);
    }
    return ((value % 360) + 360) % 360;
  }

  /** A row refused for a reason; carries no stack trace (it is data, not a bug). */
  private static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final RejectReason reason;

    Rejected(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}
