package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.netvlad.common.config.ModelSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.model.dl4j.MaxPooling2x2Layer;
import org.netvlad.common.model.dl4j.MaxPooling2x2LayerImpl;

/**
 * The default network's convolution layers run on oneDNN (its pooling layers on libnd4j's own
 * kernels, {@link MaxPooling2x2Layer}), and compute what DL4J's own Java path computes: the same
 * descriptors and the same gradient of the triplet loss.
 */
class OneDnnTest {
  @Test
  void theNetworkRunsOnOneDnnAndMatchesDl4jsJavaPath() {
    ModelSpec spec =
        ModelSettings.spec(
            PipelineConfig.load(
                "",
                "test",
                List.of("model.width-px=32", "model.height-px=24", "model.clusters=8")));
    MultiLayerNetwork fast =
        Networks.create(
            spec, new Networks.Training(new Nesterovs(1e-3, 0.9), 1e-3, 7), DataType.FLOAT);
    int conv = 0;
    int pool = 0;
    for (Layer layer : fast.getLayers()) {
      if (layer instanceof ConvolutionLayer c) {
        assertInstanceOf(
            MKLDNNConvHelper.class, c.getHelper(), "convolution layer " + layer.getIndex());
        conv++;
      } else if (layer instanceof SubsamplingLayer s) {
        assertInstanceOf(
            MaxPooling2x2LayerImpl.class,
            s,
            "pooling layer " + layer.getIndex() + " runs libnd4j's own kernels");
        pool++;
      }
    }
    assertTrue(conv >= 4 && pool >= 3, conv + " convolution and " + pool + " pooling layers");

    MultiLayerNetwork java = withoutHelpers(fast);
    for (Layer layer : java.getLayers()) {
      if (layer instanceof ConvolutionLayer c) {
        assertNull(c.getHelper(), "the reference runs DL4J's Java path");
      }
    }

    Nd4j.getRandom().setSeed(3);
    int tuples = 2;
    INDArray images =
        Nd4j.rand(
            DataType.FLOAT,
            tuples * TupleBatch.rowsPerTuple(1, 3),
            3,
            spec.heightPx(),
            spec.widthPx());
    INDArray labels = TupleBatch.labels(tuples, 1, 3, DataType.FLOAT);
    assertClose(java.output(images), fast.output(images), 1e-4, "descriptors");

    java.setInput(images);
    java.setLabels(labels);
    java.computeGradientAndScore();
    fast.setInput(images);
    fast.setLabels(labels);
    fast.computeGradientAndScore();
    assertTrue(java.score() > 0, "the check needs a loss to differentiate");
    assertEquals(java.score(), fast.score(), 1e-4 * java.score(), "loss");
    assertClose(java.gradient().gradient(), fast.gradient().gradient(), 1e-3, "gradient");
  }

  @Test
  void trainingStepsOnOneDnnFollowDl4jsJavaPath() {
    ModelSpec spec = smallSpec();
    MultiLayerNetwork fast =
        Networks.create(
            spec, new Networks.Training(new Nesterovs(1e-3, 0.9), 1e-3, 7), DataType.FLOAT);
    MultiLayerNetwork java = withoutHelpers(fast);
    Nd4j.getRandom().setSeed(5);
    for (int step = 0; step < 6; step++) {
      org.nd4j.linalg.dataset.DataSet batch = randomStep(spec);
      java.fit(batch);
      fast.fit(batch);
      INDArray moved = java.params().sub(fast.params());
      System.out.printf(
          "step %d: loss %.5f vs %.5f, params differ by %.3g (max %.3g)%n",
          step,
          java.score(),
          fast.score(),
          moved.norm2Number().doubleValue(),
          java.params().amaxNumber().doubleValue());
    }
    assertClose(java.params(), fast.params(), 1e-3, "parameters after 6 steps");
  }

  @Test
  void keepingForwardValuesForTheBackwardPassChangesNoStep() {
    ModelSpec spec = smallSpec();
    MultiLayerNetwork cached =
        Networks.create(
            spec, new Networks.Training(new Nesterovs(1e-3, 0.9), 1e-3, 7), DataType.FLOAT);
    assertEquals(CacheMode.DEVICE, cached.getLayerWiseConfigurations().getCacheMode());
    for (NeuralNetConfiguration layer : cached.getLayerWiseConfigurations().getConfs()) {
      assertEquals(CacheMode.DEVICE, layer.getCacheMode(), layer.getLayer().getLayerName());
    }
    MultiLayerConfiguration none = cached.getLayerWiseConfigurations().clone();
    none.setCacheMode(CacheMode.NONE);
    none.getConfs().forEach(c -> c.setCacheMode(CacheMode.NONE));
    MultiLayerNetwork recomputed = new MultiLayerNetwork(none);
    recomputed.init(cached.params().dup(), true);
    Nd4j.getRandom().setSeed(6);
    for (int step = 0; step < 4; step++) {
      org.nd4j.linalg.dataset.DataSet batch = randomStep(spec);
      recomputed.fit(batch);
      cached.fit(batch);
      assertEquals(recomputed.score(), cached.score(), 1e-9, "loss at step " + step);
      assertTrue(
          netVlad(cached).lastBackwardReusedForward(),
          "step " + step + " kept the NetVLAD forward pass");
      assertTrue(
          !netVlad(recomputed).lastBackwardReusedForward(),
          "step " + step + " ran the NetVLAD forward pass again");
    }
    assertClose(recomputed.params(), cached.params(), 1e-6, "parameters after 4 steps");
  }

  private static ModelSpec smallSpec() {
    return ModelSettings.spec(
        PipelineConfig.load(
            "", "test", List.of("model.width-px=64", "model.height-px=48", "model.clusters=16")));
  }

  /** A training step of 2 tuples (1 query, 1 positive, 3 negatives) of random images. */
  private static org.nd4j.linalg.dataset.DataSet randomStep(ModelSpec spec) {
    INDArray images =
        Nd4j.rand(
            DataType.FLOAT, 2 * TupleBatch.rowsPerTuple(1, 3), 3, spec.heightPx(), spec.widthPx());
    return new org.nd4j.linalg.dataset.DataSet(images, TupleBatch.labels(2, 1, 3, DataType.FLOAT));
  }

  private static NetVladLayerImpl netVlad(MultiLayerNetwork net) {
    return (NetVladLayerImpl) net.getLayer(Networks.descriptorLayerIndex(net));
  }

  private static MultiLayerNetwork withoutHelpers(MultiLayerNetwork net) {
    String before = System.getProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY);
    System.setProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY, "true");
    try {
      MultiLayerNetwork copy = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
      copy.init(net.params().dup(), true);
      return copy;
    } finally {
      System.setProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY, before);
    }
  }

  /** Every element within {@code relative} of the largest magnitude of the expected array. */
  private static void assertClose(
      INDArray expected, INDArray actual, double relative, String what) {
    assertEquals(List.of(expected.shape().length), List.of(actual.shape().length), what + " rank");
    double scale = expected.amaxNumber().doubleValue();
    double worst =
        expected
            .castTo(DataType.DOUBLE)
            .sub(actual.castTo(DataType.DOUBLE))
            .amaxNumber()
            .doubleValue();
    assertTrue(scale > 0, what + " is all zero");
    assertTrue(
        worst <= relative * scale,
        what + ": largest difference " + worst + " against largest magnitude " + scale);
  }
}
