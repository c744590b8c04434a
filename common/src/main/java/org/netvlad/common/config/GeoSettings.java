package org.netvlad.common.config;

import java.util.List;
import java.util.regex.Pattern;

/** Settings of the projected frame all distances are measured in. */
public final class GeoSettings {
  private GeoSettings() {}

  private static final Pattern ZONE = Pattern.compile("auto|([1-9]|[1-5][0-9]|60)[C-HJ-NP-X]");

  public static final Setting<String> FRAME_ZONE =
      Setting.text(
          "geo.frame-zone",
          "auto",
          "auto, or a UTM zone with its latitude band such as 17T",
          GeoSettings::zoneOrAuto,
          "The UTM zone whose (extended) transverse Mercator grid all distances are measured in."
              + " auto takes the zone most accepted rows lie in. Rows given in another zone are"
              + " re-projected into it, so a city that straddles a zone border loses no pair.");

  public static final Setting<Double> MAX_FRAME_OFFSET_DEG =
      Setting.decimal(
          "geo.max-frame-offset-deg",
          9,
          0.5,
          30,
          "degrees of longitude",
          "Rows farther than this from the frame zone's central meridian are rejected"
              + " (outside_frame): far from it the projected distances stretch. Mine each region on"
              + " its own when a data set spans continents.");

  static final List<Setting<?>> ALL = List.of(FRAME_ZONE, MAX_FRAME_OFFSET_DEG);

  static String zoneOrAuto(String text) {
    if (!ZONE.matcher(text.trim()).matches()) {
      throw new IllegalArgumentException("not a UTM zone");
    }
    return text.trim();
  }
}
