package org.netvlad.jobs.cli;

import com.esotericsoftware.kryo.Kryo;
import de.javakaffee.kryoserializers.SynchronizedCollectionsSerializer;
import de.javakaffee.kryoserializers.UnmodifiableCollectionsSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.common.primitives.AtomicDouble;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.kryo.primitives.AtomicDoubleSerializer;

/**
 * The Kryo registrations of ND4J's {@code org.nd4j.kryo.Nd4jRegistrator}, in the same order,
 * without starting ND4J: that registrator asks ND4J's backend for its array class, which loads the
 * native libraries in every job that serialises anything, mining and evaluation included. The array
 * class is named here instead (the CPU backend's, the only one the project ships) and loaded
 * uninitialised.
 */
public final class KryoRegistrations implements KryoRegistrator {
  /** {@code CpuBackend.getNDArrayClass()}. */
  static final String CPU_ARRAY_CLASS = "org.nd4j.linalg.cpu.nativecpu.NDArray";

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(cpuArrayClass(), new Nd4jSerializer());
    kryo.register(AtomicDouble.class, new AtomicDoubleSerializer());
    UnmodifiableCollectionsSerializer.registerSerializers(kryo);
    SynchronizedCollectionsSerializer.registerSerializers(kryo);
  }

  private static Class<?> cpuArrayClass() {
    try {
      return Class.forName(CPU_ARRAY_CLASS, false, KryoRegistrations.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "ND4J's CPU backend (nd4j-native) is not on the classpath: " + CPU_ARRAY_CLASS, e);
    }
  }
}
