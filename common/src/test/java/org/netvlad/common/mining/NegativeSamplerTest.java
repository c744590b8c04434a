package org.netvlad.common.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NegativeSamplerTest {

  @Test
  void theRthNegativeIsTheRthIndexNotExcluded() {
    SplittableRandom r = new SplittableRandom(1);
    for (int trial = 0; trial < 200; trial++) {
      int size = 1 + r.nextInt(200);
      long[] excluded = r.longs(r.nextInt(size), 0, size).distinct().sorted().toArray();
      Set<Long> ex = new HashSet<>();
      Arrays.stream(excluded).forEach(ex::add);
      List<Long> negatives = new ArrayList<>();
      for (long i = 0; i < size; i++) {
        if (!ex.contains(i)) {
          negatives.add(i);
        }
      }
      for (int k = 0; k < negatives.size(); k++) {
        assertEquals(negatives.get(k), NegativeSampler.nthNegative(k, excluded));
      }
    }
  }

  @Test
  void drawsDistinctNegativesOnlyAndUniformly() {
    long[] excluded = {0, 1, 2, 5, 9};
    int[] hits = new int[10];
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 20_000; i++) {
      long[] draw = NegativeSampler.draw(10, excluded, 2, r);
      assertEquals(2, draw.length);
      assertTrue(draw[0] != draw[1]);
      for (long d : draw) {
        assertTrue(Arrays.binarySearch(excluded, d) < 0, "drew excluded " + d);
        hits[(int) d]++;
      }
    }
    // 5 negatives share 40,000 draws: 8,000 each, binomial sd about 80.
    for (int i : new int[] {3, 4, 6, 7, 8}) {
      assertEquals(8000, hits[i], 400);
    }
    assertEquals(5, NegativeSampler.draw(10, excluded, 50, r).length);
    assertFalse(NegativeSampler.draw(5, new long[] {0, 1, 2, 3, 4}, 3, r).length > 0);
  }
}
