package org.netvlad.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A night is flagged when its Recall@N falls more than the allowed drop below the last good
 * model's.
 */
class RecallVerdictTest {
  private static Map<String, Object> evaluation(double r5) {
    return Map.of("recall_at", Map.of("1", 0.1, "5", r5, "10", 0.9));
  }

  @Test
  void flaggedOnlyPastTheAllowedDrop() {
    RecallVerdict worse = RecallVerdict.of(5, evaluation(0.50), evaluation(0.55), 0.02);
    assertTrue(worse.flagged());
    assertEquals(0.05, worse.drop(), 1e-12);
    assertEquals(
        "Recall@5 0.500 tonight, 0.550 by the last good model on the same split: down 5.0 points,"
            + " more than the 2.0 allowed (nightly.max-recall-drop): flagged",
        worse.describe());
    // 2 points down of 2 allowed: 0.55 - 0.53 is 0.020000000000000018 in doubles, and still passes
    assertFalse(RecallVerdict.of(5, evaluation(0.53), evaluation(0.55), 0.02).flagged());
    assertFalse(RecallVerdict.of(5, evaluation(0.70), evaluation(0.55), 0.02).flagged());
    assertTrue(
        RecallVerdict.of(5, evaluation(0.54), evaluation(0.55), 0.0).flagged(),
        "no drop allowed at all");
  }

  @Test
  void aFirstNightIsNeverFlagged() {
    RecallVerdict first = RecallVerdict.of(5, evaluation(0.10), null, 0.0);
    assertFalse(first.flagged());
    assertNull(first.toMap().get("drop"));
    assertEquals("Recall@5 0.100; no last good night to compare with", first.describe());
  }
}
