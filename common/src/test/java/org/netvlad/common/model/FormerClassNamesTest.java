package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A checkpoint names its layers' classes as they were when it was written: one whose configuration
 * was written before the DL4J workarounds moved to their own package and MaxPoolingLayer became
 * GlobalMaxPoolingLayer still loads, as the same network, and saves under the present names.
 */
class FormerClassNamesTest {
  /**
   * The network whose configuration the resource holds (written by ModelBytes.of before the move).
   */
  private static MultiLayerNetwork network() {
    ModelSpec spec = new ModelSpec(Backbone.SMALL, Pooling.MAX, 5, 24, 32, 0.15, "conv2", 0.25);
    return Networks.create(
        spec, new Networks.Training(new ClassicalMomentum(0.01, 0.9), 1e-3, 42), DataType.FLOAT);
  }

  @Test
  void aCheckpointWrittenUnderFormerClassNamesLoadsAsTheSameNetwork() throws IOException {
    String former;
    try (InputStream in =
        getClass().getResourceAsStream("/checkpoints/configuration-before-dl4j-package.json")) {
      former = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(
        former.contains("\"org.netvlad.common.model.MaxPooling2x2Layer\"")
            && former.contains("\"org.netvlad.common.model.MaxPoolingLayer\""),
        "the resource names the former classes");
    MultiLayerNetwork net = network();
    byte[] zip = withConfiguration(ModelBytes.of(net, true), former);

    MultiLayerNetwork back = ModelBytes.read(new ByteArrayInputStream(zip), true);
    MultiLayerConfiguration conf = back.getLayerWiseConfigurations();
    conf.setIterationCount(net.getLayerWiseConfigurations().getIterationCount());
    assertEquals(net.getLayerWiseConfigurations(), conf);
    INDArray images = Nd4j.rand(DataType.FLOAT, 3, 3, 24, 32);
    assertArrayEquals(
        net.output(images).ravel().toFloatVector(),
        back.output(images).ravel().toFloatVector(),
        0f);
    assertEquals(
        net.getLayerWiseConfigurations().toJson(), conf.toJson(), "saved under the present names");
    assertArrayEquals(
        net.params().toFloatVector(), ModelBytes.restore(zip, false).params().toFloatVector(), 0f);
  }

  /** The model zip with its configuration.json replaced. */
  private static byte[] withConfiguration(byte[] zip, String configuration) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
        ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(
            e.getName().equals("configuration.json")
                ? configuration.getBytes(StandardCharsets.UTF_8)
                : in.readAllBytes());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
