package org.netvlad.common.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The state and step of {@link ClassicalMomentum}. DL4J subtracts what {@link #applyUpdater} leaves
 * in the gradient array, so the state kept is the negated velocity: {@code s = mu s + lr g}, and
 * the step is {@code s}.
 */
final class ClassicalMomentumUpdater implements GradientUpdater<ClassicalMomentum> {
  static final String VELOCITY = "V";

  private final ClassicalMomentum config;
  private INDArray negatedVelocity;

  ClassicalMomentumUpdater(ClassicalMomentum config) {
    this.config = config;
  }

  @Override
  public ClassicalMomentum getConfig() {
    return config;
  }

  @Override
  public void setStateViewArray(
      INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
    if (initialize) {
      viewArray.assign(0);
    }
    negatedVelocity = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
    if (negatedVelocity == null) {
      throw new IllegalStateException("cannot view the momentum state as the gradient's shape");
    }
  }

  @Override
  public void setState(Map<String, INDArray> state, boolean initialize) {
    if (!state.containsKey(VELOCITY) || state.size() != 1) {
      throw new IllegalStateException(
          "classical momentum state must hold exactly " + VELOCITY + ", got " + state.keySet());
    }
    negatedVelocity = state.get(VELOCITY);
    if (initialize) {
      negatedVelocity.assign(0);
    }
  }

  @Override
  public Map<String, INDArray> getState() {
    return Map.of(VELOCITY, negatedVelocity);
  }

  @Override
  public void applyUpdater(INDArray gradient, int iteration, int epoch) {
    if (negatedVelocity == null) {
      throw new IllegalStateException("the momentum updater has no state array");
    }
    double lr = config.getLearningRate(iteration, epoch);
    negatedVelocity.muli(config.getMomentum()).addi(gradient.mul(lr));
    gradient.assign(negatedVelocity);
  }
}
