package org.netvlad.jobs.training;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's threads in a Spark task: as many as the task has cores ({@code spark.task.cpus}, 1 by
 * default). Spark already runs one task per core; ND4J's default of one thread per machine core
 * in every task oversubscribes the cores (shared/STACK.md measured 10-30x slower iterations).
 */
public final class TaskThreads {
  private TaskThreads() {}

  public static void apply() {
    TaskContext task = TaskContext.get();
    int threads = task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
    if (Nd4j.getEnvironment().maxThreads() != threads) {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }
  }
}
