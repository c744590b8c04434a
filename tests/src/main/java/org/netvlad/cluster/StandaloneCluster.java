package org.netvlad.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster of separate JVMs on loopback, started from the Spark runtime the build
 * ships: one master and some workers, for the benchmarks and the cluster tests. The JVM flags Spark
 * needs on Java 17 are this JVM's own (the submit scripts pass them). With a properties file (e.g.
 * {@code spark.authenticate} and its secret) the master and workers read it as a cluster's daemons
 * read their {@code spark-defaults.conf}, so the secret is on no command line.
 */
public final class StandaloneCluster implements AutoCloseable {
  /**
   * @param workers worker JVMs
   * @param coresPerWorker cores each offers
   * @param memoryPerWorker memory each offers, e.g. "2g"
   * @param properties a Spark properties file for the master and workers, or null
   */
  public record Options(int workers, int coresPerWorker, String memoryPerWorker, Path properties) {}

  private final Path sparkHome;
  private final Path logs;
  private final Options options;
  private final String url;
  private Process master;
  private final List<Process> workers = new ArrayList<>();

  private StandaloneCluster(Path sparkHome, Path logs, Options options, String url) {
    this.sparkHome = sparkHome;
    this.logs = logs;
    this.options = options;
    this.url = url;
  }

  /**
   * Starts a master and a worker with {@code cores} cores and {@code memory} (e.g. "6g"); waits
   * until the worker has registered.
   */
  public static StandaloneCluster start(Path projectRoot, int cores, String memory, Path logs)
      throws IOException, InterruptedException {
    return start(projectRoot, new Options(1, cores, memory, null), logs);
  }

  /** Starts a master and the workers; waits until every worker has registered. */
  public static StandaloneCluster start(Path projectRoot, Options options, Path logs)
      throws IOException, InterruptedException {
    Path sparkHome = projectRoot.resolve("spark-runtime/target/spark-home");
    if (!Files.isDirectory(sparkHome.resolve("jars"))) {
      throw new IllegalStateException(
          "no Spark runtime at " + sparkHome + ": build first (mvn -DskipTests package)");
    }
    Files.createDirectories(logs);
    int port = freePort();
    StandaloneCluster cluster =
        new StandaloneCluster(sparkHome, logs, options, "spark://127.0.0.1:" + port);
    try {
      cluster.master =
          cluster.launch(
              logs.resolve("master.log"),
              "org.apache.spark.deploy.master.Master",
              "--host",
              "127.0.0.1",
              "--port",
              Integer.toString(port),
              "--webui-port",
              Integer.toString(freePort()));
      for (int i = 0; i < options.workers(); i++) {
        cluster.addWorker();
      }
    } catch (IOException | RuntimeException | InterruptedException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Starts one more worker (its log is {@code worker-<i>.log}) and waits until it has registered.
   */
  public void addWorker() throws IOException, InterruptedException {
    int i = workers.size();
    Path log = logs.resolve("worker-" + i + ".log");
    workers.add(
        launch(
            log,
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            Integer.toString(options.coresPerWorker()),
            "--memory",
            options.memoryPerWorker(),
            "--webui-port",
            Integer.toString(freePort()),
            "--work-dir",
            logs.resolve("work-" + i).toString(),
            url));
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!(Files.exists(log)
        && Files.readString(log).contains("Successfully registered with master"))) {
      if (System.nanoTime() > deadline || !workers.get(i).isAlive()) {
        throw new IllegalStateException(
            "worker " + i + " did not register with " + url + " within 120 s; see " + log);
      }
      Thread.sleep(500);
    }
  }

  private Process launch(Path log, String mainClass, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (flag.startsWith("--add-opens")
          || flag.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
          || flag.startsWith("-Djdk.reflect")
          || flag.startsWith(
              "-Dio.netty")) { // Spark's own INFO logging: the worker's registration line is
        // awaited
        command.add(flag);
      }
    }
    command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
    command.addAll(List.of(args));
    if (options.properties() != null) {
      command.addAll(List.of("--properties-file", options.properties().toString()));
    }
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

  public String url() {
    return url;
  }

  /** The folder of the master's and workers' logs and of the executors' work folders. */
  public Path logs() {
    return logs;
  }

  /** Worker {@code i}'s JVM (its executors are its child processes). */
  public ProcessHandle worker(int i) {
    return workers.get(i).toHandle();
  }

  /**
   * Kills worker {@code i}'s JVM with SIGKILL, as a crashed machine would lose it; its executors
   * lose their worker.
   */
  public void killWorker(int i) throws InterruptedException {
    workers.get(i).destroyForcibly();
    workers.get(i).waitFor();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    if (master != null) {
      all.add(master);
    }
    for (Process p : all) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : all) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
