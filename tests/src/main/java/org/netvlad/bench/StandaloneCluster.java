package org.netvlad.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster of separate JVMs on loopback, started from the Spark runtime the build
 * ships: one master and one worker. The JVM flags Spark needs on Java 17 are this JVM's own (the
 * submit scripts pass them).
 */
public final class StandaloneCluster implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final String url;

  private StandaloneCluster(String url) {
    this.url = url;
  }

  /** Starts a master and a worker with {@code cores} cores and {@code memory} (e.g. "6g"); waits until the worker has registered. */
  public static StandaloneCluster start(Path projectRoot, int cores, String memory, Path logs) throws IOException, InterruptedException {
    Path sparkHome = projectRoot.resolve("spark-runtime/target/spark-home");
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException("no Spark runtime at " + sparkHome + ": build first (mvn -DskipTests package)");
    }
    Files.createDirectories(logs);
    int port = freePort();
    StandaloneCluster cluster = new StandaloneCluster("spark://127.0.0.1:" + port);
    cluster.launch(sparkHome, logs.resolve("master.log"), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
    Path workerLog = logs.resolve("worker.log");
    cluster.launch(sparkHome, workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", Integer.toString(cores),
        "--memory", memory, "--webui-port", Integer.toString(freePort()), "--work-dir", logs.resolve("work").toString(), cluster.url);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!(Files.exists(workerLog) && Files.readString(workerLog).contains("Successfully registered with master"))) {
      if (System.nanoTime() > deadline) {
        cluster.close();
        throw new IllegalStateException("the worker did not register with " + cluster.url + " within 120 s; see " + workerLog);
      }
      Thread.sleep(500);
    }
    return cluster;
  }

  private void launch(Path sparkHome, Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (flag.startsWith("--add-opens") || flag.startsWith("-XX:+IgnoreUnrecognizedVMOptions") || flag.startsWith("-Djdk.reflect")
          || flag.startsWith("-Dio.netty")) { // Spark's own INFO logging: the worker's registration line is awaited
        command.add(flag);
      }
    }
    command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(pb.start());
  }

  public String url() {
    return url;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
  }
}
