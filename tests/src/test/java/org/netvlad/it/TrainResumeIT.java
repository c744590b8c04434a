package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.cli.JobMain;

/**
 * A train-netvlad run killed in the middle of an epoch (the whole spark-submit process, as a crash
 * or a pre-empted driver would) and started again resumes from its newest checkpoint and finishes
 * with the same number of epochs and the same parameters as an uninterrupted run with the same seed
 * (one worker: the run is deterministic).
 */
class TrainResumeIT extends SparkTestBase {
  static final List<String> SETTINGS =
      List.of(
          "model.width-px=64",
          "model.height-px=48",
          "model.clusters=16",
          "model.init-images=60",
          "train.epochs=2",
          "train.workers=1",
          "train.negative-candidates=60",
          "train.negatives-per-tuple=4",
          "train.tuples-per-batch=2",
          "train.averaging-frequency=1",
          "train.optimizer=adam",
          "train.max-queries-per-epoch=24");

  @TempDir Path dir;

  @Test
  void aKilledRunResumesAndEndsAsAnUninterruptedOne() throws Exception {
    String a = dir.resolve("a").toUri().toString();
    RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            a,
            null,
            PipelineConfig.load(
                "", "t", List.of("render.images=400", "render.width-px=64", "render.height-px=48")),
            false));
    Jobs.mineCity(spark, a);
    Path b = dir.resolve("b");
    copyTree(dir.resolve("a"), b, "city");

    Process uninterrupted = start(dir.resolve("a"));
    assertTrue(uninterrupted.waitFor(10, TimeUnit.MINUTES));
    assertEquals(0, uninterrupted.exitValue(), Files.readString(dir.resolve("a.err")));

    Process killed = start(b);
    // Killed as soon as epoch 2 starts, not after a fixed sleep: its 12 rounds (a Spark job and an
    // averaging each) take seconds.
    waitForLine(killed, "epoch 2: training on");
    killed.descendants().forEach(ProcessHandle::destroyForcibly);
    killed.destroyForcibly();
    killed.waitFor(1, TimeUnit.MINUTES);
    assertTrue(
        Files.isDirectory(b.resolve("model/epoch=1")), "epoch 1 was checkpointed before the kill");
    assertFalse(Files.exists(b.resolve("model/epoch=2")), "the kill came in the middle of epoch 2");
    assertFalse(Files.exists(b.resolve("summary/train-netvlad.json")));

    Process resumed = start(b);
    assertTrue(resumed.waitFor(10, TimeUnit.MINUTES));
    String log = Files.readString(dir.resolve("b.err"));
    assertEquals(0, resumed.exitValue(), log);
    assertTrue(log.contains("resuming from checkpoint") && log.contains("epoch=1"), log);

    Map<String, Object> sa = summary(dir.resolve("a"));
    Map<String, Object> sb = summary(b);
    assertEquals(2, sa.get("epochs_trained"));
    assertEquals(sa.get("epochs_trained"), sb.get("epochs_trained"));
    assertEquals(sa.get("recall_at"), sb.get("recall_at"));
    MultiLayerNetwork ma =
        ModelSerializer.restoreMultiLayerNetwork(
            dir.resolve("a/model/epoch=2/model.zip").toFile(), true);
    MultiLayerNetwork mb =
        ModelSerializer.restoreMultiLayerNetwork(
            b.resolve("model/epoch=2/model.zip").toFile(), true);
    assertEquals(ma.params(), mb.params(), "same seed, same parameters");
    assertEquals(
        ma.getUpdater().getStateViewArray(),
        mb.getUpdater().getStateViewArray(),
        "and the same optimiser state");
  }

  private Process start(Path run) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                Jobs.projectRoot().resolve("submit/train-netvlad").toString(),
                "--master",
                "local[2]",
                "--",
                "--run",
                run.toString()));
    for (String s : SETTINGS) {
      command.add("--set");
      command.add(s);
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(Jobs.projectRoot().toFile());
    pb.environment().remove("SPARK_HOME");
    File err = dir.resolve(run.getFileName() + ".err").toFile();
    pb.redirectOutput(dir.resolve(run.getFileName() + ".out").toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(err));
    return pb.start();
  }

  private void waitForLine(Process p, String text) throws Exception {
    Path err = dir.resolve("b.err");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(err) && Files.readString(err).contains(text)) {
        return;
      }
      assertTrue(
          p.isAlive(),
          "the run ended before \""
              + text
              + "\":\n"
              + (Files.exists(err) ? Files.readString(err) : ""));
      Thread.sleep(20);
    }
    throw new AssertionError("no \"" + text + "\" in time");
  }

  private static Map<String, Object> summary(Path run) throws IOException {
    return JobMain.fromJson(Files.readString(run.resolve("summary/train-netvlad.json")));
  }

  /** Copies a run folder except the named subfolder (both runs read the same rendered images). */
  private static void copyTree(Path from, Path to, String skip) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path rel = from.relativize(p);
        if (!rel.toString().isEmpty() && rel.getName(0).toString().equals(skip)) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
