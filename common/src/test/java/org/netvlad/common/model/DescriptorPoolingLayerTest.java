package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.junit.jupiter.api.Test;

/** The pooling layers' shared configuration: output sizes, input checks, memory reports. */
class DescriptorPoolingLayerTest {
  private static final InputType FEATURES =
      InputType.convolutional(5, 7, 12); // height, width, depth

  @Test
  void outputSizesFollowTheInputDepth() {
    NetVladLayer netvlad = new NetVladLayer.Builder().clusterCount(4).build();
    netvlad.setNIn(FEATURES, true);
    assertEquals(12, netvlad.getFeatureDepth());
    assertEquals(InputType.feedForward(4 * 12), netvlad.getOutputType(0, FEATURES));
    assertEquals(
        InputType.feedForward(12),
        new GemPoolingLayer.Builder().build().getOutputType(0, FEATURES));
    assertEquals(InputType.feedForward(12), new GlobalMaxPoolingLayer().getOutputType(0, FEATURES));
  }

  @Test
  void featureVectorInputIsRefusedNamingTheLayer() {
    NetVladLayer netvlad = new NetVladLayer.Builder().clusterCount(4).name("descriptor").build();
    GemPoolingLayer gem = new GemPoolingLayer.Builder().name("gem-pool").build();
    GlobalMaxPoolingLayer max = new GlobalMaxPoolingLayer();
    max.setLayerName("max-pool");
    for (Layer layer : List.<Layer>of(netvlad, gem, max)) {
      var e =
          assertThrows(
              IllegalStateException.class, () -> layer.getOutputType(0, InputType.feedForward(12)));
      assertTrue(
          e.getMessage().contains("\"" + layer.getLayerName() + "\"")
              && e.getMessage().contains("convolutional input"),
          e.getMessage());
    }
  }

  @Test
  void memoryReportsCountTheParameters() {
    NetVladLayer netvlad = new NetVladLayer.Builder().clusterCount(4).featureDepth(12).build();
    assertEquals(
        4 * 12 + 4 + 4 * 12,
        netvlad.getMemoryReport(FEATURES).getParameterSize()); // w [K, D], b [K], c [K, D]
    assertEquals(NetVladLayer.class, netvlad.getMemoryReport(FEATURES).getLayerType());
    GemPoolingLayer gem = new GemPoolingLayer.Builder().build();
    assertEquals(1, gem.getMemoryReport(FEATURES).getParameterSize()); // p
    assertEquals(GemPoolingLayer.class, gem.getMemoryReport(FEATURES).getLayerType());
  }

  @Test
  void equalityTakesEachLayersOwnSettings() {
    assertEquals(
        new NetVladLayer.Builder().clusterCount(4).build(),
        new NetVladLayer.Builder().clusterCount(4).build());
    assertEquals(
        new NetVladLayer.Builder().clusterCount(4).build().hashCode(),
        new NetVladLayer.Builder().clusterCount(4).build().hashCode());
    assertNotEquals(
        new NetVladLayer.Builder().clusterCount(4).build(),
        new NetVladLayer.Builder().clusterCount(8).build());
    assertNotEquals(
        new NetVladLayer.Builder().build(),
        new NetVladLayer.Builder().hardAssignment(true).build());
    assertNotEquals(
        new GemPoolingLayer.Builder().initialPower(3).build(),
        new GemPoolingLayer.Builder().initialPower(4).build());
    assertNotEquals(new NetVladLayer.Builder().build(), new GemPoolingLayer.Builder().build());
  }
}
