package org.netvlad.common.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What dataset file names say about the camera.
 *
 * <p>Pittsburgh 250k/30k names end in {@code _pitch{1,2}_yaw{1..12}.jpg}: 12 crops per panorama,
 * 30 degrees apart, at two pitches. The heading is the yaw index times 30 degrees, measured from the
 * panorama's first crop.
 */
public final class ImageNames {
  private static final Pattern PITTSBURGH = Pattern.compile("_pitch(\\d{1,3})_yaw(\\d{1,3})\\.[A-Za-z]+$");

  private ImageNames() {}

  /** Heading in degrees [0, 360) encoded in the name, or null when the name encodes none. */
  public static Double headingDeg(String path) {
    Matcher m = PITTSBURGH.matcher(path);
    if (m.find()) {
      int yaw = Integer.parseInt(m.group(2));
      if (yaw >= 1 && yaw <= 12) {
        return (yaw - 1) * 30.0;
      }
    }
    return null;
  }

  /** Pitch index (1 or 2 in Pittsburgh) encoded in the name, or null. */
  public static Integer pitchIndex(String path) {
    Matcher m = PITTSBURGH.matcher(path);
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }
}
