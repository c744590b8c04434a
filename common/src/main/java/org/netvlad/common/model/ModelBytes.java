package org.netvlad.common.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.netvlad.common.model.dl4j.FormerClassNames;

/** A network as the bytes of a DL4J model zip (configuration JSON, parameters, updater state). */
public final class ModelBytes {
  static {
    FormerClassNames.register(); // checkpoints written before a class moved still read
  }

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

  /** The network a model zip holds, read from {@code in}. */
  public static MultiLayerNetwork read(InputStream in, boolean withUpdater) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(in, withUpdater);
  }
}
