package org.netvlad.common.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;

/**
 * Reads a Keras HDF5 model file (architecture and weights, as {@code model.save("name.h5")} or
 * {@code model.save(path, save_format="h5")} writes it in Keras 2; a plain path is a SavedModel
 * folder, which this does not read) with DL4J's Keras import: a functional model ({@code Model} /
 * {@code Functional}, as {@code keras.applications.VGG16}) as a graph, a {@code Sequential} one as
 * a network. DL4J turns TensorFlow's channels-last kernels {@code [kh, kw, in, out]} into its
 * {@code [out, in, kh, kw]}. A weights-only file (no {@code model_config}) is refused: it does not
 * say which layer is which.
 */
final class KerasBackbone {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private KerasBackbone() {}

  static boolean isHdf5(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(HDF5_SIGNATURE.length), HDF5_SIGNATURE);
    }
  }

  /** The model's layers, with their weights. */
  static Layer[] layers(Path file) throws IOException {
    String name = file.toAbsolutePath().toString();
    boolean sequential = isSequential(file, name);
    // The builder closes the HDF5 file when a model is built; try-with-resources also when it
    // fails.
    try (KerasModelBuilder builder =
        new KerasModel().modelBuilder().modelHdf5Filename(name).enforceTrainingConfig(false)) {
      return sequential
          ? builder.buildSequential().getMultiLayerNetwork().getLayers()
          : builder.buildModel().getComputationGraph().getLayers();
    } catch (InvalidKerasConfigurationException
        | UnsupportedKerasConfigurationException
        | RuntimeException e) {
      throw new IOException(
          "cannot import " + file + " as a Keras HDF5 model: " + e.getMessage(), e);
    }
  }

  private static boolean isSequential(Path file, String name) throws IOException {
    try (Hdf5Archive archive = new Hdf5Archive(name)) {
      if (!archive.hasAttribute("model_config")) {
        throw new IOException(
            file
                + " is an HDF5 file without a Keras model_config attribute (a weights-only file?);"
                + " save the whole model in HDF5, model.save(\"name.h5\")");
      }
      Map<?, ?> config =
          new ObjectMapper()
              .readValue(archive.readAttributeAsJson("model_config").trim(), Map.class);
      return "Sequential".equals(config.get("class_name"));
    } catch (UnsupportedKerasConfigurationException
        | com.fasterxml.jackson.core.JsonProcessingException
        | RuntimeException e) {
      throw new IOException(
          "cannot read the Keras model_config of " + file + ": " + e.getMessage(), e);
    }
  }
}
