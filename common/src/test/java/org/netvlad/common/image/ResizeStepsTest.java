package org.netvlad.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.netvlad.common.image.ResizeSteps.Size;

/**
 * Halvings while a side is at least twice its target, then one step to the target; worked out by
 * hand.
 */
class ResizeStepsTest {
  @Test
  void theNetworksSizeNeedsNoStep() {
    assertEquals(List.of(), ResizeSteps.of(160, 120, 160, 120));
  }

  @Test
  void lessThanTwiceTheTargetOrSmallerIsOneStep() {
    assertEquals(
        List.of(new Size(160, 120)),
        ResizeSteps.of(170, 128, 160, 120),
        "today's single bilinear step");
    assertEquals(List.of(new Size(160, 120)), ResizeSteps.of(319, 239, 160, 120));
    assertEquals(List.of(new Size(160, 120)), ResizeSteps.of(80, 60, 160, 120), "upscaling");
    assertEquals(
        List.of(new Size(160, 120)),
        ResizeSteps.of(100, 200, 160, 120),
        "narrower and taller, under twice");
  }

  @Test
  void exactPowersOfTwoAreHalvingsOnly() {
    assertEquals(List.of(new Size(160, 120)), ResizeSteps.of(320, 240, 160, 120));
    assertEquals(
        List.of(new Size(320, 240), new Size(160, 120)), ResizeSteps.of(640, 480, 160, 120));
  }

  @Test
  void aPhotographHalvesDownToUnderTwiceTheTargetThenSteps() {
    // 4000: 2000, 1000, 500, 250 (< 320); 3000: 1500, 750, 375, 187 (< 240)
    assertEquals(
        List.of(
            new Size(2000, 1500),
            new Size(1000, 750),
            new Size(500, 375),
            new Size(250, 187),
            new Size(160, 120)),
        ResizeSteps.of(4000, 3000, 160, 120));
  }

  @Test
  void eachSideHalvesOnlyWhileItIsAtLeastTwiceItsTarget() {
    // 4000 x 500: the height stops at 125 after two halvings, the width goes on
    assertEquals(
        List.of(
            new Size(2000, 250),
            new Size(1000, 125),
            new Size(500, 125),
            new Size(250, 125),
            new Size(160, 120)),
        ResizeSteps.of(4000, 500, 160, 120));
    // odd sides round down, never below the target: 333 -> 166 -> 83 (< 2 x 83 = 166 at the next)
    assertEquals(List.of(new Size(166, 1), new Size(83, 1)), ResizeSteps.of(333, 1, 83, 1));
    assertEquals(List.of(new Size(1, 1)), ResizeSteps.of(3, 2, 1, 1));
  }
}
