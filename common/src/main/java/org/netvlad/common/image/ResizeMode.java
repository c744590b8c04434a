package org.netvlad.common.image;

import java.util.Arrays;
import java.util.List;

/**
 * Which part of an image of another size than the network's input is resized to that size (the
 * setting {@code eval.query-resize}). Geometry only; the drawing is the reader's.
 */
public enum ResizeMode {
  /** The whole image, whatever its aspect ratio (the VG benchmark's hard_resize). */
  STRETCH("stretch"),
  /** The largest centred crop of the target's aspect ratio (the VG benchmark's central_crop). */
  CENTRAL_CROP("central-crop");

  private final String settingValue;

  ResizeMode(String settingValue) {
    this.settingValue = settingValue;
  }

  /** The word the setting uses for this mode. */
  public String settingValue() {
    return settingValue;
  }

  /** Every mode's word, in declaration order. */
  public static List<String> settingValues() {
    return Arrays.stream(values()).map(ResizeMode::settingValue).toList();
  }

  /** The mode a setting's word names. */
  public static ResizeMode of(String settingValue) {
    for (ResizeMode mode : values()) {
      if (mode.settingValue.equals(settingValue)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "'" + settingValue + "' is not one of " + String.join(", ", settingValues()));
  }

  /** The part of a source image that is resized to the target size; all sizes at least 1 pixel. */
  public Rect sourceRect(
      int sourceWidthPx, int sourceHeightPx, int targetWidthPx, int targetHeightPx) {
    requirePositive(sourceWidthPx, sourceHeightPx, targetWidthPx, targetHeightPx);
    return this == STRETCH
        ? new Rect(0, 0, sourceWidthPx, sourceHeightPx)
        : centralCrop(sourceWidthPx, sourceHeightPx, targetWidthPx, targetHeightPx);
  }

  private static Rect centralCrop(
      int sourceWidthPx, int sourceHeightPx, int targetWidthPx, int targetHeightPx) {
    // cross-multiplied in long: compares aspect ratios exactly, without overflow
    long sourceWide = (long) sourceWidthPx * targetHeightPx;
    long targetWide = (long) targetWidthPx * sourceHeightPx;
    if (sourceWide
        > targetWide) { // wider than the target: keep the full height, cut left and right
      int widthPx =
          clamp(roundedRatio((long) sourceHeightPx * targetWidthPx, targetHeightPx), sourceWidthPx);
      return new Rect((sourceWidthPx - widthPx) / 2, 0, widthPx, sourceHeightPx);
    }
    // taller or the same aspect: keep the full width, cut top and bottom (nothing when the same)
    int heightPx =
        clamp(roundedRatio((long) sourceWidthPx * targetHeightPx, targetWidthPx), sourceHeightPx);
    return new Rect(0, (sourceHeightPx - heightPx) / 2, sourceWidthPx, heightPx);
  }

  /** a / b rounded half up, for positive a and b. */
  private static long roundedRatio(long a, long b) {
    return (2 * a + b) / (2 * b);
  }

  /** A crop side between 1 pixel (a sliver of a source rounds to nothing) and the source's side. */
  private static int clamp(long sidePx, int sourceSidePx) {
    return (int) Math.max(1, Math.min(sidePx, sourceSidePx));
  }

  private static void requirePositive(int... sidesPx) {
    for (int side : sidesPx) {
      if (side < 1) {
        throw new IllegalArgumentException(
            "image sides must be at least 1 pixel, got " + Arrays.toString(sidesPx));
      }
    }
  }

  /**
   * A rectangle of source pixels: left and top edges, width and height. When the margins left and
   * right (or top and bottom) differ by one pixel, the left (top) one is the smaller.
   */
  public record Rect(int xPx, int yPx, int widthPx, int heightPx) {
    /** True when this is the whole of an image of the given size. */
    public boolean isWhole(int imageWidthPx, int imageHeightPx) {
      return xPx == 0 && yPx == 0 && widthPx == imageWidthPx && heightPx == imageHeightPx;
    }
  }
}
