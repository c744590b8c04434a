package org.netvlad.common.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** A network as the bytes of a DL4J model zip (configuration JSON, parameters, updater state). */
public final class ModelBytes {
  private ModelBytes() {}

  public static byte[] of(MultiLayerNetwork net, boolean withUpdater) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(net, out, withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static MultiLayerNetwork restore(byte[] zip, boolean withUpdater) {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), withUpdater);
    } catch (IOException e) {
      throw new UncheckedIOException("not a DL4J model zip: " + e.getMessage(), e);
    }
  }
}
