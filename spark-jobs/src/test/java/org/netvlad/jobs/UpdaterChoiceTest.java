package org.netvlad.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.model.ClassicalMomentum;

/** train.optimizer and train.momentum to the updater train-netvlad builds. */
class UpdaterChoiceTest {
  private static Object updater(String... settings) {
    return TrainNetVladJob.updater(PipelineConfig.load("", "test", List.of(settings)));
  }

  @Test
  void theDefaultIsThePapersClassicalMomentum() {
    assertEquals(new ClassicalMomentum(1e-3, 0.9), updater());
  }

  @Test
  void theAutomaticRateFineTunesVgg16AtThePapersRate() {
    String vgg = "model.backbone=vgg16";
    String weights = "model.backbone-weights=file:///vgg16.h5";
    assertEquals(new ClassicalMomentum(1e-4, 0.9), updater(vgg, weights));
    assertEquals(new Adam(1e-5), updater(vgg, weights, "train.optimizer=adam"));
    assertEquals(new Adam(1e-4), updater("train.optimizer=adam"));
    assertEquals(new Nesterovs(1e-3, 0.9), updater("train.optimizer=nesterov"));
  }

  @Test
  void eachChoiceGivesItsUpdater() {
    assertEquals(
        new ClassicalMomentum(0.01, 0.5),
        updater("train.learning-rate=0.01", "train.momentum=0.5"));
    assertEquals(
        new Nesterovs(0.01, 0.9), updater("train.optimizer=nesterov", "train.learning-rate=0.01"));
    assertEquals(new Adam(0.001), updater("train.optimizer=adam", "train.learning-rate=0.001"));
    assertEquals(new Sgd(0.01), updater("train.learning-rate=0.01", "train.momentum=0"));
    assertEquals(
        new Sgd(0.01),
        updater("train.optimizer=nesterov", "train.learning-rate=0.01", "train.momentum=0"));
  }
}
