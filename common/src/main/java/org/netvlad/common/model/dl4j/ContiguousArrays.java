package org.netvlad.common.model.dl4j;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** ND4J arrays as the plain-Java kernels read them: elements in C order, one after another. */
final class ContiguousArrays {
  private ContiguousArrays() {}

  /** The array itself when its elements lie in C order one after another, else a C-order copy. */
  static INDArray contiguous(INDArray a) {
    return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
  }

  /**
   * A contiguous float array's elements as a buffer over its memory, from its first element. ND4J's
   * own {@code asNioFloat()} starts at the buffer's first element and only positions the view's
   * offset, which absolute reads ignore.
   */
  static FloatBuffer floats(INDArray a) {
    return a.data().asNioFloat().slice();
  }
}
