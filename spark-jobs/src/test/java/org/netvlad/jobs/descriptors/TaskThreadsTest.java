package org.netvlad.jobs.descriptors;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TaskThreadsTest {
  @Test
  void openMpThreadsMatchingTheTaskCoresAreFine() {
    assertNull(TaskThreads.mismatch("1", 1, 8));
    assertNull(TaskThreads.mismatch(" 2 ", 2, 8));
    assertNull(TaskThreads.mismatch(null, 4, 4), "unset: OpenMP takes one per machine core");
  }

  @Test
  void moreOpenMpThreadsThanTaskCoresNameTheSettingToChange() {
    String unset = TaskThreads.mismatch(null, 1, 8);
    assertTrue(
        unset.contains("8 thread(s)")
            && unset.contains("unset")
            && unset.contains("spark.executorEnv.OMP_NUM_THREADS=1"),
        unset);
    String two = TaskThreads.mismatch("2", 1, 2);
    assertTrue(
        two.contains("2 thread(s)") && two.contains("spark.executorEnv.OMP_NUM_THREADS=1"), two);
  }
}
