package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * VGG16 weights come from a model file the user has: here a VGG16 saved as a DL4J graph with
 * Keras-style layer names, a classification head and ReLU everywhere (conv5_3's linear, so that its
 * output is comparable with our cropped trunk).
 */
class BackboneWeightsTest {
  private static final int SIDE = 32;

  /** A VGG16 classifier as a {@link ComputationGraph}, Keras-style names, random weights. */
  private static ComputationGraph vgg16Classifier() {
    int[][] blocks = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
    ComputationGraphConfiguration.GraphBuilder g =
        new NeuralNetConfiguration.Builder()
            .seed(3)
            .dataType(DataType.FLOAT)
            .weightInit(WeightInit.RELU)
            .convolutionMode(ConvolutionMode.Same)
            .graphBuilder()
            .addInputs("input");
    String previous = "input";
    for (int b = 0; b < blocks.length; b++) {
      for (int i = 0; i < blocks[b].length; i++) {
        String name = "block" + (b + 1) + "_conv" + (i + 1);
        boolean last = b == 4 && i == 2;
        g.addLayer(
            name,
            new ConvolutionLayer.Builder(3, 3)
                .nOut(blocks[b][i])
                .activation(last ? Activation.IDENTITY : Activation.RELU)
                .build(),
            previous);
        previous = name;
      }
      String pool = "block" + (b + 1) + "_pool";
      g.addLayer(
          pool,
          new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
              .kernelSize(2, 2)
              .stride(2, 2)
              .build(),
          previous);
      previous = pool;
    }
    g.addLayer(
            "fc1", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), previous)
        .addLayer(
            "predictions",
            new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(10)
                .activation(Activation.SOFTMAX)
                .build(),
            "fc1")
        .setOutputs("predictions")
        .setInputTypes(InputType.convolutional(SIDE, SIDE, 3));
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  private static MultiLayerNetwork ourVgg(String trainFrom) {
    return Networks.create(
        new ModelSpec(Backbone.VGG16, Pooling.MAX, 64, SIDE, SIDE, 0.1, trainFrom),
        new Networks.Training(new Sgd(0.001), 0, 1),
        DataType.FLOAT);
  }

