package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Spark ships configurations as JSON and checkpoints are model zips: both must give the same
 * network.
 */
class NetworkSerializationTest {
  private static final Networks.Training TRAINING =
      new Networks.Training(new Nesterovs(0.01, 0.9), 1e-3, 42);

  private static ModelSpec small(Pooling pooling) {
    return new ModelSpec(Backbone.SMALL, pooling, 5, 24, 32, 0.15, "conv2", 0.25);
  }

  @ParameterizedTest
  @EnumSource(Pooling.class)
  void jsonRoundTripGivesAnEqualConfigurationAndIdenticalOutputs(Pooling pooling) {
    MultiLayerNetwork net = Networks.create(small(pooling), TRAINING, DataType.FLOAT);
    String json = net.getLayerWiseConfigurations().toJson();
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    assertEquals(net.getLayerWiseConfigurations(), back);
    assertEquals(json, back.toJson());

    MultiLayerNetwork copy = new MultiLayerNetwork(back);
    copy.init(net.params().dup(), false);
    INDArray images = Nd4j.rand(DataType.FLOAT, 3, 3, 24, 32);
    INDArray expected = net.output(images);
    assertEquals(small(pooling).descriptorLength(), expected.size(1));
    assertArrayEquals(
        expected.ravel().toFloatVector(), copy.output(images).ravel().toFloatVector(), 0f);
  }

  @Test
  void customFieldsSurviveJson() {
    MultiLayerNetwork net = Networks.create(small(Pooling.NETVLAD), TRAINING, DataType.FLOAT);
    MultiLayerConfiguration back =
        MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
    int pool = Networks.descriptorLayerIndex(net);
    NetVladLayer layer = (NetVladLayer) back.getConf(pool).getLayer();
    assertEquals(5, layer.getClusterCount());
    assertEquals(128, layer.getFeatureDepth());
    assertEquals(0.25, layer.getIntraNormEps());
    TripletRankingLoss loss =
        (TripletRankingLoss)
            ((org.deeplearning4j.nn.conf.layers.LossLayer) back.getConf(pool + 1).getLayer())
                .getLossFn();
    assertEquals(0.15, loss.getMargin());
    // conv1 and pool1 frozen, conv2 on trains
    assertInstanceOf(FrozenLayer.class, back.getConf(0).getLayer());
    assertInstanceOf(FrozenLayer.class, back.getConf(1).getLayer());
    assertTrue(!(back.getConf(2).getLayer() instanceof FrozenLayer));
  }

  @Test
  void aConfigurationWrittenBeforeTheIntraNormalisationClampWasASettingReadsAsPytorchNetVlads() {
    MultiLayerNetwork net = Networks.create(small(Pooling.NETVLAD), TRAINING, DataType.FLOAT);
    String json = net.getLayerWiseConfigurations().toJson();
    String older = json.replaceAll(",?\\s*\"intraNormEps\"\\s*:\\s*[0-9.Ee-]+", "");
    assertTrue(
        !older.contains("intraNormEps") && json.contains("intraNormEps"),
        "the field is in the JSON");
    int pool = Networks.descriptorLayerIndex(net);
    assertEquals(
        NetVladMath.EPS,
        ((NetVladLayer) MultiLayerConfiguration.fromJson(older).getConf(pool).getLayer())
            .getIntraNormEps());
  }

  @Test
  void saveAndLoadGiveIdenticalOutputsAndKeepTheUpdaterState(@TempDir Path dir) throws Exception {
    ModelSpec spec = small(Pooling.NETVLAD);
    MultiLayerNetwork net = Networks.create(spec, TRAINING, DataType.FLOAT);
    INDArray images = Nd4j.rand(DataType.FLOAT, 6, 3, 24, 32);
    net.fit(images, TupleBatch.labels(2, 1, 1, DataType.FLOAT));
    File zip = dir.resolve("model.zip").toFile();
    ModelSerializer.writeModel(net, zip, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(zip, true);
    assertArrayEquals(
        net.output(images).ravel().toFloatVector(),
        back.output(images).ravel().toFloatVector(),
        0f);
    assertArrayEquals(
        net.getUpdater().getStateViewArray().ravel().toFloatVector(),
        back.getUpdater().getStateViewArray().ravel().toFloatVector(),
        0f);
  }
}
