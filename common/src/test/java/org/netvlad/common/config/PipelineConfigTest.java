package org.netvlad.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineConfigTest {

  @Test
  void theCommittedPipelineConfDocumentsEverySettingWithItsDefault() throws IOException {
    Path conf = Path.of(System.getProperty("project.root", ".."), "conf", "pipeline.conf");
    String text = Files.readString(conf);
    assertEquals(ConfigDocs.pipelineConf(), text, "regenerate conf/pipeline.conf with ConfigDocs");
    PipelineConfig fromFile = PipelineConfig.load(text, conf.toString(), List.of());
    assertEquals(PipelineConfig.defaults().asText(), fromFile.asText());
    for (Setting<?> s : Settings.all()) {
      assertTrue(text.contains("\n" + s.key() + " = " + s.defaultText() + "\n"), s.key());
    }
  }

  @Test
  void fileThenOverridesInOrder() {
    PipelineConfig c =
        PipelineConfig.load(
            "# comment\nmining.positive-radius-m = 5  # trailing comment\n\n",
            "my.conf",
            List.of("mining.negative-radius-m=30", "mining.positive-radius-m = 7"));
    assertEquals(7.0, c.get(MiningSettings.POSITIVE_RADIUS_M));
    assertEquals(30.0, c.get(MiningSettings.NEGATIVE_RADIUS_M));
    assertEquals(0.01, c.get(IngestSettings.MAX_REJECTED_FRACTION));
  }

  @Test
  void errorsNameTheSettingAndWhereItCameFrom() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("a = 1\nmining.radius = 3\n", "x.conf", List.of()));
    assertTrue(
        e.getMessage().contains("'a'") && e.getMessage().contains("x.conf:1"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("", "x.conf", List.of("mining.positive-radius-m=ten")));
    assertTrue(
        e.getMessage().contains("mining.positive-radius-m")
            && e.getMessage().contains("not a number"),
        e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("ingest.max-rejected-fraction = 2", "x.conf", List.of()));
    assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("no equals sign", "x.conf", List.of()));
    assertTrue(e.getMessage().contains("x.conf:1"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("", "x.conf", List.of("geo.frame-zone=17")));
    assertTrue(e.getMessage().contains("geo.frame-zone"), e.getMessage());
  }

  @Test
  void aKeyGivenTwiceInTheFileIsRefusedNamingBothLines() {
    String text =
        "mining.positive-radius-m = 5\n"
            + "# a comment\n"
            + "mining.negative-radius-m = 30\n"
            + " mining.positive-radius-m=8 # again\n";
    ConfigException e =
        assertThrows(ConfigException.class, () -> PipelineConfig.load(text, "x.conf", List.of()));
    assertEquals(
        "setting 'mining.positive-radius-m' is given twice, at x.conf:1 and at x.conf:4; keep one",
        e.getMessage());
    // --set still overrides the file's single value
    assertEquals(
        8.0,
        PipelineConfig.load(
                "mining.positive-radius-m = 5\n", "x.conf", List.of("mining.positive-radius-m=8"))
            .get(MiningSettings.POSITIVE_RADIUS_M));
  }

  @Test
  void inconsistentSettingsAreRefusedNamingAllOfThem() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                PipelineConfig.load(
                    "", "x", List.of("mining.positive-radius-m=30", "mining.tile-size-m=40")));
    assertTrue(
        e.getMessage()
            .contains(
                "mining.positive-radius-m (30.0) must be below mining.negative-radius-m (25.0)"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("mining.tile-size-m (40.0) must be at least twice"),
        e.getMessage());
  }

  @Test
  void theNightlysRecallAtMustBeOneOfTheReportedOnes() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PipelineConfig.load("", "x", List.of("nightly.recall-at=3")));
    assertEquals(
        "inconsistent settings: nightly.recall-at (3) must be one of eval.recall-at (1,5,10,20)",
        e.getMessage());
    assertEquals(
        3L,
        PipelineConfig.load("", "x", List.of("nightly.recall-at=3", "eval.recall-at=1,3"))
            .get(NightlySettings.RECALL_AT));
  }

  @Test
  void theNightlysWarmStartIsAutoNoneOrAFolder() {
    for (String typo : List.of("None", "Auto", "yes", "epoch=3")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> PipelineConfig.load("", "x", List.of("nightly.warm-start=" + typo)));
      assertTrue(
          e.getMessage().contains("nightly.warm-start")
              && e.getMessage().contains("'" + typo + "'"),
          e.getMessage());
    }
    for (String fine :
        List.of(
            "auto",
            "none",
            "hdfs://nn/r/runs/2024-05-01/model/epoch=3",
            "runs/2024-05-01/model/epoch=3")) {
      assertEquals(
          fine,
          PipelineConfig.load("", "x", List.of("nightly.warm-start=" + fine))
              .get(NightlySettings.WARM_START));
    }
  }

  @Test
  void withReplacesSomeSettingsAndChecksTheResult() {
    PipelineConfig base = PipelineConfig.load("", "x", List.of("train.epochs=30"));
    PipelineConfig night =
        base.with(
            List.of("train.epochs=2", "train.warm-start=hdfs://nn/r/runs/2024-05-01/model/epoch=3"),
            "nightly");
    assertEquals(2L, night.get(TrainSettings.EPOCHS));
    assertEquals("hdfs://nn/r/runs/2024-05-01/model/epoch=3", night.get(TrainSettings.WARM_START));
    assertEquals(30L, base.get(TrainSettings.EPOCHS), "the original is unchanged");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> base.with(List.of("eval.recall-at=1,10"), "nightly"));
    assertTrue(
        e.getMessage().contains("nightly.recall-at (5) must be one of eval.recall-at (1,10)"),
        e.getMessage());
  }
}
