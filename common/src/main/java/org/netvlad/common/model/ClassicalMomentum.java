package org.netvlad.common.model;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * SGD with classical (heavy-ball) momentum, as the paper trained with MatConvNet: {@code v = mu v -
 * lr g; theta = theta + v}. DL4J ships only Nesterov's momentum ({@code Nesterovs}), which
 * evaluates the gradient at the look-ahead point and steps differently. The learning rate sits
 * inside the velocity, as MatConvNet's; with a constant rate this equals PyTorch's {@code
 * SGD(momentum = mu)}, which scales the velocity by the rate at each step instead.
 *
 * <p>A bean for DL4J's JSON (Spark training ships configurations that way).
 */
public class ClassicalMomentum implements IUpdater {
  private static final long serialVersionUID = 1L;

  private double learningRate;
  private ISchedule learningRateSchedule;
  private double momentum;

  /** For JSON. */
  public ClassicalMomentum() {
    this(0.1, 0.9);
  }

  public ClassicalMomentum(double learningRate, double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  public double getLearningRate() {
    return learningRate;
  }

  public void setLearningRate(double learningRate) {
    this.learningRate = learningRate;
  }

  public ISchedule getLearningRateSchedule() {
    return learningRateSchedule;
  }

  public void setLearningRateSchedule(ISchedule learningRateSchedule) {
    this.learningRateSchedule = learningRateSchedule;
  }

  public double getMomentum() {
    return momentum;
  }

  public void setMomentum(double momentum) {
    this.momentum = momentum;
  }

  @Override
  public long stateSize(long numParams) {
    return numParams;
  }

  @Override
  public GradientUpdater<ClassicalMomentum> instantiate(
      INDArray viewArray, boolean initializeViewArray) {
    ClassicalMomentumUpdater u = new ClassicalMomentumUpdater(this);
    u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
    return u;
  }

  @Override
  public GradientUpdater<ClassicalMomentum> instantiate(
      Map<String, INDArray> state, boolean initializeStateArrays) {
    ClassicalMomentumUpdater u = new ClassicalMomentumUpdater(this);
    u.setState(state, initializeStateArrays);
    return u;
  }

  @Override
  public ClassicalMomentum clone() {
    ClassicalMomentum c = new ClassicalMomentum(learningRate, momentum);
    c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
    return c;
  }

  @Override
  public double getLearningRate(int iteration, int epoch) {
    return learningRateSchedule != null
        ? learningRateSchedule.valueAt(iteration, epoch)
        : learningRate;
  }

  @Override
  public boolean hasLearningRate() {
    return true;
  }

  @Override
  public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
    this.learningRate = lr;
    this.learningRateSchedule = lrSchedule;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ClassicalMomentum o
        && learningRate == o.learningRate
        && momentum == o.momentum
        && Objects.equals(learningRateSchedule, o.learningRateSchedule);
  }

  @Override
  public int hashCode() {
    return Objects.hash(learningRate, momentum, learningRateSchedule);
  }

  @Override
  public String toString() {
    return "ClassicalMomentum(learningRate=" + learningRate + ", momentum=" + momentum + ")";
  }
}
