package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The report shows failures first, half of its examples when there are enough, the same ones for
 * the same seed.
 */
class ExampleChoiceTest {
  /** What the job does across the cluster: each side's {@code count} smallest by key. */
  private static List<String> choose(List<ExampleChoice.Candidate> all, int count) {
    List<ExampleChoice.Candidate> sorted = new ArrayList<>(all);
    sorted.sort(new ExampleChoice.ByKey());
    List<ExampleChoice.Candidate> failures =
        sorted.stream()
            .filter(ExampleChoice.Candidate::failure)
            .limit(count)
            .collect(Collectors.toList());
    List<ExampleChoice.Candidate> successes =
        sorted.stream().filter(c -> !c.failure()).limit(count).collect(Collectors.toList());
    return ExampleChoice.choose(failures, successes, count);
  }

  private static List<ExampleChoice.Candidate> queries(int failures, int successes, long seed) {
    List<ExampleChoice.Candidate> out = new ArrayList<>();
    for (int i = 0; i < failures; i++) {
      out.add(new ExampleChoice.Candidate("miss-" + i, i % 3 == 0 ? 0 : 2 + i % 19, seed));
    }
    for (int i = 0; i < successes; i++) {
      out.add(new ExampleChoice.Candidate("hit-" + i, 1, seed));
    }
    return out;
  }

  @Test
  void halfAreFailuresAndTheyComeFirst() {
    List<String> chosen = choose(queries(40, 60, 1), 12);
    assertEquals(12, chosen.size());
    assertTrue(
        chosen.subList(0, 6).stream().allMatch(id -> id.startsWith("miss-")), chosen.toString());
    assertTrue(
        chosen.subList(6, 12).stream().allMatch(id -> id.startsWith("hit-")), chosen.toString());
    assertEquals(
        4,
        choose(queries(40, 60, 1), 7).stream().filter(id -> id.startsWith("miss-")).count(),
        "an odd count leans to failures");
  }

  @Test
  void eitherSideFillsInForTheOther() {
    List<String> fewFailures = choose(queries(2, 60, 1), 12);
    assertEquals(12, fewFailures.size());
    assertEquals(
        List.of("miss-", "miss-"),
        fewFailures.subList(0, 2).stream().map(id -> id.substring(0, 5)).toList());
    List<String> fewSuccesses = choose(queries(60, 3, 1), 12);
    assertEquals(9, fewSuccesses.stream().filter(id -> id.startsWith("miss-")).count());
    assertEquals(
        5, choose(queries(2, 3, 1), 12).size(), "every query when there are fewer than asked");
    assertEquals(List.of(), choose(queries(40, 60, 1), 0));
  }

  @Test
  void theSeedDecidesNotTheOrderOfRows() {
    List<ExampleChoice.Candidate> rows = queries(200, 200, 7);
    List<String> first = choose(rows, 12);
    Collections.shuffle(rows, new Random(3));
    assertEquals(first, choose(rows, 12), "the same seed, rows in another order");
    assertNotEquals(first, choose(queries(200, 200, 8), 12), "another seed");
    assertNotEquals(
        List.of("miss-0", "miss-1", "miss-2"), first.subList(0, 3), "a draw, not the first rows");
  }
}
