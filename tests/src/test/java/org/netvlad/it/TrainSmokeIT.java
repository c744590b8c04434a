package org.netvlad.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.RenderCityJob;
import org.netvlad.jobs.TrainNetVladJob;

class TrainSmokeIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void trains() {
    String run = dir.resolve("run").toUri().toString();
    RenderCityJob.run(spark, new RenderCityJob.Config(run, null, PipelineConfig.load("", "t", List.of("render.images=" + System.getProperty("smoke.images", "600"), "render.width-px=64", "render.height-px=48")), false));
    Jobs.mineCity(spark, run);
    Map<String, Object> s = TrainNetVladJob.run(spark, new TrainNetVladJob.Config(run, PipelineConfig.load("", "t", List.of(
        "model.width-px=64", "model.height-px=48", "train.epochs=" + System.getProperty("smoke.epochs", "2"), "train.optimizer=adam", "model.init-images=100",
        "train.negative-candidates=100", "train.negatives-per-tuple=5", "train.averaging-frequency=" + System.getProperty("smoke.avg", "5"))), false));
    System.out.println(s);
  }
}
