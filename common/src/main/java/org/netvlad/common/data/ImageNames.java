package org.netvlad.common.data;

/**
 * What dataset file names say about the camera.
 *
 * <p>Pittsburgh 250k/30k names end in {@code _pitch{1,2}_yaw{1..12}.jpg}: 12 crops per panorama, 30
 * degrees apart, at two pitches. The heading is the yaw index times 30 degrees, measured from the
 * panorama's first crop.
 *
 * <p>A name is read from its end, as the regular expression {@code
 * _pitch(\d{1,3})_yaw(\d{1,3})\.[A-Za-z]+$} would find it, without a matcher per row.
 */
public final class ImageNames {
  private static final String PITCH = "_pitch";
  private static final String YAW = "_yaw";
  private static final int MAX_DIGITS = 3;

  private ImageNames() {}

  /** Heading in degrees [0, 360) encoded in the name, or null when the name encodes none. */
  public static Double headingDeg(String path) {
    long pitchYaw = pitchAndYaw(path);
    int yaw = (int) pitchYaw;
    return pitchYaw >= 0 && yaw >= 1 && yaw <= 12 ? (yaw - 1) * 30.0 : null;
  }

  /** Pitch index (1 or 2 in Pittsburgh) encoded in the name, or null. */
  public static Integer pitchIndex(String path) {
    long pitchYaw = pitchAndYaw(path);
    return pitchYaw >= 0 ? (int) (pitchYaw >>> 32) : null;
  }

  /** The pitch (high half) and yaw (low half) a name ends with, or -1 when it ends otherwise. */
  private static long pitchAndYaw(String path) {
    int dot = path.length() - 1;
    while (dot >= 0 && isAsciiLetter(path.charAt(dot))) {
      dot--;
    }
    if (dot < 0 || dot == path.length() - 1 || path.charAt(dot) != '.') {
      return -1;
    }
    int yawStart = digitsBefore(path, dot);
    if (yawStart < 0 || !path.startsWith(YAW, yawStart - YAW.length())) {
      return -1;
    }
    int pitchEnd = yawStart - YAW.length();
    int pitchStart = digitsBefore(path, pitchEnd);
    if (pitchStart < 0 || !path.startsWith(PITCH, pitchStart - PITCH.length())) {
      return -1;
    }
    long pitch = Integer.parseInt(path, pitchStart, pitchEnd, 10);
    return pitch << 32 | Integer.parseInt(path, yawStart, dot, 10);
  }

  /** Where the run of 1 to 3 ASCII digits ending before {@code end} starts, or -1. */
  private static int digitsBefore(String s, int end) {
    int start = end;
    while (start > 0 && end - start <= MAX_DIGITS && isAsciiDigit(s.charAt(start - 1))) {
      start--;
    }
    return start == end || end - start > MAX_DIGITS ? -1 : start;
  }

  private static boolean isAsciiLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
