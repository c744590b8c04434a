package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.netvlad.cluster.StandaloneCluster;
import org.netvlad.jobs.cli.JobMain;

/**
 * What the nightly cluster tests share: an HDFS mini cluster in this JVM, a Spark standalone
 * cluster (a master and two 1-core workers, separate JVMs) with spark.authenticate on, and {@code
 * submit/nightly} run as a scheduler runs it, through a real spark-submit.
 */
final class NightlyCluster implements AutoCloseable {
  /** A small, fast night: 64x48 images, 16 clusters, one epoch of 24 tuples, 2 workers. */
  static final List<String> SETTINGS =
      List.of(
          "model.width-px=64",
          "model.height-px=48",
          "model.clusters=16",
          "model.init-images=60",
          "train.epochs=1",
          "nightly.epochs=1",
          "train.workers=2",
          "train.negative-candidates=60",
          "train.negatives-per-tuple=4",
          "train.tuples-per-batch=2",
          "train.averaging-frequency=1",
          "train.optimizer=adam",
          "train.max-queries-per-epoch=24");

  /**
   * How long an HDFS client first waits for the namenode to confirm a closed file: 400 ms by
   * default, which a one-datanode mini cluster always pays, on every small file it closes.
   */
  static final String CLOSE_WAIT_KEY =
      "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";

  static final String CLOSE_WAIT_MS = "10";

  /** A finished (or killed) submit/nightly: exit code, stdout, stderr, wall time. */
  record Result(int exit, String stdout, String stderr, double seconds) {
    /**
     * The job's own last line: log lines from other threads (hh:mm:ss LEVEL ...) may still follow
     * it.
     */
    String lastLine() {
      String[] lines = stderr.strip().split("\n");
      int last = lines.length - 1;
      while (last > 0
          && lines[last].matches("\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) .*")) {
        last--;
      }
      return lines[last];
    }

    Map<String, Object> summary() {
      return JobMain.fromJson(stdout);
    }
  }

  final MiniDFSCluster hdfs;
  final StandaloneCluster spark;
  final Path work;
  final String secret;
  final Path secretFile;

  private NightlyCluster(
      MiniDFSCluster hdfs, StandaloneCluster spark, Path work, String secret, Path secretFile) {
    this.hdfs = hdfs;
    this.spark = spark;
    this.work = work;
    this.secret = secret;
    this.secretFile = secretFile;
  }