  @Test
  void vgg16WeightsFromAGraphZipGiveTheSameConv53Features(@TempDir Path dir) throws Exception {
    ComputationGraph source = vgg16Classifier();
    Path zip = dir.resolve("vgg16.zip");
    ModelSerializer.writeModel(source, zip.toFile(), false);
    MultiLayerNetwork ours = ourVgg("conv5_1");
    assertEquals(13, BackboneWeights.copyInto(ours, zip));

    INDArray images = Nd4j.rand(DataType.FLOAT, 2, 3, SIDE, SIDE);
    INDArray expected = source.feedForward(images, false).get("block5_conv3");
    int featureLayer = Networks.featureLayerIndex(ours);
    INDArray actual = ours.feedForwardToLayer(featureLayer, images, false).get(featureLayer + 1);
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.ravel().toFloatVector(), actual.ravel().toFloatVector(), 1e-5f);
    assertEquals(
        List.of(
            "conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv4_1",
            "conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3"),
        Backbone.VGG16.convolutionNames());
  }

  @Test
  void aModelOfAnotherShapeIsRefusedNamingTheLayer(@TempDir Path dir) throws Exception {
    MultiLayerNetwork small =
        Networks.create(
            new ModelSpec(Backbone.SMALL, Pooling.MAX, 64, SIDE, SIDE, 0.1, ""),
            new Networks.Training(new Sgd(0.001), 0, 1),
            DataType.FLOAT);
    Path zip = dir.resolve("small.zip");
    ModelSerializer.writeModel(small, zip.toFile(), false);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> BackboneWeights.copyInto(ourVgg(""), zip));
    assertTrue(
        e.getMessage().contains("holds 4 convolutions; the backbone needs 13"), e.getMessage());

    Path notAZip = Files.writeString(dir.resolve("weights.h5"), "not a model");
    var io =
        assertThrows(
            java.io.IOException.class, () -> BackboneWeights.copyInto(ourVgg(""), notAZip));
    assertTrue(io.getMessage().contains("weights.h5"), io.getMessage());
    var missing =
        assertThrows(
            java.io.IOException.class,
            () -> BackboneWeights.copyInto(ourVgg(""), dir.resolve("nope.zip")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  /**
   * Keras HDF5 model files written by h5py in Keras 2's layout (src/test/resources/keras/
   * make_small_backbone_h5.py), functional and sequential: every weight lands where the formula
   * that generated it says, and conv1's output equals a convolution computed here by hand from the
   * formula (Keras's channels-last kernel [kh, kw, in, out] as cross-correlation, zero padding).
   */
  @Test
  void kerasHdf5ModelsGiveTheirWeightsInDl4jLayout() throws Exception {
    int[] channels = {3, 32, 64, 128, 128};
    for (String file : List.of("small-backbone-functional.h5", "small-backbone-sequential.h5")) {
      Path h5 = Path.of(getClass().getResource("/keras/" + file).toURI());
      MultiLayerNetwork ours =
          Networks.create(
              new ModelSpec(Backbone.SMALL, Pooling.MAX, 64, SIDE, SIDE, 0.1, ""),
              new Networks.Training(new Sgd(0.001), 0, 1),
              DataType.FLOAT);
      assertEquals(4, BackboneWeights.copyInto(ours, h5), file);
      for (int layer = 0; layer < 4; layer++) {
        INDArray w = convolution(ours, layer).getParam("W");
        INDArray b = convolution(ours, layer).getParam("b");
        int in = channels[layer];
        int out = channels[layer + 1];
        assertArrayEquals(new long[] {out, in, 3, 3}, w.shape(), file);
        for (int o = 0; o < out; o++) {
          assertEquals(bias(layer, o), b.getFloat(o), 1e-7f, file + " bias " + layer + "/" + o);
          for (int i = 0; i < in; i++) {
            for (int kh = 0; kh < 3; kh++) {
              for (int kw = 0; kw < 3; kw++) {
                assertEquals(
                    kernel(layer, kh, kw, i, o, in, out),
                    w.getFloat(o, i, kh, kw),
                    1e-7f,
                    file + " conv " + layer);
              }
            }
          }
        }
      }
      INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, SIDE, SIDE);
      INDArray conv1 = ours.feedForwardToLayer(0, image, false).get(1);
      for (int[] at :
          new int[][] {{0, 0}, {0, SIDE - 1}, {SIDE - 1, 5}, {7, 11}, {SIDE / 2, SIDE / 2}}) {
        for (int o : new int[] {0, 9, 31}) {
          double sum = bias(0, o);
          for (int kh = 0; kh < 3; kh++) {
            for (int kw = 0; kw < 3; kw++) {
              int y = at[0] + kh - 1;
              int x = at[1] + kw - 1;
              if (y < 0 || x < 0 || y >= SIDE || x >= SIDE) {
                continue;
              }
              for (int i = 0; i < 3; i++) {
                sum += kernel(0, kh, kw, i, o, 3, 32) * image.getDouble(0, i, y, x);
              }
            }
          }
          assertEquals(
              Math.max(0, sum),
              conv1.getDouble(0, o, at[0], at[1]),
              1e-5,
              file + " conv1 at " + at[0] + "," + at[1]);
        }
      }
    }
  }

  @Test
  void aKerasWeightsOnlyFileIsRefusedNamingIt() throws Exception {
    Path h5 = Path.of(getClass().getResource("/keras/weights-only.h5").toURI());
    var e = assertThrows(java.io.IOException.class, () -> BackboneWeights.copyInto(ourVgg(""), h5));
    assertTrue(
        e.getMessage().contains("weights-only.h5") && e.getMessage().contains("model_config"),
        e.getMessage());
  }

  private static org.deeplearning4j.nn.api.Layer convolution(MultiLayerNetwork net, int index) {
    int seen = 0;
    for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
      if (l.conf().getLayer() instanceof ConvolutionLayer && seen++ == index) {
        return l;
      }
    }
    throw new AssertionError("no convolution " + index);
  }

  /** make_small_backbone_h5.py's kernel formula, flat index in Keras's [kh, kw, in, out] order. */
  private static float kernel(
      int layer, int kh, int kw, int in, int out, int inChannels, int outChannels) {
    long flat = ((long) (kh * 3 + kw) * inChannels + in) * outChannels + out;
    return (float) (0.05 * Math.sin(0.37 * (layer + 1) + 0.011 * flat));
  }

  private static float bias(int layer, int out) {
    return (float) (0.01 * Math.cos(0.5 * (layer + 1) + out));
  }
}
