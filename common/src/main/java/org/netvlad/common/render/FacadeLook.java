package org.netvlad.common.render;

import java.time.LocalDate;
import org.netvlad.common.hash.Hash;

/**
 * The appearance of one facade: base colour and material, window grid, door, shop sign and cornice,
 * as a deterministic function of the facade and the city seed. A third of facades follow one of a
 * few shared templates (repeated architecture, which makes place recognition hard); some are
 * repainted, with a new sign, from a date on.
 */
final class FacadeLook {
  private static final int TEMPLATES = 10;
  private static final float[][] PALETTE = {
    {0.62f, 0.30f, 0.24f}, {0.70f, 0.40f, 0.30f}, {0.85f, 0.80f, 0.68f}, {0.72f, 0.72f, 0.70f},
    {0.55f, 0.55f, 0.58f}, {0.90f, 0.88f, 0.82f}, {0.78f, 0.66f, 0.46f}, {0.50f, 0.60f, 0.66f},
    {0.82f, 0.70f, 0.72f}, {0.40f, 0.42f, 0.38f}, {0.92f, 0.84f, 0.55f}, {0.60f, 0.70f, 0.55f},
  };

  final float[] base = new float[3];
  final float[] window = new float[3];
  final float[] sign = new float[3];
  final double floorM;
  final double windowSpacingM;
  final double windowWidth;
  final double windowHeight;
  final double texture;
  final double doorAtM;
  final boolean hasSign;
  final int signStripes;
  final long windowSeed;

  FacadeLook(long citySeed, long facadeId, LocalDate date) {
    boolean shared = Hash.unit(Hash.of(facadeId, 1)) < 0.33;
    long style =
        shared
            ? Hash.of(citySeed, 77, (long) (Hash.unit(Hash.of(facadeId, 2)) * TEMPLATES))
            : facadeId;
    long renovation = Hash.of(facadeId, 3);
    boolean renovated =
        Hash.unit(renovation) < 0.25
            && date.toEpochDay()
                >= LocalDate.of(2009, 1, 1).toEpochDay()
                    + (long) (Hash.unit(Hash.of(renovation, 1)) * 2200);
    long paint = renovated ? Hash.of(renovation, 2) : style;
    set(
        base,
        PALETTE[(int) (Hash.unit(Hash.of(paint, 4)) * PALETTE.length)],
        0.85 + 0.3 * Hash.unit(Hash.of(paint, 5)));
    float glass = (float) (0.15 + 0.25 * Hash.unit(Hash.of(style, 6)));
    window[0] = glass;
    window[1] = glass + 0.05f;
    window[2] = glass + 0.12f;
    floorM = 3.0 + 0.8 * Hash.unit(Hash.of(style, 7));
    windowSpacingM = 2.2 + 2.5 * Hash.unit(Hash.of(style, 8));
    windowWidth = 0.35 + 0.35 * Hash.unit(Hash.of(style, 9));
    windowHeight = 0.35 + 0.35 * Hash.unit(Hash.of(style, 10));
    texture = 0.04 + 0.12 * Hash.unit(Hash.of(style, 11));
    doorAtM = 2 + 8 * Hash.unit(Hash.of(facadeId, 12));
    long signSeed = renovated ? Hash.of(renovation, 13) : facadeId;
    hasSign = Hash.unit(Hash.of(signSeed, 14)) < 0.45;
    set(sign, PALETTE[(int) (Hash.unit(Hash.of(signSeed, 15)) * PALETTE.length)], 1.1);
    sign[(int) (Hash.unit(Hash.of(signSeed, 16)) * 3)] = 0.9f;
    signStripes = 1 + (int) (Hash.unit(Hash.of(signSeed, 17)) * 6);
    windowSeed = Hash.of(facadeId, 18);
  }

  /**
   * Colour at a point of the facade, before lighting.
   *
   * @param uM metres along the facade
   * @param zM metres above the street
   * @param topM the facade's height
   * @param night whether lit windows show
   * @param litSeed seeds which windows are lit on this capture
   * @param out receives r, g, b; returns the emitted light (lit windows) as 1, else 0
   */
  int colour(double uM, double zM, double topM, boolean night, long litSeed, float[] out) {
    if (zM > topM - 0.6) { // cornice
      set(out, base, 0.7);
      return 0;
    }
    if (zM < 3.2 && Math.abs(uM - doorAtM) < 0.7 && zM < 2.3) { // door
      out[0] = base[0] * 0.35f;
      out[1] = base[1] * 0.30f;
      out[2] = base[2] * 0.28f;
      return 0;
    }
    if (hasSign && zM > 3.0 && zM < 3.9) { // shop sign band
      boolean stripe = ((int) Math.floor(uM * signStripes / 3.0) & 1) == 0;
      set(out, sign, stripe ? 1.0 : 0.6);
      return 0;
    }
    double floorPos = zM / floorM;
    long floor = (long) Math.floor(floorPos);
    double columnPos = uM / windowSpacingM;
    long column = (long) Math.floor(columnPos);
    double fy = floorPos - floor;
    double fx = columnPos - column;
    boolean inWindow =
        floor >= 1 && Math.abs(fx - 0.5) < windowWidth / 2 && Math.abs(fy - 0.5) < windowHeight / 2;
    if (inWindow) {
      if (night && Hash.unit(Hash.of(windowSeed, column, floor, litSeed)) < 0.35) {
        out[0] = 1.0f;
        out[1] = 0.85f;
        out[2] = 0.50f;
        return 1;
      }
      set(out, window, 1);
      return 0;
    }
    double grain =
        (Hash.unit(Hash.of(windowSeed, (long) Math.floor(uM * 4), (long) Math.floor(zM * 4))) - 0.5)
            * texture;
    set(out, base, 1 + grain);
    return 0;
  }

  private static void set(float[] out, float[] c, double k) {
    out[0] = (float) (c[0] * k);
    out[1] = (float) (c[1] * k);
    out[2] = (float) (c[2] * k);
  }
}
