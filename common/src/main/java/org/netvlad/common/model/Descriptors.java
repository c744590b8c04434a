package org.netvlad.common.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Image descriptors from a network built by {@link Networks}, in minibatches, inference mode. */
public final class Descriptors {
  private Descriptors() {}

  public static float[][] compute(
      MultiLayerNetwork net, List<float[]> images, int width, int height, int batchSize) {
    float[][] out = new float[images.size()][];
    for (int start = 0; start < images.size(); start += batchSize) {
      List<float[]> chunk =
          new ArrayList<>(images.subList(start, Math.min(images.size(), start + batchSize)));
      INDArray descriptors = net.output(ImageTensors.batch(chunk, width, height), false);
      for (int i = 0; i < chunk.size(); i++) {
        out[start + i] = descriptors.getRow(i).toFloatVector();
      }
    }
    return out;
  }
}
