package org.netvlad.common.data;

import java.util.Collection;
import java.util.List;

/** The input manifest's column names, as the data contract defines them (docs/architecture.md). */
public final class ManifestColumns {
  public static final List<String> KNOWN =
      List.of(
          "image_id",
          "path",
          "lat",
          "lon",
          "utm_easting",
          "utm_northing",
          "utm_zone",
          "captured_at",
          "condition",
          "heading_deg",
          "role",
          "split");

  private ManifestColumns() {}

  /**
   * Refuses a manifest whose columns cannot identify images at all: a file-level error, not a row
   * to reject.
   */
  public static void requireIdentity(String source, Collection<String> columns) {
    for (String required : List.of("image_id", "path")) {
      if (!columns.contains(required)) {
        throw new ManifestFormatException(
            source
                + ": no '"
                + required
                + "' column; columns found: "
                + columns
                + "; a manifest needs image_id, path, and lat/lon or"
                + " utm_easting/utm_northing/utm_zone");
      }
    }
    boolean latLon = columns.contains("lat") && columns.contains("lon");
    boolean utm =
        columns.contains("utm_easting")
            && columns.contains("utm_northing")
            && columns.contains("utm_zone");
    if (!latLon && !utm) {
      throw new ManifestFormatException(
          source
              + ": no coordinate columns; columns found: "
              + columns
              + "; give lat and lon, or utm_easting, utm_northing and utm_zone");
    }
  }
}
