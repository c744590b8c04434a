package org.netvlad.common.model.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.shade.jackson.databind.DeserializationContext;
import org.nd4j.shade.jackson.databind.JavaType;
import org.nd4j.shade.jackson.databind.deser.DeserializationProblemHandler;
import org.nd4j.shade.jackson.databind.jsontype.TypeIdResolver;
import org.netvlad.common.model.GlobalMaxPoolingLayer;

/**
 * DL4J saves a network's layers, activations and updaters under their class names (Jackson's {@code
 * "@class"}), so a checkpoint written before one of this project's classes moved or was renamed
 * names it as it was. Registered with DL4J's JSON mapper, these former names read as the present
 * classes; the network saves under the present names from then on.
 */
public final class FormerClassNames {
  private static final Map<String, Class<?>> PRESENT =
      Map.of(
          "org.netvlad.common.model.InputConvolutionLayer", InputConvolutionLayer.class,
          "org.netvlad.common.model.MaxPooling2x2Layer", MaxPooling2x2Layer.class,
          "org.netvlad.common.model.Relu", Relu.class,
          "org.netvlad.common.model.MaxPoolingLayer", GlobalMaxPoolingLayer.class);

  private static boolean registered;

  private FormerClassNames() {}

  /** Lets DL4J read the former names, from now on in this JVM; before the first network is read. */
  public static synchronized void register() {
    if (!registered) {
      NeuralNetConfiguration.mapper()
          .addHandler(
              new DeserializationProblemHandler() {
                @Override
                public JavaType handleUnknownTypeId(
                    DeserializationContext context,
                    JavaType baseType,
                    String typeId,
                    TypeIdResolver resolver,
                    String failure) {
                  Class<?> present = PRESENT.get(typeId);
                  return present == null ? null : context.constructType(present);
                }
              });
      registered = true;
    }
  }
}
