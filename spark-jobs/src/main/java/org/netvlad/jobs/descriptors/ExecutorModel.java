package org.netvlad.jobs.descriptors;

import java.util.AbstractMap;
import java.util.Map;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.netvlad.common.model.ModelBytes;

/**
 * The network a broadcast model zip holds, restored once per executor thread and broadcast (a
 * network is not safe to share between the tasks that run at once in one executor).
 */
public final class ExecutorModel {
  private static final ThreadLocal<Map.Entry<Long, MultiLayerNetwork>> CACHE = new ThreadLocal<>();

  private ExecutorModel() {}

  public static MultiLayerNetwork of(Broadcast<byte[]> model) {
    TaskThreads.apply();
    Map.Entry<Long, MultiLayerNetwork> cached = CACHE.get();
    if (cached == null || cached.getKey() != model.id()) {
      cached =
          new AbstractMap.SimpleImmutableEntry<>(
              model.id(), ModelBytes.restore(model.value(), false));
      CACHE.set(cached);
    }
    return cached.getValue();
  }
}
