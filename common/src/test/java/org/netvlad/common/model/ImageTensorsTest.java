package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ImageTensorsTest {
  @Test
  void planesAreRgbNormalisedWithTheImageNetStatistics() {
    // 2 x 1 image: pure red, then white
    float[] t = ImageTensors.fromPixels(new int[] {0xFF0000, 0xFFFFFF}, 2, 1);
    float[] expected = {
      (1 - 0.485f) / 0.229f, (1 - 0.485f) / 0.229f, // R plane
      (0 - 0.456f) / 0.224f, (1 - 0.456f) / 0.224f, // G plane
      (0 - 0.406f) / 0.225f, (1 - 0.406f) / 0.225f // B plane
    };
    assertArrayEquals(expected, t, 1e-6f);
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xFF0000);
    image.setRGB(1, 0, 0xFFFFFF);
    assertArrayEquals(expected, ImageTensors.fromImage(image), 1e-6f);
  }

  @Test
  void batchesStackImagesInOrderAndRefuseOtherSizes() {
    float[] a =
        ImageTensors.fromPixels(
            new int[] {0x000000, 0x101010, 0x202020, 0x303030, 0x404040, 0x505050}, 3, 2);
    float[] b =
        ImageTensors.fromPixels(
            new int[] {0xFFFFFF, 0xEEEEEE, 0xDDDDDD, 0xCCCCCC, 0xBBBBBB, 0xAAAAAA}, 3, 2);
    INDArray batch = ImageTensors.batch(List.of(a, b), 3, 2);
    assertArrayEquals(new long[] {2, 3, 2, 3}, batch.shape());
    assertEquals(b[7], batch.getFloat(1, 1, 0, 1), 0f); // G plane, row 0, column 1
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageTensors.batch(List.of(a, new float[5]), 3, 2));
    assertEquals("image 1 of the batch has 5 values, expected 18", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageTensors.fromPixels(new int[5], 3, 2));
  }
}
