package org.netvlad.common.model;

import java.awt.image.BufferedImage;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.netvlad.common.image.RgbImages;

/**
 * Images to network input: RGB planes {@code [3, H, W]}, each channel scaled to [0, 1] then
 * normalised with the ImageNet mean and standard deviation (as the reference implementations feed
 * VGG16), stacked into {@code [batch, 3, H, W]} float arrays.
 */
public final class ImageTensors {
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  private ImageTensors() {}

  /** One image of packed 0xRRGGBB pixels, row by row from the top, as normalised CHW floats. */
  public static float[] fromPixels(int[] rgb, int width, int height) {
    if (rgb.length != width * height) {
      throw new IllegalArgumentException(
          "expected "
              + width
              + "x"
              + height
              + " = "
              + width * height
              + " pixels, got "
              + rgb.length);
    }
    int plane = width * height;
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      out[i] = (((p >> 16) & 0xFF) / 255f - MEAN[0]) / STD[0];
      out[plane + i] = (((p >> 8) & 0xFF) / 255f - MEAN[1]) / STD[1];
      out[2 * plane + i] = ((p & 0xFF) / 255f - MEAN[2]) / STD[2];
    }
    return out;
  }

  /**
   * A decoded image of any type ({@link RgbImages}: as a viewer shows it), which must already have
   * the network's size.
   */
  public static float[] fromImage(BufferedImage image) {
    return fromPixels(RgbImages.pixels(image), image.getWidth(), image.getHeight());
  }

  /** Stacks images of one size into {@code [batch, 3, height, width]}. */
  public static INDArray batch(List<float[]> images, int width, int height) {
    int size = 3 * width * height;
    float[] all = new float[images.size() * size];
    for (int i = 0; i < images.size(); i++) {
      float[] image = images.get(i);
      if (image.length != size) {
        throw new IllegalArgumentException(
            "image " + i + " of the batch has " + image.length + " values, expected " + size);
      }
      System.arraycopy(image, 0, all, i * size, size);
    }
    return Nd4j.create(all, new long[] {images.size(), 3, height, width}, 'c')
        .castTo(DataType.FLOAT);
  }
}
