package org.netvlad.common.model;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * 2x2 max pooling with stride 2 over float planes in row-major order, forward and backward, in
 * plain Java; a last odd row or column is dropped (DL4J's truncate mode).
 *
 * <p>Each window's maximum is its first largest value in the order top-left, top-right,
 * bottom-left, bottom-right; the backward pass gives that element the window's gradient and the
 * others 0, so it writes every element of the input gradient. Planes are split over
 * {@code threads} threads of the common fork-join pool.
 *
 * <p>libnd4j's {@code maxpool2d_bp}, which calls a {@code std::function} per window, took 9% of a
 * training step of the default network (perf, 2 threads), its forward 4%.
 */
final class MaxPool2x2 {
  private MaxPool2x2() {}

  /** {@code out[p, i, j]} = max of the window at (2i, 2j) of plane p; out is [planes, h/2, w/2]. */
  static void forward(FloatBuffer in, FloatBuffer out, int planes, int h, int w, int threads) {
    int oh = h / 2;
    int ow = w / 2;
    forEachPlane(planes, threads, p -> {
      int outAt = p * oh * ow;
      for (int i = 0; i < oh; i++) {
        int top = p * h * w + 2 * i * w;
        for (int k = 0; k < 2 * ow; k += 2) {
          out.put(outAt++, in.get(top + k + argMax(in, top + k, w)));
        }
      }
    });
  }

  /** {@code dIn}: each window's gradient at its maximum, 0 elsewhere (dropped rows and columns too). */
  static void backward(FloatBuffer in, FloatBuffer eps, FloatBuffer dIn, int planes, int h, int w, int threads) {
    int oh = h / 2;
    int ow = w / 2;
    forEachPlane(planes, threads, p -> {
      int epsAt = p * oh * ow;
      for (int i = 0; i < oh; i++) {
        int top = p * h * w + 2 * i * w;
        for (int k = 0; k < 2 * ow; k += 2) {
          int best = argMax(in, top + k, w);
          float g = eps.get(epsAt++);
          dIn.put(top + k, best == 0 ? g : 0f);
          dIn.put(top + k + 1, best == 1 ? g : 0f);
          dIn.put(top + w + k, best == w ? g : 0f);
          dIn.put(top + w + k + 1, best == w + 1 ? g : 0f);
        }
        if (w % 2 == 1) {
          dIn.put(top + w - 1, 0f);
          dIn.put(top + 2 * w - 1, 0f);
        }
      }
      if (h % 2 == 1) {
        for (int r = p * h * w + (h - 1) * w; r < (p + 1) * h * w; r++) {
          dIn.put(r, 0f);
        }
      }
    });
  }

  /**
   * Offset from {@code at} of the first largest of the window's four values (0, 1, w, w + 1):
   * top-left, top-right, bottom-left, bottom-right.
   */
  private static int argMax(FloatBuffer in, int at, int w) {
    int best = 0;
    float max = in.get(at);
    if (in.get(at + 1) > max) {
      best = 1;
      max = in.get(at + 1);
    }
    if (in.get(at + w) > max) {
      best = w;
      max = in.get(at + w);
    }
    return in.get(at + w + 1) > max ? w + 1 : best;
  }

  private static void forEachPlane(int planes, int threads, java.util.function.IntConsumer plane) {
    int chunks = Math.max(1, Math.min(threads, planes));
    if (chunks == 1) {
      for (int p = 0; p < planes; p++) {
        plane.accept(p);
      }
      return;
    }
    IntStream.range(0, chunks).parallel().forEach(chunk -> {
      for (int p = (int) ((long) planes * chunk / chunks); p < (long) planes * (chunk + 1) / chunks; p++) {
        plane.accept(p);
      }
    });
  }
}
