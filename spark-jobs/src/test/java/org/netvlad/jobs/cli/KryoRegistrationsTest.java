package org.netvlad.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag$;

class KryoRegistrationsTest {
  /** Kryo numbers classes in registration order: both sides of a shuffle must agree on every id. */
  @Test
  void registersWhatNd4jsRegistratorDoesInTheSameOrder() {
    Kryo theirs = new Kryo();
    new Nd4jRegistrator().registerClasses(theirs);
    Kryo ours = new Kryo();
    new KryoRegistrations().registerClasses(ours);
    assertEquals(registrations(theirs), registrations(ours));
    assertEquals(Nd4j.getBackend().getNDArrayClass().getName(), KryoRegistrations.CPU_ARRAY_CLASS);
  }

  private static List<String> registrations(Kryo kryo) {
    List<String> out = new ArrayList<>();
    for (int id = 0; id < kryo.getNextRegistrationId(); id++) {
      Registration r = kryo.getRegistration(id);
      out.add(
          id
              + " "
              + (r == null
                  ? "-"
                  : r.getType().getName() + " by " + r.getSerializer().getClass().getName()));
    }
    assertTrue(out.size() > 20, "too few registrations to compare: " + out);
    return out;
  }

  @Test
  void anArrayRoundTripsThroughSparksKryo() {
    SerializerInstance kryo =
        new KryoSerializer(
                new SparkConf().set("spark.kryo.registrator", KryoRegistrations.class.getName()))
            .newInstance();
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, Float.NaN}});
    INDArray back =
        kryo.deserialize(
            kryo.serialize(a, ClassTag$.MODULE$.apply(INDArray.class)),
            ClassTag$.MODULE$.apply(INDArray.class));
    assertArrayEquals(a.shape(), back.shape());
    assertArrayEquals(a.data().asFloat(), back.data().asFloat()); // bit for bit, NaN included
    assertEquals(a.dataType(), back.dataType());
  }
}
