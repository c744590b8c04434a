package org.netvlad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Mining and descriptor tasks come in whole waves, each task near the rows-per-partition setting.
 */
class MiningPartitionsTest {
  @Test
  void tasksFillWholeWavesOfCoresAndStayNearTheirRowTarget() {
    for (int cores : new int[] {1, 2, 3, 8}) {
      for (long rows :
          new long[] {1, 999, 250_000, 1_000_000, 1_250_000, 4_000_000, 10_000_000_000L}) {
        long perTask = 250_000;
        int tasks = MineTuplesJob.partitions(rows, perTask, cores);
        String what = rows + " rows on " + cores + " cores: " + tasks + " tasks";
        assertEquals(0, tasks % cores, what);
        assertTrue(tasks >= cores, what);
        if (tasks > cores) {
          double rowsPerTask = (double) rows / tasks;
          assertTrue(rowsPerTask >= perTask * 2.0 / 3 && rowsPerTask <= perTask * 1.5, what);
        }
      }
    }
    // 1M rows on 2 cores were 5 tasks: a third wave of one task with a core idle
    assertEquals(4, MineTuplesJob.partitions(1_000_000, 250_000, 2));
    // descriptor passes spread images the same way: extract-and-evaluate's 4,768 test database
    // images were 3 tasks on 2 cores
    assertEquals(2, MineTuplesJob.partitions(4_768, 2_000, 2));
  }
}
