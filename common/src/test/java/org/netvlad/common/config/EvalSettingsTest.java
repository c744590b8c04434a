package org.netvlad.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.netvlad.common.image.ResizeMode;

class EvalSettingsTest {
  @Test
  void compareListKeepsLabelsWithCommasAndOrder() {
    Map<String, String> m =
        EvalSettings.compareList(
            " NetVLAD, untrained = hdfs:///runs/a/untrained ; max pooling=file:///tmp/b ");
    assertEquals(List.of("NetVLAD, untrained", "max pooling"), List.copyOf(m.keySet()));
    assertEquals("hdfs:///runs/a/untrained", m.get("NetVLAD, untrained"));
    assertTrue(EvalSettings.compareList("  ").isEmpty());
  }

  @Test
  void malformedSettingsAreRefusedNamingTheSetting() {
    for (String bad :
        List.of(
            "eval.compare=just-a-path",
            "eval.compare=a=x; a=y",
            "eval.compare==x",
            "eval.checkpoint=latest",
            "eval.split=dev")) {
      ConfigException e =
          assertThrows(ConfigException.class, () -> PipelineConfig.load("", "t", List.of(bad)));
      assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
    }
    assertEquals(
        "7",
        PipelineConfig.load("", "t", List.of("eval.checkpoint=7")).get(EvalSettings.CHECKPOINT));
  }

  @Test
  void queryResizeIsStretchByDefaultAndOnlyItsTwoWords() {
    assertEquals(ResizeMode.STRETCH, EvalSettings.queryResize(PipelineConfig.defaults()));
    assertEquals(
        ResizeMode.CENTRAL_CROP,
        EvalSettings.queryResize(
            PipelineConfig.load("", "t", List.of("eval.query-resize= central-crop "))));
    for (String bad : List.of("center-crop", "central_crop", "Stretch", "", "crop")) {
      ConfigException e =
          assertThrows(
              ConfigException.class,
              () -> PipelineConfig.load("", "t", List.of("eval.query-resize=" + bad)));
      assertTrue(
          e.getMessage().contains("eval.query-resize = '" + bad + "'")
              && e.getMessage().contains("one of stretch, central-crop"),
          e.getMessage());
    }
  }
}
