package org.netvlad.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * One {@code fit()} step as training runs it (float, DL4J's workspaces and forward cache), with
 * plain SGD and no weight decay so that the parameter change is the learning rate times the
 * gradient, checked per parameter block against central finite differences of the same network's
 * score in double precision: along the step itself and along a random direction of the block.
 */
final class FitStepCheck {
  /**
   * Large, so that the change is far above float32's resolution of the parameters: NetVLAD's w is
   * about alpha (~200) in size, and a step of 1e-3 times its gradient would round away.
   */
  private static final double LEARNING_RATE = 1e4;

  private FitStepCheck() {}

  /**
   * Per parameter block ("4_w", "0_W", ...), the step's relative error against the exact
   * derivative.
   */
  static Map<String, Double> relativeErrors(MultiLayerNetwork trained, DataSet batch, long seed) {
    MultiLayerConfiguration conf = plainSgd(trained.getLayerWiseConfigurations());
    MultiLayerNetwork fitted = new MultiLayerNetwork(conf);
    fitted.init(trained.params().dup(), true);
    Map<String, INDArray> before = copies(fitted.paramTable());
    fitted.fit(batch);

    MultiLayerNetwork exact = new MultiLayerNetwork(conf.clone());
    exact.init(trained.params().dup(), true);
    exact = exact.convertDataType(DataType.DOUBLE);
    DataSet doubles =
        new DataSet(
            batch.getFeatures().castTo(DataType.DOUBLE), batch.getLabels().castTo(DataType.DOUBLE));
    Nd4j.getRandom().setSeed(seed);
    Map<String, Double> errors = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : before.entrySet()) {
      INDArray step =
          e.getValue().sub(fitted.getParam(e.getKey())).divi(LEARNING_RATE).castTo(DataType.DOUBLE);
      double stepNorm = step.norm2Number().doubleValue();
      if (stepNorm == 0) {
        continue; // a block the loss does not reach in this batch, such as an unused cluster's
      }
      INDArray along = step.div(stepNorm);
      INDArray randomDirection = Nd4j.randn(DataType.DOUBLE, step.shape());
      randomDirection.divi(randomDirection.norm2Number());
      double exactAlong = directional(exact, doubles, e.getKey(), along);
      double exactRandom = directional(exact, doubles, e.getKey(), randomDirection);
      double ours = stepNorm; // the step's derivative along its own direction
      double oursRandom = step.mul(randomDirection).sumNumber().doubleValue();
      double error =
          Math.max(
              Math.abs(ours - exactAlong) / Math.abs(exactAlong),
              Math.abs(oursRandom - exactRandom) / Math.abs(exactAlong));
      errors.put(e.getKey(), error);
    }
    return errors;
  }

  /**
   * The score's derivative along a unit direction of one block, by central differences in double.
   */
  private static double directional(
      MultiLayerNetwork net, DataSet batch, String key, INDArray direction) {
    INDArray param = net.getParam(key);
    INDArray original = param.dup();
    double h = 1e-6 * Math.max(original.norm2Number().doubleValue(), 1e-2);
    param.assign(original.add(direction.mul(h)));
    double up = net.score(batch, true);
    param.assign(original.sub(direction.mul(h)));
    double down = net.score(batch, true);
    param.assign(original);
    return (up - down) / (2 * h);
  }

  private static MultiLayerConfiguration plainSgd(MultiLayerConfiguration original) {
    MultiLayerConfiguration conf = original.clone();
    for (NeuralNetConfiguration layer : conf.getConfs()) {
      if (layer.getLayer() instanceof BaseLayer l) {
        l.setIUpdater(new Sgd(LEARNING_RATE));
        l.setBiasUpdater(null);
        l.setRegularization(List.of());
        l.setRegularizationBias(List.of());
      }
    }
    return conf;
  }

  private static Map<String, INDArray> copies(Map<String, INDArray> table) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    table.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }
}
