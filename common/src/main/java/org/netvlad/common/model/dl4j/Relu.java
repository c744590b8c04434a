package org.netvlad.common.model.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * f(x) = max(0, x), the backbone's activation: DL4J's {@code ActivationReLU} with a faster backward
 * pass.
 *
 * <p>DL4J's backward runs libnd4j's {@code relu_bp}, which calls a {@code std::function} per
 * element into a newly allocated array, a visible share of a training step (docs/benchmarks.md).
 * Here the gradient is computed in place in the pre-activation array DL4J hands over (as its tanh
 * and sigmoid do), with two of libnd4j's vectorised legacy ops: step(x) = x &gt; 0 ? 1 : 0, then
 * times epsilon. The gradient at x = 0 is 0, as DL4J's. {@code ReluTest} checks both passes against
 * a plain-Java ReLU; {@code submit/bench model} measures the step.
 */
public final class Relu extends BaseActivationFunction {
  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    Nd4j.getExecutioner().exec(new RectifiedLinear(in, in, 0.0));
    return in;
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    Nd4j.getExecutioner().exec(new Step(in, in, 0.0));
    in.muli(epsilon);
    return new Pair<>(in, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Relu;
  }

  @Override
  public int hashCode() {
    return getClass().getName().hashCode();
  }

  @Override
  public String toString() {
    return "relu";
  }
}
