package org.netvlad.jobs.descriptors;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.LoggerFactory;

/**
 * ND4J's threads in a Spark task: as many as the task has cores ({@code spark.task.cpus}, 1 by
 * default). Spark already runs one task per core; ND4J's default of one thread per machine core in
 * every task oversubscribes the cores (docs/benchmarks.md).
 *
 * <p>ND4J's OpenMP threads are fixed when the executor starts, by {@code OMP_NUM_THREADS}: with
 * more OpenMP threads than the task's cores, tasks running side by side slow each other down
 * (docs/benchmarks.md). conf/spark-defaults.conf sets {@code spark.executorEnv.OMP_NUM_THREADS} to
 * 1; an executor whose setting differs from its tasks' cores says so once in its log.
 */
public final class TaskThreads {
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private TaskThreads() {}

  public static void apply() {
    TaskContext task = TaskContext.get();
    int threads =
        task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
    if (Nd4j.getEnvironment().maxThreads() != threads) {
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }
    if (task != null && !WARNED.get()) {
      String omp =
          mismatch(
              System.getenv("OMP_NUM_THREADS"),
              threads,
              Runtime.getRuntime().availableProcessors());
      if (omp != null && WARNED.compareAndSet(false, true)) {
        LoggerFactory.getLogger(TaskThreads.class).warn(omp);
      }
    }
  }

  /** Why the executor's OpenMP threads do not fit its tasks' cores, or null when they do. */
  static String mismatch(String ompNumThreads, int taskCores, int machineCores) {
    String effective =
        ompNumThreads == null || ompNumThreads.isBlank()
            ? String.valueOf(machineCores)
            : ompNumThreads.trim();
    if (effective.equals(String.valueOf(taskCores))) {
      return null;
    }
    return "OpenMP runs "
        + effective
        + " thread(s) per task"
        + (ompNumThreads == null ? " (OMP_NUM_THREADS unset)" : "")
        + " but each task has "
        + taskCores
        + " core(s) (spark.task.cpus): tasks side by side will slow each other down;"
        + " set spark.executorEnv.OMP_NUM_THREADS="
        + taskCores;
  }
}
