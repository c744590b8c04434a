package org.netvlad.common.model.dl4j;

import org.deeplearning4j.config.DL4JSystemProperties;

/**
 * DL4J's convolution layers on oneDNN (ND4J's {@code -onednn} build, see the parent pom) instead of
 * DL4J's own Java im2col path; the backbone's pooling runs libnd4j's own kernels ({@link
 * MaxPooling2x2Layer}).
 *
 * <p>DL4J 1.0.0-M2.1 creates a layer's oneDNN helper only when the system property {@value
 * DL4JSystemProperties#DISABLE_HELPER_PROPERTY} is "false" (its default is "true") and its oneDNN
 * check passes (which {@link org.nd4j.nativeblas.Nd4jCpu} makes work in this version). Every
 * network of this project has one of its pooling layers on top, whose classes call {@link
 * #enable()} when they load, before DL4J builds the layers: in the driver, in Spark executors, in
 * tests. A value the user set wins ({@code -Dorg.eclipse.deeplearning4j.helpers.disable=true} to
 * run DL4J's Java path).
 */
public final class OneDnn {
  private OneDnn() {}

  public static void enable() {
    if (System.getProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY) == null) {
      System.setProperty(DL4JSystemProperties.DISABLE_HELPER_PROPERTY, "false");
    }
  }
}
