package org.netvlad.jobs.descriptors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.netvlad.common.eval.BlockTopN;

class SharedQueriesTest {
  private static final List<BlockTopN.Block> BLOCKS =
      List.of(
          new BlockTopN.Block(
              new float[][] {{1, 2}, {3, 4}}, new long[] {5, 6}, new double[2], new double[2]));

  @Test
  void tasksOfOneSearchShareTheRowsUntilTheLastReleasesThem() {
    int before = SharedQueries.open();
    SharedQueries first = SharedQueries.acquire(901, BLOCKS);
    SharedQueries second = SharedQueries.acquire(901, BLOCKS);
    assertSame(first, second);
    assertEquals(6, first.rows().get(0).index(1));
    SharedQueries other = SharedQueries.acquire(902, BLOCKS);
    assertNotSame(first, other);
    assertEquals(before + 2, SharedQueries.open());
    first.close();
    assertEquals(before + 2, SharedQueries.open(), "one task still searches with them");
    second.close();
    other.close();
    assertEquals(before, SharedQueries.open());
    // a later search with the same id makes them again
    try (SharedQueries again = SharedQueries.acquire(901, BLOCKS)) {
      assertNotSame(first, again);
    }
  }
}
