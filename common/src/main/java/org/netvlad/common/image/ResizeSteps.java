package org.netvlad.common.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The sizes an image passes through on its way to the network's size: halvings while a side is at
 * least twice its target, then one bilinear step to the target. One bilinear step reads only the 2
 * x 2 source pixels nearest each output pixel, so a large downscale (a 4000 x 3000 photograph to
 * 160 x 120) skips most pixels and aliases; a bilinear halving averages 2 x 2 pixels, so a chain of
 * them averages nearly all. Up to twice the target, this is today's single bilinear step.
 */
public final class ResizeSteps {
  private ResizeSteps() {}

  /** A width and height. */
  public record Size(int widthPx, int heightPx) {}

  /**
   * The sizes after each step, the last the target; empty when the image has the target's size
   * already.
   */
  public static List<Size> of(int fromWidthPx, int fromHeightPx, int toWidthPx, int toHeightPx) {
    List<Size> steps = new ArrayList<>();
    int w = fromWidthPx;
    int h = fromHeightPx;
    while (w >= 2 * toWidthPx || h >= 2 * toHeightPx) {
      w = halvedTowards(w, toWidthPx);
      h = halvedTowards(h, toHeightPx);
      steps.add(new Size(w, h));
    }
    if (w != toWidthPx || h != toHeightPx) {
      steps.add(new Size(toWidthPx, toHeightPx));
    }
    return steps;
  }

  /**
   * Half a side (rounded down, so never below the target) while it is at least twice the target.
   */
  private static int halvedTowards(int sidePx, int targetPx) {
    return sidePx >= 2 * targetPx ? sidePx / 2 : sidePx;
  }
}
