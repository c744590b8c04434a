package org.netvlad.common.model.dl4j;

import java.nio.FloatBuffer;

/**
 * The patches of a float image [channels, height, width] for a convolution with stride 1 and "same"
 * zero padding of an odd kernel [kh, kw], as a matrix [channels * kh * kw, height * width] in
 * row-major order: row (c * kh + ky) * kw + kx holds, for every output location (y, x), the input
 * value at (c, y + ky - kh / 2, x + kx - kw / 2), or 0 outside the image. A convolution's weight
 * gradient for one image is then the product of its deltas [out channels, height * width] and this
 * matrix's transpose.
 *
 * <p>Each row is the image plane shifted, so it is written as whole row segments.
 */
final class Im2Col {
  private Im2Col() {}

  /** Writes the patches of {@code image} to {@code patches} (from its position 0). */
  static void sameStride1(
      float[] image, int channels, int height, int width, int kh, int kw, FloatBuffer patches) {
    if (kh % 2 == 0 || kw % 2 == 0) {
      throw new IllegalArgumentException(
          "kernel " + kh + "x" + kw + ": only odd kernel sizes have a centred \"same\" padding");
    }
    float[] zeros = new float[width];
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int dx = kx - kw / 2;
          int patchRow = ((c * kh + ky) * kw + kx) * plane;
          // the output columns x whose input column x + dx lies inside the image
          int from = Math.max(0, -dx);
          int to = Math.min(width, width - dx);
          for (int y = 0; y < height; y++) {
            int at = patchRow + y * width;
            int sourceY = y + ky - kh / 2;
            if (sourceY < 0 || sourceY >= height || from >= to) {
              patches.put(at, zeros, 0, width);
              continue;
            }
            patches.put(at, zeros, 0, from);
            patches.put(at + from, image, (c * height + sourceY) * width + from + dx, to - from);
            patches.put(at + to, zeros, 0, width - to);
          }
        }
      }
    }
  }
}
