package org.netvlad.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Classical momentum against its recursion written out by hand, inside DL4J and through its JSON.
 */
class ClassicalMomentumTest {
  private static final double LR = 0.1;
  private static final double MU = 0.9;

  /** theta_t after the given gradients, by {@code v = mu v - lr g; theta = theta + v}. */
  private static double[] heavyBall(double[] theta, double[][] gradients) {
    double[] t = theta.clone();
    double[] v = new double[t.length];
    for (double[] g : gradients) {
      for (int i = 0; i < t.length; i++) {
        v[i] = MU * v[i] - LR * g[i];
        t[i] += v[i];
      }
    }
    return t;
  }

  @Test
  void stepsAreTheHeavyBallRecursion() {
    double[][] gradients = {{1, -2, 0.5}, {0.25, 1, -1}, {-3, 0, 2}};
    double[] theta = {0.5, -0.5, 2};
    double[] ours = theta.clone();
    INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 3);
    GradientUpdater<ClassicalMomentum> updater =
        new ClassicalMomentum(LR, MU).instantiate(state, true);
    for (int step = 0; step < gradients.length; step++) {
      INDArray g = Nd4j.create(new double[][] {gradients[step]});
      updater.applyUpdater(g, step, 0);
      for (int i = 0; i < 3; i++) {
        ours[i] -= g.getDouble(0, i); // DL4J subtracts the updated gradient
      }
    }
    double[] expected = heavyBall(theta, gradients);
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i], ours[i], 1e-12, "parameter " + i);
    }
  }

  @Test
  void differsFromDl4jsNesterovMomentum() {
    double[][] gradients = {{1, -2, 0.5}, {0.25, 1, -1}};
    INDArray nesterovState = Nd4j.zeros(DataType.DOUBLE, 1, 3);
    GradientUpdater<?> nesterov = new Nesterovs(LR, MU).instantiate(nesterovState, true);
    double[] theta = new double[3];
    for (int step = 0; step < gradients.length; step++) {
      INDArray g = Nd4j.create(new double[][] {gradients[step]});
      nesterov.applyUpdater(g, step, 0);
      for (int i = 0; i < 3; i++) {
        theta[i] -= g.getDouble(0, i);
      }
    }
    double[] classical = heavyBall(new double[3], gradients);
    assertTrue(
        Math.abs(theta[0] - classical[0]) > 0.05,
        "Nesterov " + theta[0] + " vs classical " + classical[0]);
  }

  @Test
  void aNetworkTrainsWithItAndItSurvivesDl4jsJson() {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(1)
            .dataType(DataType.DOUBLE)
            .updater(new ClassicalMomentum(LR, MU))
            .list()
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                    .nIn(3)
                    .nOut(2)
                    .activation(Activation.IDENTITY)
                    .build())
            .build();
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(
        new ClassicalMomentum(LR, MU), ((BaseLayer) back.getConf(0).getLayer()).getIUpdater());

    MultiLayerNetwork net = new MultiLayerNetwork(back);
    net.init();
    INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3);
    INDArray y = Nd4j.rand(DataType.DOUBLE, 4, 2);
    double[] theta = net.params().toDoubleVector();
    double[][] gradients = new double[3][];
    MultiLayerNetwork probe = net.clone();
    for (int step = 0; step < 3; step++) {
      probe.setParams(
          Nd4j.create(heavyBall(theta, java.util.Arrays.copyOf(gradients, step))).reshape(1, -1));
      probe.setInput(x);
      probe.setLabels(y);
      probe.computeGradientAndScore();
      gradients[step] =
          probe
              .gradient()
              .gradient()
              .div(x.size(0))
              .toDoubleVector(); // DL4J divides by the minibatch
      net.fit(x, y);
    }
    double[] expected = heavyBall(theta, gradients);
    double[] actual = net.params().toDoubleVector();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-10, "parameter " + i);
    }
    assertEquals(
        expected.length,
        net.getUpdater().getStateViewArray().length(),
        "one velocity per parameter");
  }
}
