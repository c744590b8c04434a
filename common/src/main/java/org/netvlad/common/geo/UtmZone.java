package org.netvlad.common.geo;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UTM zone with its latitude band, written as in the datasets: {@code 17T}, {@code 54S}, {@code
 * 56H}.
 *
 * <p>The letter is the MGRS latitude band (C..X without I and O): bands C to M are south of the
 * equator, N to X north of it. So {@code 33S} is band S of zone 33 (Sicily, northern hemisphere),
 * not "zone 33 south".
 *
 * @param number the zone number, 1 to 60
 * @param band the latitude band letter, upper case
 */
public record UtmZone(int number, char band) implements Serializable {
  private static final Pattern FORM =
      Pattern.compile("\\s*(\\d{1,2})\\s*([C-HJ-NP-Xc-hj-np-x])\\s*");
  private static final String BANDS = "CDEFGHJKLMNPQRSTUVWX";

  public UtmZone {
    if (number < 1 || number > 60) {
      throw new IllegalArgumentException("UTM zone number must be 1..60, got " + number);
    }
    if (BANDS.indexOf(band) < 0) {
      throw new IllegalArgumentException(
          "UTM latitude band must be one of " + BANDS + ", got " + band);
    }
  }

  /**
   * Parses {@code 17T}-style text.
   *
   * @throws IllegalArgumentException when the text is not a zone and band
   */
  public static UtmZone parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a UTM zone with latitude band such as 17T");
    }
    return new UtmZone(Integer.parseInt(m.group(1)), m.group(2).toUpperCase(Locale.ROOT).charAt(0));
  }

  /** The zone and band that contain a WGS84 position, with the Norway and Svalbard exceptions. */
  public static UtmZone containing(double latDeg, double lonDeg) {
    if (!(latDeg >= -80 && latDeg <= 84)) {
      throw new IllegalArgumentException(
          "latitude " + latDeg + " is outside UTM's -80..84 degrees");
    }
    double lon = normaliseLon(lonDeg);
    int number = (int) Math.floor((lon + 180) / 6) + 1;
    if (number > 60) {
      number = 60;
    }
    char band = bandOf(latDeg);
    if (band == 'V' && number == 31 && lon >= 3) {
      number = 32;
    }
    if (band == 'X' && lon >= 0 && lon < 42) {
      if (lon < 9) {
        number = 31;
      } else if (lon < 21) {
        number = 33;
      } else if (lon < 33) {
        number = 35;
      } else {
        number = 37;
      }
    }
    return new UtmZone(number, band);
  }

  /** The latitude band letter of a latitude in -80..84 degrees. */
  public static char bandOf(double latDeg) {
    int index = (int) Math.floor((latDeg + 80) / 8);
    return BANDS.charAt(Math.max(0, Math.min(BANDS.length() - 1, index)));
  }

  public boolean isNorth() {
    return band >= 'N';
  }

  /** Longitude of the zone's central meridian in degrees. */
  public double centralMeridianDeg() {
    return -183 + 6 * number;
  }

  /** The southern and northern latitude limits of the band, in degrees. */
  public double bandSouthDeg() {
    return -80 + 8 * BANDS.indexOf(band);
  }

  public double bandNorthDeg() {
    return band == 'X' ? 84 : bandSouthDeg() + 8;
  }

  /** True when the two zones share a projection: same number and same hemisphere. */
  public boolean sameGridAs(UtmZone other) {
    return number == other.number && isNorth() == other.isNorth();
  }

  @Override
  public String toString() {
    return number + String.valueOf(band);
  }

  static double normaliseLon(double lonDeg) {
    double lon = ((lonDeg + 180) % 360 + 360) % 360 - 180;
    return lon == -180 && lonDeg > 0 ? 180 : lon;
  }
}
