package org.netvlad.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobFailure;

/** The nightly root on a local disk: the current pointer and the deletion of old runs. */
class NightlyRootTest {
  @TempDir java.nio.file.Path dir;

  private NightlyRoot root() {
    return NightlyRoot.open(dir.toString(), new Configuration());
  }

  @Test
  void currentNamesTheRunFolderAndNeverMovesBackToAnEarlierNight() throws Exception {
    NightlyRoot root = root();
    assertNull(root.currentDate());
    assertTrue(root.moveCurrentTo("2024-05-02"));
    assertEquals("runs/2024-05-02\n", Files.readString(dir.resolve("current")));
    assertFalse(root.moveCurrentTo("2024-05-01"), "a night run again for an earlier date");
    assertEquals("2024-05-02", root.currentDate());
    assertTrue(root.moveCurrentTo("2024-05-03"));
    assertEquals("2024-05-03", root.currentDate());
  }

  @Test
  void aPointerThatNamesNoRunFolderIsRefusedNamingTheFile() throws Exception {
    Files.writeString(dir.resolve("current"), "../elsewhere\n");
    JobFailure e = assertThrows(JobFailure.class, () -> root().currentDate());
    assertEquals(
        "file:"
            + dir
            + "/current should name a run folder as runs/YYYY-MM-DD but holds '../elsewhere'; fix"
            + " or remove it",
        e.getMessage());
  }

  @Test
  void pruningKeepsTheNewestRunsTheCurrentOneTonightAndTheLastGoodNight() throws Exception {
    for (int day = 1; day <= 7; day++) {
      Files.createDirectories(dir.resolve("runs/2024-05-0" + day + "/summary"));
      Files.writeString(dir.resolve("runs/2024-05-0" + day + "/summary/nightly.json"), "{}");
    }
    Files.createDirectories(
        dir.resolve(
            "runs/.deleting-2024-04-30-x/model")); // left by a deletion that was interrupted
    Files.createDirectories(dir.resolve("runs/notes")); // not a night: left alone
    NightlyRoot root = root();
    root.moveCurrentTo("2024-05-02");
    // tonight is an earlier date run again: kept although it is not among the newest three
    assertEquals(List.of("2024-05-01", "2024-05-04"), root.prune(3, Set.of("2024-05-03")));
    assertEquals(
        List.of("2024-05-02", "2024-05-03", "2024-05-05", "2024-05-06", "2024-05-07"),
        root.dates());
    try (var left = Files.list(dir.resolve("runs"))) {
      assertEquals(
          List.of("2024-05-02", "2024-05-03", "2024-05-05", "2024-05-06", "2024-05-07", "notes"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(List.of(), root.prune(10, Set.of("2024-05-07")));

    // tonight (05-07) moved current to itself: the last good night it started from (05-02) is kept
    // with keep-runs 1, since a night started again (its summary unwritten) warm-starts from it
    // again
    root.moveCurrentTo("2024-05-07");
    assertEquals(
        List.of("2024-05-03", "2024-05-05", "2024-05-06"),
        root.prune(1, Set.of("2024-05-07", "2024-05-02")));
    assertEquals(List.of("2024-05-02", "2024-05-07"), root.dates());
  }
}
