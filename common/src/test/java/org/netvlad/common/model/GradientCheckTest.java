package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.netvlad.common.model.dl4j.MaxPooling2x2Layer;

/**
 * DL4J's finite-difference gradient checks, in double precision, for every custom layer and the
 * loss, alone and in a whole small network. A convolution below each pooling layer makes the check
 * cover the layer's input gradient too.
 */
class GradientCheckTest {
  private static DataType previousType;

  @BeforeAll
  static void doublePrecision() {
    previousType = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @AfterAll
  static void restorePrecision() {
    Nd4j.setDefaultDataTypes(previousType, previousType);
  }

  private static MultiLayerNetwork network(InputType input, ILossFunction loss, Layer... layers) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(12345)
            .dataType(DataType.DOUBLE)
            .updater(new NoOp())
            .weightInit(WeightInit.XAVIER)
            .convolutionMode(ConvolutionMode.Same)
            .list();
    for (Layer l : layers) {
      list.layer(l);
    }
    list.layer(new LossLayer.Builder(loss).activation(Activation.IDENTITY).build());
    list.setInputType(input);
    MultiLayerNetwork net = new MultiLayerNetwork(list.build());
    net.init();
    return net;
  }

  private static ConvolutionLayer conv(int out, Activation activation) {
    return new ConvolutionLayer.Builder(3, 3).nOut(out).activation(activation).build();
  }

  private static void check(MultiLayerNetwork net, INDArray input, INDArray labels) {
    boolean ok =
        GradientCheckUtil.checkGradients(
            new GradientCheckUtil.MLNConfig()
                .net(net)
                .input(input)
                .labels(labels)
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    assertTrue(ok, "gradient check failed; see the log for the parameters");
  }

  @Test
  void netvladLayer() {
    MultiLayerNetwork net =
        network(
            InputType.convolutional(4, 5, 2),
            new LossMSE(),
            conv(4, Activation.TANH),
            new NetVladLayer.Builder().clusterCount(3).build());
    Nd4j.getRandom().setSeed(1);
    // centres near the features, and a strong assignment weight, as after k-means initialisation
    net.getLayer(1).getParam(NetVladParams.ASSIGN_WEIGHTS).muli(5);
    net.getLayer(1).getParam(NetVladParams.ASSIGN_BIAS).assign(Nd4j.randn(DataType.DOUBLE, 3));
    check(net, Nd4j.randn(DataType.DOUBLE, 3, 2, 4, 5), Nd4j.randn(DataType.DOUBLE, 3, 12));
  }

  @Test
  void netvladLayerWithEmptyClusters() {
    // 3 locations for 8 clusters and alpha in the hundreds, as at small inputs after k-means
    // initialisation
    MultiLayerNetwork net =
        network(
            InputType.convolutional(1, 3, 2),
            new LossMSE(),
            conv(4, Activation.TANH),
            new NetVladLayer.Builder().clusterCount(8).build());
    Nd4j.getRandom().setSeed(7);
    INDArray w = net.getLayer(1).getParam(NetVladParams.ASSIGN_WEIGHTS);
    w.diviColumnVector(w.norm2(1).reshape(8, 1)).muli(300);
    check(net, Nd4j.randn(DataType.DOUBLE, 2, 2, 1, 3), Nd4j.randn(DataType.DOUBLE, 2, 32));
  }

  @Test
  void vladWithHardAssignment() {
    MultiLayerNetwork net =
        network(
            InputType.convolutional(3, 4, 2),
            new LossMSE(),
            conv(5, Activation.TANH),
            new NetVladLayer.Builder().clusterCount(4).hardAssignment(true).build());
    Nd4j.getRandom().setSeed(2);
    check(net, Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 4), Nd4j.randn(DataType.DOUBLE, 2, 20));
  }

  @Test
  void gemPooling() {
    MultiLayerNetwork net =
        network(
            InputType.convolutional(4, 3, 2),
            new LossMSE(),
            conv(3, Activation.SIGMOID),
            new GemPoolingLayer.Builder().initialPower(2.5).build());
    Nd4j.getRandom().setSeed(3);
    check(net, Nd4j.randn(DataType.DOUBLE, 3, 2, 4, 3), Nd4j.randn(DataType.DOUBLE, 3, 3));
  }

  @Test
  void maxPooling() {
    MultiLayerNetwork net =
        network(
            InputType.convolutional(3, 3, 2),
            new LossMSE(),
            conv(3, Activation.TANH),
            new GlobalMaxPoolingLayer());
    Nd4j.getRandom().setSeed(4);
    check(net, Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 3), Nd4j.randn(DataType.DOUBLE, 2, 3));
  }

  @Test
  void tripletRankingLoss() {
    // 2 tuples of 1 query, 2 positives, 3 negatives; a wide margin so that most negatives violate
    MultiLayerNetwork net =
        network(
            InputType.feedForward(4),
            new TripletRankingLoss(0.8),
            new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build());
    Nd4j.getRandom().setSeed(5);
    INDArray input = Nd4j.randn(DataType.DOUBLE, 12, 4);
    INDArray labels = TupleBatch.labels(2, 2, 3, DataType.DOUBLE);
    net.setInput(input);
    net.setLabels(labels);
    net.computeGradientAndScore();
    assertTrue(net.score() > 0, "the check needs violating negatives");
    check(net, input, labels);
  }

  @Test
  void wholeSmallNetwork() {
    MultiLayerNetwork net =
        network(
            InputType.convolutional(8, 8, 3),
            new TripletRankingLoss(0.5),
            conv(4, Activation.TANH),
            new MaxPooling2x2Layer("pool"),
            conv(6, Activation.IDENTITY),
            new NetVladLayer.Builder().clusterCount(4).build());
    Nd4j.getRandom().setSeed(6);
    net.getLayer(3).getParam(NetVladParams.ASSIGN_WEIGHTS).muli(4);
    INDArray input = Nd4j.rand(DataType.DOUBLE, 5, 3, 8, 8);
    INDArray labels = TupleBatch.labels(1, 1, 3, DataType.DOUBLE);
    net.setInput(input);
    net.setLabels(labels);
    net.computeGradientAndScore();
    assertTrue(net.score() > 0, "the check needs violating negatives");
    check(net, input, labels);
  }
}
