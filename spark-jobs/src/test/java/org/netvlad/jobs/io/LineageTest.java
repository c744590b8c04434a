package org.netvlad.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.cli.JobFailure;

/**
 * What counts as a change since a job finished: another upstream id, another input, another setting
 * the job reads.
 */
class LineageTest {
  @Test
  void changesAreNamedAndUnknownsAreNotCompared() {
    Map<String, String> now =
        new LinkedHashMap<>(
            PipelineConfig.load("", "t", List.of("train.epochs=4", "eval.pca=false")).asText());
    Map<String, String> then =
        new LinkedHashMap<>(PipelineConfig.load("", "t", List.of("train.epochs=2")).asText());
    then.remove("train.patience"); // a setting newer than the finished run: it had its default then
    assertEquals(
        List.of("train.epochs (finished with 2, now 4)"),
        Lineage.changedSettings(then, now, k -> k.startsWith("train.")));

    Map<String, String> upstreamNow = new HashMap<>();
    upstreamNow.put("mine-tuples", "b");
    upstreamNow.put("train-netvlad", null); // unknown now: not compared
    assertEquals(
        List.of(
            "the outputs of mine-tuples changed since (mine-tuples was run again: id a then, b"
                + " now)"),
        Lineage.changedUpstream(Map.of("mine-tuples", "a", "train-netvlad", "t"), upstreamNow));
    assertEquals(
        List.of(),
        Lineage.changedUpstream(null, upstreamNow),
        "a summary from before ids were recorded");

    Map<String, Object> finished = new HashMap<>(Lineage.fields("x", Map.of("mine-tuples", "a")));
    finished.put("settings", then);
    finished.put("inputs", List.of("m.csv"));
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () ->
                Lineage.requireUpToDate(
                    "train-netvlad",
                    new Path("/runs/r"),
                    finished,
                    upstreamNow,
                    Map.of("inputs", List.of("n.csv")),
                    now,
                    k -> k.startsWith("train.")));
    assertEquals(
        "train-netvlad already finished in /runs/r, but not with this request: the outputs of"
            + " mine-tuples changed since (mine-tuples was run again: id a then, b now); inputs"
            + " (finished with [m.csv], now [n.csv]); train.epochs (finished with 2, now 4). Run it"
            + " as it finished to get its summary, or with --overwrite to redo it",
        e.getMessage());
  }
}
