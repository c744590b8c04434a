package org.netvlad.common.model.dl4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * 2x2 max pooling with stride 2 over float planes in row-major order, forward and backward, in
 * plain Java; a last odd row or column is dropped (DL4J's truncate mode).
 *
 * <p>Each window pools to its largest value (NaN if it holds one). The backward pass gives the
 * window's gradient to the first of its values that equals that maximum, in the order top-left,
 * top-right, bottom-left, bottom-right, and 0 to the others, so it writes every element of the
 * input gradient. Planes are split over {@code threads} threads of the common fork-join pool.
 *
 * <p>Each pair of input rows is copied into a Java array in one bulk read, pooled there, and the
 * result written back in one bulk write; maxima come from {@link Math#max} and the backward pass
 * selects between ints, instead of branching on float comparisons, which the CPU mispredicts on
 * activations; libnd4j's {@code maxpool2d_bp} calls a {@code std::function} per window (figures:
 * docs/benchmarks.md).
 */
final class MaxPool2x2 {
  private MaxPool2x2() {}

  /** {@code out[p, i, j]} = max of the window at (2i, 2j) of plane p; out is [planes, h/2, w/2]. */
  static void forward(FloatBuffer in, FloatBuffer out, int planes, int h, int w, int threads) {
    int oh = h / 2;
    int ow = w / 2;
    forEachChunk(
        planes,
        threads,
        (from, to) -> {
          float[] rows = new float[2 * w];
          float[] pooled = new float[ow];
          for (int p = from; p < to; p++) {
            for (int i = 0; i < oh; i++) {
              in.get(p * h * w + 2 * i * w, rows, 0, 2 * w);
              for (int j = 0; j < ow; j++) {
                pooled[j] = max(rows, 2 * j, w);
              }
              out.put((p * oh + i) * ow, pooled, 0, ow);
            }
          }
        });
  }

  /**
   * {@code dIn}: each window's gradient at its maximum, 0 elsewhere (dropped rows and columns too).
   */
  static void backward(
      FloatBuffer in, FloatBuffer eps, FloatBuffer dIn, int planes, int h, int w, int threads) {
    int oh = h / 2;
    int ow = w / 2;
    forEachChunk(
        planes,
        threads,
        (from, to) -> {
          float[] rows = new float[2 * w];
          float[] grads = new float[2 * w];
          float[] pooledGrads = new float[ow];
          for (int p = from; p < to; p++) {
            for (int i = 0; i < oh; i++) {
              int top = p * h * w + 2 * i * w;
              in.get(top, rows, 0, 2 * w);
              eps.get((p * oh + i) * ow, pooledGrads, 0, ow);
              Arrays.fill(grads, 0f);
              for (int j = 0; j < ow; j++) {
                grads[2 * j + argMax(rows, 2 * j, w)] = pooledGrads[j];
              }
              dIn.put(top, grads, 0, 2 * w);
            }
            if (h % 2 == 1) {
              Arrays.fill(grads, 0f);
              dIn.put(p * h * w + (h - 1) * w, grads, 0, w);
            }
          }
        });
  }

  /**
   * The largest of the window's four values (0, 1, w, w + 1) from {@code at}; NaN if one is NaN.
   */
  private static float max(float[] rows, int at, int w) {
    return Math.max(Math.max(rows[at], rows[at + 1]), Math.max(rows[at + w], rows[at + w + 1]));
  }

  /**
   * Offset from {@code at} of the first of the window's four values (0, 1, w, w + 1) that equals
   * its maximum, in the order top-left, top-right, bottom-left, bottom-right; the bottom-right when
   * the window holds a NaN.
   */
  private static int argMax(float[] rows, int at, int w) {
    float max = max(rows, at, w);
    int best = w + 1;
    best = rows[at + w] == max ? w : best;
    best = rows[at + 1] == max ? 1 : best;
    return rows[at] == max ? 0 : best;
  }

  /**
   * Runs {@code chunk} on [from, to) ranges that split the planes over up to {@code threads}
   * threads.
   */
  private static void forEachChunk(int planes, int threads, PlaneRange chunk) {
    int chunks = Math.max(1, Math.min(threads, planes));
    if (chunks == 1) {
      chunk.run(0, planes);
      return;
    }
    IntStream.range(0, chunks)
        .parallel()
        .forEach(
            c ->
                chunk.run(
                    (int) ((long) planes * c / chunks), (int) ((long) planes * (c + 1) / chunks)));
  }

  @FunctionalInterface
  private interface PlaneRange {
    void run(int from, int to);
  }
}
