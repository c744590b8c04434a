package org.netvlad.common.render;

import java.time.LocalDate;

/** Sun, sky and season of one capture date and hour. */
final class Lighting {
  private static final double NIGHT_BELOW_DEG = -4;
  private static final double DUSK_BELOW_DEG = 8;

  final double sunEastX;
  final double sunNorthY;
  final double sunElevationDeg;
  final boolean night;
  final double ambient;
  final double sunStrength;
  final float[] skyHorizon;
  final float[] skyZenith;
  final float[] vegetation;
  final double foliageHoles;

  Lighting(LocalDate date, double hour) {
    int day = date.getDayOfYear();
    double summer = Math.cos(2 * Math.PI * (day - 172) / 365.0); // 1 at midsummer, -1 midwinter
    double maxElevation = 47 + 23 * summer;
    sunElevationDeg = maxElevation * Math.sin(Math.PI * (hour - 6) / 12);
    double azimuth = Math.toRadians(180 + (hour - 12) * 15);
    sunEastX = Math.sin(azimuth);
    sunNorthY = Math.cos(azimuth);
    night = sunElevationDeg < NIGHT_BELOW_DEG;
    boolean dusk = !night && sunElevationDeg < DUSK_BELOW_DEG;
    double e = Math.max(0, Math.sin(Math.toRadians(sunElevationDeg)));
    ambient = night ? 0.10 : dusk ? 0.35 : 0.45;
    sunStrength = night ? 0 : 0.15 + 0.55 * e;
    if (night) {
      skyHorizon = rgb(0.10f, 0.10f, 0.18f);
      skyZenith = rgb(0.01f, 0.01f, 0.05f);
    } else if (dusk) {
      skyHorizon = rgb(0.95f, 0.55f, 0.30f);
      skyZenith = rgb(0.25f, 0.25f, 0.50f);
    } else {
      skyHorizon = rgb(0.78f, 0.86f, 0.95f);
      skyZenith = rgb(0.30f, 0.50f, 0.85f);
    }
    if (day < 80 || day >= 335) { // winter: bare branches
      vegetation = rgb(0.35f, 0.28f, 0.22f);
      foliageHoles = 0.75;
    } else if (day < 150) { // spring
      vegetation = rgb(0.50f, 0.75f, 0.30f);
      foliageHoles = 0.30;
    } else if (day < 260) { // summer
      vegetation = rgb(0.18f, 0.45f, 0.15f);
      foliageHoles = 0.15;
    } else { // autumn
      vegetation = rgb(0.80f, 0.45f, 0.12f);
      foliageHoles = 0.35;
    }
  }

  /** day, dusk or night: how this light is drawn. */
  String condition() {
    return night ? "night" : sunElevationDeg < DUSK_BELOW_DEG ? "dusk" : "day";
  }

  /** Brightness of a vertical surface whose outward normal is (nx, ny). */
  double shade(double nx, double ny) {
    double facing = Math.max(0, nx * sunEastX + ny * sunNorthY);
    return ambient + sunStrength * facing * Math.cos(Math.toRadians(Math.max(0, sunElevationDeg)));
  }

  private static float[] rgb(float r, float g, float b) {
    return new float[] {r, g, b};
  }
}
