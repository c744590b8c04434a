package org.netvlad.common.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The hashes decide rendered cities, PCA samples, negatives and training order: pinned to their
 * values.
 */
class HashTest {
  @Test
  void valuesAreThoseTheRendererAndTrainingHaveAlwaysDrawn() {
    assertEquals(-4923838342635654346L, Hash.mix(0x1234L));
    assertEquals(2820384354626331986L, Hash.of(42, 7));
    assertEquals(7466247984267647040L, Hash.of(1, 2, 3));
    assertEquals(8512364552142071948L, Hash.of(1, 2, 3, 4));
    assertEquals(0.7138577247376192, Hash.unit(5));
    assertEquals(4279438529407796034L, Hash.ofId(42, 3, "q123"));
    assertEquals(3669272962703547344L, Hash.ofId(0, -1, "17"));
    assertEquals(-1738012807580057067L, Hash.ofId(7, 0, ""));
  }
}