  static NightlyCluster start(Path work) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
    conf.set(CLOSE_WAIT_KEY, CLOSE_WAIT_MS);
    for (String key :
        List.of(
            "dfs.datanode.address",
            "dfs.datanode.http.address",
            "dfs.datanode.ipc.address",
            "dfs.namenode.http-address")) {
      conf.set(key, "127.0.0.1:0");
    }
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    String secret = HexFormat.of().formatHex(bytes);
    Path secretFile = privateFile(work.resolve("spark-secret"), secret + "\n");
    // the daemons read the secret as a cluster's do, from their properties file
    Path properties =
        privateFile(
            work.resolve("spark-daemons.conf"),
            "spark.authenticate true\nspark.authenticate.secret " + secret + "\n");
    StandaloneCluster spark;
    try {
      spark =
          StandaloneCluster.start(
              Jobs.projectRoot(),
              new StandaloneCluster.Options(2, 1, "2g", properties),
              work.resolve("cluster"));
    } catch (Exception e) {
      hdfs.shutdown();
      throw e;
    }
    return new NightlyCluster(hdfs, spark, work, secret, secretFile);
  }

  private static Path privateFile(Path file, String text) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(file, text);
  }

  String hdfs(String path) {
    return hdfs.getURI() + path;
  }

  FileSystem fs() throws IOException {
    return hdfs.getFileSystem();
  }

  /**
   * Starts {@code submit/nightly} on the cluster (or in another master's mode), as a scheduler
   * would; its output goes to {@code <work>/<name>.out/.err}.
   */
  Process start(
      String name,
      String master,
      String root,
      String date,
      List<String> inputs,
      String images,
      List<String> more)
      throws IOException {
    return start(name, master, List.of(), root, date, inputs, images, more);
  }

  /**
   * Like {@link #start(String, String, String, String, List, String, List)} with more spark-submit
   * options.
   */
  Process start(
      String name,
      String master,
      List<String> sparkOptions,
      String root,
      String date,
      List<String> inputs,
      String images,
      List<String> more)
      throws IOException {
    return start(name, master, sparkOptions, root, date, inputs, images, more, Map.of());
  }

  /** ... and more environment variables. */
  Process start(
      String name,
      String master,
      List<String> sparkOptions,
      String root,
      String date,
      List<String> inputs,
      String images,
      List<String> more,
      Map<String, String> env)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                Jobs.projectRoot().resolve("submit/nightly").toString(),
                "--master",
                master));
    if (master.startsWith("spark://")) {
      command.addAll(List.of("--executor-memory", "1g", "--total-executor-cores", "2"));
    }
    command.addAll(List.of("--conf", "spark.hadoop." + CLOSE_WAIT_KEY + "=" + CLOSE_WAIT_MS));
    command.addAll(sparkOptions);
    command.addAll(List.of("--", "--root", root, "--images", images, "--date", date));
    for (String input : inputs) {
      command.addAll(List.of("--input", input));
    }
    for (String s : concat(SETTINGS, more)) {
      command.addAll(List.of("--set", s));
    }
    ProcessBuilder pb = new ProcessBuilder(command).directory(Jobs.projectRoot().toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("NETVLAD_SPARK_SECRET_FILE", secretFile.toString());
    pb.environment().put("NETVLAD_DRIVER_MEMORY", "1g");
    pb.environment().putAll(env);
    pb.redirectOutput(work.resolve(name + ".out").toFile())
        .redirectError(work.resolve(name + ".err").toFile());
    return pb.start();
  }

  /** Waits for a started nightly to end (at most 15 minutes). */
  Result finish(String name, Process p, long startNanos) throws Exception {
    assertTrue(p.waitFor(15, TimeUnit.MINUTES), name + " did not end within 15 minutes");
    return new Result(
        p.exitValue(),
        Files.readString(work.resolve(name + ".out")),
        Files.readString(work.resolve(name + ".err")),
        (System.nanoTime() - startNanos) / 1e9);
  }

  Result run(
      String name,
      String master,
      String root,
      String date,
      List<String> inputs,
      String images,
      List<String> more)
      throws Exception {
    return run(name, master, List.of(), root, date, inputs, images, more);
  }

  Result run(
      String name,
      String master,
      List<String> sparkOptions,
      String root,
      String date,
      List<String> inputs,
      String images,
      List<String> more)
      throws Exception {
    long t = System.nanoTime();
    Result r = finish(name, start(name, master, sparkOptions, root, date, inputs, images, more), t);
    System.out.printf("%s: exit %d in %.1f s%n", name, r.exit(), r.seconds());
    return r;
  }

  /** Waits until the nightly's progress (stderr) shows {@code text}; fails if it ends first. */
  void awaitLine(String name, Process p, String text) throws Exception {
    Path err = work.resolve(name + ".err");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(err) && Files.readString(err).contains(text)) {
        return;
      }
      assertTrue(
          p.isAlive(),
          name
              + " ended before \""
              + text
              + "\":\n"
              + (Files.exists(err) ? Files.readString(err) : ""));
      Thread.sleep(50);
    }
    throw new AssertionError(name + ": no \"" + text + "\" within 10 minutes");
  }

  boolean exists(String uri) throws IOException {
    return fs().exists(new org.apache.hadoop.fs.Path(uri));
  }

  String readHdfs(String uri) throws IOException {
    return new String(readBytes(uri), StandardCharsets.UTF_8);
  }

  byte[] readBytes(String uri) throws IOException {
    try (InputStream in = fs().open(new org.apache.hadoop.fs.Path(uri))) {
      return in.readAllBytes();
    }
  }

  Map<String, Object> summary(String runUri, String job) throws IOException {
    return JobMain.fromJson(readHdfs(runUri + "/summary/" + job + ".json"));
  }

  /** A checkpoint's network, from any file system. */
  static MultiLayerNetwork model(FileSystem fs, String checkpointFolder) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(checkpointFolder + "/model.zip"))) {
      return ModelSerializer.restoreMultiLayerNetwork(in, true);
    }
  }

  /** Every file under a folder of the mini cluster, read whole (the runs are small). */
  List<String> filesContaining(String folder, String text) throws IOException {
    List<String> found = new ArrayList<>();
    var files = fs().listFiles(new org.apache.hadoop.fs.Path(folder), true);
    while (files.hasNext()) {
      org.apache.hadoop.fs.Path file = files.next().getPath();
      try (InputStream in = fs().open(file)) {
        if (new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(text)) {
          found.add(file.toString());
        }
      }
    }
    return found;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public void close() {
    spark.close();
    hdfs.shutdown();
  }
}
