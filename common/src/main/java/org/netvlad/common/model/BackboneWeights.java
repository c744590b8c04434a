package org.netvlad.common.model;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies pre-trained backbone weights (VGG16's, for the paper's network) from a model file the user
 * supplies: a DL4J model zip (a {@link MultiLayerNetwork} or a {@link ComputationGraph}, e.g. a
 * VGG16 saved from DL4J's model zoo) or a Keras HDF5 model file ({@code model.save("name.h5")} in
 * Keras 2 with the TensorFlow backend, e.g. {@code keras.applications.VGG16(include_top=False,
 * input_shape=(480, 640, 3))}; {@link KerasBackbone}). The format is told by the file's first
 * bytes, not its name. Nothing is downloaded.
 *
 * <p>The source's 2-D convolutions are taken in order (topological order for a graph); the first
 * ones must have exactly the shapes of the backbone's convolutions ({@code [out, in, 3, 3]} and
 * {@code [out]} bias), and are copied one to one. Layers after them (VGG's fully connected head)
 * are ignored. Any mismatch is refused naming the layer and both shapes.
 */
public final class BackboneWeights {
  private BackboneWeights() {}

  /** Returns how many convolutions were copied. */
  public static int copyInto(MultiLayerNetwork target, Path modelZip) throws IOException {
    if (!Files.isRegularFile(modelZip)) {
      throw new IOException(
          "backbone weights file " + modelZip + " does not exist or is not a file");
    }
    List<Layer> source = convolutions(modelZip);
    List<Layer> destination = new ArrayList<>();
    for (Layer l : target.getLayers()) {
      Layer inner = l instanceof FrozenLayer f ? f.getInsideLayer() : l;
      if (inner.conf().getLayer() instanceof ConvolutionLayer) {
        destination.add(inner);
      }
    }
    if (source.size() < destination.size()) {
      throw new IllegalArgumentException(
          modelZip
              + " holds "
              + source.size()
              + " convolutions; the backbone needs "
              + destination.size());
    }
    for (int i = 0; i < destination.size(); i++) {
      Layer to = destination.get(i);
      Layer from = source.get(i);
      for (String key : List.of("W", "b")) {
        INDArray src = from.getParam(key);
        INDArray dst = to.getParam(key);
        if (src == null || !java.util.Arrays.equals(src.shape(), dst.shape())) {
          throw new IllegalArgumentException(
              "convolution "
                  + (i + 1)
                  + " of "
                  + modelZip
                  + " (\""
                  + from.conf().getLayer().getLayerName()
                  + "\") has "
                  + key
                  + " of shape "
                  + (src == null ? "none" : java.util.Arrays.toString(src.shape()))
                  + "; backbone layer \""
                  + to.conf().getLayer().getLayerName()
                  + "\" needs "
                  + java.util.Arrays.toString(dst.shape()));
        }
        dst.assign(src.castTo(dst.dataType()));
      }
    }
    return destination.size();
  }

  private static List<Layer> convolutions(Path modelFile) throws IOException {
    Layer[] layers =
        KerasBackbone.isHdf5(modelFile) ? KerasBackbone.layers(modelFile) : zipLayers(modelFile);
    List<Layer> out = new ArrayList<>();
    for (Layer l : layers) {
      Layer inner = l instanceof FrozenLayer f ? f.getInsideLayer() : l;
      if (inner.conf().getLayer() instanceof ConvolutionLayer) {
        out.add(inner);
      }
    }
    return out;
  }

  private static Layer[] zipLayers(Path modelZip) throws IOException {
    File file = modelZip.toFile();
    try {
      return isGraph(file)
          ? ModelSerializer.restoreComputationGraph(file, false).getLayers()
          : ModelSerializer.restoreMultiLayerNetwork(file, false).getLayers();
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot read "
              + modelZip
              + " as a DL4J model zip (nor is it an HDF5 file): "
              + e.getMessage(),
          e);
    }
  }

  private static boolean isGraph(File file) throws IOException {
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file)) {
      var entry = zip.getEntry("configuration.json");
      if (entry == null) {
        throw new IOException(file + " is not a DL4J model zip (no configuration.json)");
      }
      String json =
          new String(
              zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return json.contains("\"vertices\"");
    }
  }
}
