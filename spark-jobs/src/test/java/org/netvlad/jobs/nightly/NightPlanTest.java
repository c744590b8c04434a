package org.netvlad.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.EvalSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.io.RunFolder;

/** What a night decides when it first starts, and keeps when started again. */
class NightPlanTest {
  @TempDir java.nio.file.Path dir;

  private static PipelineConfig settings(String... overrides) {
    return PipelineConfig.load("", "test", List.of(overrides));
  }

  /** A finished night as the nightly leaves it: its training's summary names the best epoch. */
  private void finishedNight(String date, int bestEpoch, String checkpointSettings)
      throws Exception {
    java.nio.file.Path night = dir.resolve("runs/" + date);
    Files.createDirectories(night.resolve("summary"));
    Files.writeString(
        night.resolve("summary/train-netvlad.json"),
        "{\"id\":\"t-" + date + "\",\"best_epoch\":" + bestEpoch + "}");
    java.nio.file.Path checkpoint = night.resolve("model/epoch=" + bestEpoch);
    Files.createDirectories(checkpoint);
    Files.writeString(checkpoint.resolve("model.zip"), "a model");
    Files.writeString(
        checkpoint.resolve("checkpoint.json"),
        "{\"id\":\"t-"
            + date
            + "\",\"epoch\":"
            + bestEpoch
            + ",\"settings\":{"
            + checkpointSettings
            + "}}");
  }

  /**
   * A root whose current names night 2024-05-01, finished with its best checkpoint at {@code
   * bestEpoch}.
   */
  private NightlyRoot rootWhoseCurrentIsAFinishedNight(int bestEpoch, String checkpointSettings)
      throws Exception {
    finishedNight("2024-05-01", bestEpoch, checkpointSettings);
    NightlyRoot root = NightlyRoot.open(dir.toString(), new Configuration());
    root.moveCurrentTo("2024-05-01");
    return root;
  }

  @Test
  void warmStartsFromTheBestCheckpointOfTheLastGoodNightAndKeepsThatPlanWhenStartedAgain()
      throws Exception {
    NightlyRoot root = rootWhoseCurrentIsAFinishedNight(3, "\"model.clusters\":\"64\"");
    RunFolder tonight = root.night("2024-05-02");
    NightPlan plan = NightPlan.loadOrCreate(root, tonight, settings());
    String best = "file:" + dir + "/runs/2024-05-01/model/epoch=3";
    assertEquals(
        new NightPlan(
            "2024-05-01",
            best,
            best,
            "auto: the best checkpoint of the last good night, 2024-05-01"),
        plan);
    PipelineConfig train =
        plan.trainSettings(settings("nightly.epochs=3", "train.epochs=30"), tonight);
    assertEquals(best, train.get(TrainSettings.WARM_START));
    assertEquals(3L, train.get(TrainSettings.EPOCHS), "a warm start trains nightly.epochs");

    root.moveCurrentTo(
        "2024-05-02"); // the night moved current to itself, then died before its summary
    assertEquals(
        plan,
        NightPlan.loadOrCreate(root, tonight, settings("nightly.warm-start=none")),
        "the first attempt's plan");
  }

  @Test
  void startsFromScratchOnTheFirstNightOrWhenAsked() throws Exception {
    NightlyRoot root = NightlyRoot.open(dir.toString(), new Configuration());
    NightPlan first = NightPlan.loadOrCreate(root, root.night("2024-05-01"), settings());
    assertEquals("", first.warmStart());
    assertEquals(
        30L,
        first
            .trainSettings(settings("train.epochs=30"), root.night("2024-05-01"))
            .get(TrainSettings.EPOCHS));
    finishedNight("2024-05-01", 2, "");
    root.moveCurrentTo("2024-05-01");
    NightPlan none =
        NightPlan.loadOrCreate(root, root.night("2024-05-02"), settings("nightly.warm-start=none"));
    assertEquals("", none.warmStart());
    assertEquals(
        "file:" + dir + "/runs/2024-05-01/model/epoch=2",
        none.lastGoodModel(),
        "still compared with the last good model");
  }

  @Test
  void aWarmStartWithOtherNetworkSettingsIsRefusedBeforeAnyWorkAndBeforeThePlanIsWritten()
      throws Exception {
    NightlyRoot root =
        rootWhoseCurrentIsAFinishedNight(
            1, "\"model.clusters\":\"16\",\"train.optimizer\":\"adam\"");
    RunFolder tonight = root.night("2024-05-02");
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () ->
                NightPlan.loadOrCreate(
                    root, tonight, settings("model.clusters=32", "train.optimizer=adam")));
    assertEquals(
        "train.warm-start file:"
            + dir
            + "/runs/2024-05-01/model/epoch=1 was trained with other network settings:"
            + " model.clusters (checkpoint: 16, now: 32). Use the checkpoint's settings, or start"
            + " from scratch (train.warm-start empty; nightly.warm-start=none)",
        e.getMessage());
    // the advice works for the same date: no plan was kept that names the refused warm start
    assertFalse(tonight.exists(tonight.resolve(NightPlan.FILE)));
    NightPlan none =
        NightPlan.loadOrCreate(
            root,
            tonight,
            settings("model.clusters=32", "train.optimizer=adam", "nightly.warm-start=none"));
    assertEquals("", none.warmStart());
    // with the checkpoint's settings the warm start is taken
    RunFolder other = root.night("2024-05-03");
    NightPlan plan =
        NightPlan.loadOrCreate(root, other, settings("model.clusters=16", "train.optimizer=adam"));
    assertEquals("file:" + dir + "/runs/2024-05-01/model/epoch=1", plan.warmStart());
  }

  @Test
  void tonightsEvaluationIsOfTheBestCheckpointWhateverEvalCheckpointSays() throws Exception {
    NightlyRoot root = rootWhoseCurrentIsAFinishedNight(2, "\"model.clusters\":\"64\"");
    RunFolder tonight = root.night("2024-05-02");
    NightPlan plan = NightPlan.loadOrCreate(root, tonight, settings());
    // current and the next warm start take the best checkpoint: the verdict must judge that one
    PipelineConfig eval = plan.evaluationSettings(settings("eval.checkpoint=untrained"), tonight);
    assertEquals("best", eval.get(EvalSettings.CHECKPOINT));
    assertEquals(
        "file:" + dir + "/runs/2024-05-01/model/epoch=2",
        plan.lastGoodEvaluationSettings(settings("eval.checkpoint=untrained"), tonight)
            .get(EvalSettings.CHECKPOINT));
  }

  @Test
  void aCurrentPointerToANightWithoutTrainingIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("runs/2024-05-01"));
    NightlyRoot root = NightlyRoot.open(dir.toString(), new Configuration());
    root.moveCurrentTo("2024-05-01");
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> NightPlan.loadOrCreate(root, root.night("2024-05-02"), settings()));
    assertEquals(
        "file:"
            + dir
            + "/current names file:"
            + dir
            + "/runs/2024-05-01, which has no finished training"
            + " (summary/train-netvlad.json); fix or remove current",
        e.getMessage());
  }
}
