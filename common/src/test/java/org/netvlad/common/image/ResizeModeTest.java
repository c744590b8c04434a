package org.netvlad.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.netvlad.common.image.ResizeMode.Rect;

/**
 * The source rectangles of each mode, worked out by hand (rounding half up, the odd pixel of margin
 * on the right or bottom).
 */
class ResizeModeTest {
  private static Rect crop(
      int sourceWidthPx, int sourceHeightPx, int targetWidthPx, int targetHeightPx) {
    return ResizeMode.CENTRAL_CROP.sourceRect(
        sourceWidthPx, sourceHeightPx, targetWidthPx, targetHeightPx);
  }

  @Test
  void aWiderImageLosesItsLeftAndRightMargins() {
    // 2000 x 160 / 120 = 2666.67 -> 2667 wide; margins 1333 = 666 left + 667 right
    assertEquals(new Rect(666, 0, 2667, 2000), crop(4000, 2000, 160, 120));
    // a 16:9 phone photograph: 3024 x 4 / 3 = 4032; (5376 - 4032) / 2 = 672
    assertEquals(new Rect(672, 0, 4032, 3024), crop(5376, 3024, 160, 120));
  }

  @Test
  void aTallerImageLosesItsTopAndBottom() {
    // a portrait photograph: 3000 x 120 / 160 = 2250 high; (4000 - 2250) / 2 = 875
    assertEquals(new Rect(0, 875, 3000, 2250), crop(3000, 4000, 160, 120));
    // a square network: 480 x 480 centred in 640 x 480, and 480 x 480 in 480 x 640
    assertEquals(new Rect(80, 0, 480, 480), crop(640, 480, 224, 224));
    assertEquals(new Rect(0, 80, 480, 480), crop(480, 640, 224, 224));
  }

  @Test
  void theSameAspectOrTheExactSizeIsTheWholeImage() {
    assertEquals(new Rect(0, 0, 640, 480), crop(640, 480, 160, 120));
    assertEquals(new Rect(0, 0, 4032, 3024), crop(4032, 3024, 160, 120));
    assertEquals(new Rect(0, 0, 160, 120), crop(160, 120, 160, 120));
    assertEquals(
        new Rect(0, 0, 80, 60), crop(80, 60, 160, 120), "smaller, same aspect: upscaled whole");
  }

  @Test
  void oddSizesRoundToTheNearestPixelAndPutTheOddMarginPixelRightOrBelow() {
    // 5 x 4 / 3 = 6.67 -> 7 = the full width: 7 x 5 is the nearest 4:3 crop of itself
    assertEquals(new Rect(0, 0, 7, 5), crop(7, 5, 4, 3));
    // 11 x 5: 7 wide, margins 4 = 2 + 2
    assertEquals(new Rect(2, 0, 7, 5), crop(11, 5, 4, 3));
    // 12 x 5: 7 wide, margins 5 = 2 + 3
    assertEquals(new Rect(2, 0, 7, 5), crop(12, 5, 4, 3));
    // a 5 x 3 target in 10 x 10: 10 x 3 / 5 = 6 high, margins 4 = 2 + 2; in 10 x 11: 2 + 3
    assertEquals(new Rect(0, 2, 10, 6), crop(10, 10, 5, 3));
    assertEquals(new Rect(0, 2, 10, 6), crop(10, 11, 5, 3));
    // 7 x 7 to 3 x 2: 7 x 2 / 3 = 4.67 -> 5 high, margins 1 + 1
    assertEquals(new Rect(0, 1, 7, 5), crop(7, 7, 3, 2));
  }

  @Test
  void onePixelSidesKeepAtLeastOnePixel() {
    assertEquals(new Rect(0, 0, 1, 1), crop(1, 1, 160, 120));
    // 1 x 120 / 160 = 0.75 -> 1 high, in the middle of 100: (100 - 1) / 2 = 49
    assertEquals(new Rect(0, 49, 1, 1), crop(1, 100, 160, 120));
    // 1 x 160 / 120 = 1.33 -> 1 wide
    assertEquals(new Rect(49, 0, 1, 1), crop(100, 1, 160, 120));
    // a 1 x 1 target takes the central square
    assertEquals(new Rect(1, 0, 3, 3), crop(5, 3, 1, 1));
    // a target 1 pixel high: 4000 x 1 / 4000 = 1 high out of 3000
    assertEquals(new Rect(0, 1499, 4000, 1), crop(4000, 3000, 4000, 1));
    // a sliver narrower than half a pixel still keeps one: 1 x 1 / 4096 rounds to 0
    assertEquals(new Rect(0, 0, 1, 1), crop(1, 1, 4096, 1));
  }

  @Test
  void stretchTakesTheWholeImageWhateverItsShape() {
    for (int[] size :
        List.of(
            new int[] {4000, 2000},
            new int[] {3000, 4000},
            new int[] {1, 1},
            new int[] {160, 120},
            new int[] {7, 5})) {
      assertEquals(
          new Rect(0, 0, size[0], size[1]),
          ResizeMode.STRETCH.sourceRect(size[0], size[1], 160, 120));
    }
  }

  @Test
  void sidesBelowOnePixelAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> crop(0, 10, 4, 3));
    assertThrows(
        IllegalArgumentException.class, () -> ResizeMode.STRETCH.sourceRect(10, 10, 4, -3));
  }

  @Test
  void theSettingWordsNameTheModes() {
    assertEquals(List.of("stretch", "central-crop"), ResizeMode.settingValues());
    assertEquals(ResizeMode.CENTRAL_CROP, ResizeMode.of("central-crop"));
    assertThrows(IllegalArgumentException.class, () -> ResizeMode.of("center-crop"));
  }
}
