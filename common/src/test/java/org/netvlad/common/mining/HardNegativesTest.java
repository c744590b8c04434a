package org.netvlad.common.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HardNegativesTest {
  @Test
  void handWorkedWithTiesAndFewerViolatorsThanWanted() {
    // best positive at d² 0.5, margin 0.1: violators are d² < 0.6
    double[] d2 = {0.7, 0.2, 0.55, 0.2, 0.6, 0.0};
    assertArrayEquals(new int[] {5, 1, 3, 2}, HardNegatives.select(d2, 0.5, 0.1, 10));
    assertArrayEquals(new int[] {5, 1}, HardNegatives.select(d2, 0.5, 0.1, 2));
    assertArrayEquals(new int[] {}, HardNegatives.select(d2, -1, 0.1, 10));
    assertEquals(1, HardNegatives.bestPositive(new double[] {0.3, 0.1, 0.1}));
  }

  @Test
  void equalsABruteForceChoiceOnRandomDistances() {
    Random random = new Random(9);
    for (int trial = 0; trial < 200; trial++) {
      double[] d2 = tiedDistances(random);
      double positive = random.nextInt(8) / 4.0;
      int keep = 1 + random.nextInt(12);
      // brute force: repeatedly take the smallest remaining violating distance, lowest index first
      List<Integer> expected = new ArrayList<>();
      boolean[] used = new boolean[d2.length];
      while (expected.size() < keep) {
        int pick = -1;
        for (int i = 0; i < d2.length; i++) {
          if (!used[i] && d2[i] < positive + 0.1 && (pick < 0 || d2[i] < d2[pick])) {
            pick = i;
          }
        }
        if (pick < 0) {
          break;
        }
        used[pick] = true;
        expected.add(pick);
      }
      assertArrayEquals(
          expected.stream().mapToInt(Integer::intValue).toArray(),
          HardNegatives.select(d2, positive, 0.1, keep));
    }
  }

  /**
   * A tuple's negatives begin with the violating ones, then the nearest others, whatever the
   * positive.
   */
  @Test
  void aTuplesNegativesAreTheViolatingOnesThenTheNearestOthers() {
    Random random = new Random(11);
    for (int trial = 0; trial < 200; trial++) {
      double[] d2 = tiedDistances(random);
      double positive = random.nextInt(8) / 4.0;
      int keep = 1 + random.nextInt(12);
      int[] tuple = HardNegatives.forTuple(d2, keep);
      int[] violating = HardNegatives.select(d2, positive, 0.1, keep);
      assertEquals(Math.min(keep, d2.length), tuple.length);
      assertArrayEquals(
          violating, java.util.Arrays.copyOf(tuple, violating.length), "violating ones first");
      java.util.Set<Integer> chosen = new java.util.HashSet<>();
      for (int i : tuple) {
        chosen.add(i);
      }
      for (int i = 0; i < d2.length; i++) { // no candidate left out is nearer than one taken
        for (int t : tuple) {
          assertTrue(
              chosen.contains(i) || d2[i] > d2[t] || d2[i] == d2[t] && i > t,
              "left out " + i + ", took " + t);
        }
      }
    }
  }

  /** Up to 29 squared distances in steps of 0.25 below 2: many exact ties. */
  private static double[] tiedDistances(Random random) {
    double[] d2 = new double[random.nextInt(30)];
    for (int i = 0; i < d2.length; i++) {
      d2[i] = random.nextInt(8) / 4.0;
    }
    return d2;
  }
}
