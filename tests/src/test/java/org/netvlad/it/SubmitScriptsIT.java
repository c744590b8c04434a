package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;

/** The submit/ wrappers run the real jobs from the real jar through spark-submit. */
class SubmitScriptsIT {
  @TempDir Path dir;

  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  static Result run(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(Jobs.projectRoot().toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().putAll(env);
    File out = Files.createTempFile("submit", ".out").toFile();
    File err = Files.createTempFile("submit", ".err").toFile();
    pb.redirectOutput(out).redirectError(err);
    Process p = pb.start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + command);
    return new Result(
        p.exitValue(),
        Files.readString(out.toPath(), StandardCharsets.UTF_8),
        Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }

  private static String script(String name) {
    return Jobs.projectRoot().resolve("submit").resolve(name).toString();
  }

  @Test
  void everyClassTheScriptsNameIsInTheApplicationJar() throws IOException {
    Path jar = Jobs.projectRoot().resolve("spark-jobs/target/netvlad-spark-jobs.jar");
    assertTrue(Files.isRegularFile(jar), "the scripts' jar path must be the build's: " + jar);
    String common = Files.readString(Jobs.projectRoot().resolve("submit/lib/common.sh"));
    assertTrue(common.contains("spark-jobs/target/netvlad-spark-jobs.jar"));
    Set<String> classes = new TreeSet<>();
    Pattern name = Pattern.compile("org\\.netvlad\\.[A-Za-z0-9_.]+");
    try (Stream<Path> scripts =
        Stream.concat(
            Files.list(Jobs.projectRoot().resolve("submit")),
            Files.list(Jobs.projectRoot().resolve("submit/lib")))) {
      for (Path s : scripts.filter(Files::isRegularFile).toList()) {
        Matcher m = name.matcher(Files.readString(s));
        while (m.find()) {
          classes.add(m.group());
        }
      }
    }
    assertFalse(classes.isEmpty());
    Path benchClasses = Jobs.projectRoot().resolve("tests/target/classes");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (String c : classes) {
        String file = c.replace('.', '/') + ".class";
        if (c.startsWith("org.netvlad.bench.")) { // benchmarks run from the tests module
          assertTrue(
              Files.isRegularFile(benchClasses.resolve(file)), c + " is not in " + benchClasses);
        } else {
          assertTrue(zip.getEntry(file) != null, c + " is not in " + jar);
        }
      }
    }
  }

  @Test
  void helpListsOptionsAndSettings() throws Exception {
    Result r = run(List.of("bash", script("mine-tuples"), "--", "--help"));
    assertEquals(0, r.exitCode(), r.stderr());
    for (String expected :
        List.of(
            "--run", "--input", "--images", "--set", "--overwrite", "mining.negative-radius-m")) {
      assertTrue(r.stdout().contains(expected), expected + " missing from:\n" + r.stdout());
    }
    Result train = run(List.of("bash", script("train-netvlad"), "--", "--help"));
    assertEquals(0, train.exitCode(), train.stderr());
    for (String expected :
        List.of("--run", "--set", "--overwrite", "train.averaging-frequency", "model.clusters")) {
      assertTrue(train.stdout().contains(expected), expected + " missing from:\n" + train.stdout());
    }
    Result evaluate = run(List.of("bash", script("extract-and-evaluate"), "--", "--help"));
    assertEquals(0, evaluate.exitCode(), evaluate.stderr());
    for (String expected :
        List.of(
            "--run", "--set", "--overwrite", "eval.checkpoint", "eval.pca-dims", "eval.compare")) {
      assertTrue(
          evaluate.stdout().contains(expected), expected + " missing from:\n" + evaluate.stdout());
    }
    Result nightly = run(List.of("bash", script("nightly"), "--", "--help"));
    assertEquals(0, nightly.exitCode(), nightly.stderr());
    for (String expected :
        List.of(
            "--root",
            "--input",
            "--images",
            "--date",
            "--set",
            "nightly.max-recall-drop",
            "nightly.keep-runs")) {
      assertTrue(
          nightly.stdout().contains(expected), expected + " missing from:\n" + nightly.stdout());
    }
    assertFalse(
        nightly.stdout().contains("--overwrite") || nightly.stdout().contains("--run "),
        nightly.stdout());
  }

  @Test
  void runsAJobInLocalModeAndFailsCleanlyOnBadArguments() throws Exception {
    Path csv = Jobs.writeTinyManifest(dir.resolve("m.csv"));
    Path run = dir.resolve("run");
    Result ok =
        run(
            List.of(
                "bash",
                script("mine-tuples"),
                "--master",
                "local[1]",
                "--",
                "--run",
                run.toString(),
                "--input",
                csv.toString()));
    assertEquals(0, ok.exitCode(), ok.stderr());
    Map<String, Object> summary =
        JobMain.fromJson(Files.readString(run.resolve("summary/mine-tuples.json")));
    assertEquals(1, summary.get("queries_kept"));
    assertTrue(ok.stdout().contains("\"queries_kept\" : 1"), ok.stdout());
    assertTrue(ok.stderr().contains("[mine-tuples"), "progress lines on stderr:\n" + ok.stderr());

    Result unknown =
        run(
            List.of(
                "bash",
                script("mine-tuples"),
                "--",
                "--run",
                run.toString(),
                "--input",
                csv.toString(),
                "--frobnicate",
                "1"));
    assertEquals(2, unknown.exitCode());
    assertTrue(
        lastLine(unknown.stderr())
            .startsWith("mine-tuples: error: mine-tuples: unknown option '--frobnicate'"),
        unknown.stderr());

    Result inconsistent =
        run(
            List.of(
                "bash",
                script("mine-tuples"),
                "--",
                "--run",
                dir.resolve("r2").toString(),
                "--input",
                csv.toString(),
                "--set",
                "mining.positive-radius-m=30"));
    assertEquals(2, inconsistent.exitCode());
    assertTrue(
        lastLine(inconsistent.stderr())
            .contains(
                "mining.positive-radius-m (30.0) must be below mining.negative-radius-m (25.0)"),
        inconsistent.stderr());
    assertFalse(Files.exists(dir.resolve("r2")), "settings are refused before anything is written");
  }

  /**
   * The first local run records the JVM's class-data archive; the next maps Spark's classes from
   * it.
   */
  @Test
  void aJobsSecondRunLoadsItsClassesFromTheArchiveTheFirstRecorded() throws Exception {
    Path csv = Jobs.writeTinyManifest(dir.resolve("m.csv"));
    Path archives = dir.resolve("cds");
    Map<String, String> env = Map.of("NETVLAD_CDS_DIR", archives.toString());
    List<String> job =
        List.of(
            "bash",
            script("mine-tuples"),
            "--master",
            "local[1]",
            "--",
            "--run",
            dir.resolve("run").toString(),
            "--input",
            csv.toString(),
            "--overwrite");
    List<String> failing = new ArrayList<>(job);
    failing.addAll(List.of("--set", "mining.positive-radius-m=30"));
    Result refused = run(failing, env);
    assertEquals(2, refused.exitCode(), refused.stderr());
    assertTrue(refused.stderr().contains("recording"), refused.stderr());
    try (var listing = Files.list(archives)) {
      assertEquals(
          List.of(), listing.toList(), "a failed run keeps no archive and leaves no temporary");
    }

    Result first = run(job, env);
    assertEquals(0, first.exitCode(), first.stderr());
    List<String> files;
    try (var listing = Files.list(archives)) {
      files = listing.map(f -> f.getFileName().toString()).toList();
    }
    assertEquals(1, files.size(), "one archive, no temporary left: " + files);
    assertTrue(files.get(0).matches("mine-tuples-\\d+\\.jsa"), files.toString());

    Path loads = dir.resolve("class-loads.log");
    Map<String, String> logged = new HashMap<>(env);
    logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + loads);
    Result second = run(job, logged);
    assertEquals(0, second.exitCode(), second.stderr());
    assertFalse(second.stderr().contains("recording"), second.stderr());
    String log = Files.readString(loads);
    assertTrue(
        log.contains("org.apache.spark.SparkContext source: shared objects file (top)"),
        "SparkContext not from the archive");

    Result off =
        run(
            job,
            Map.of("NETVLAD_CDS_DIR", dir.resolve("cds-off").toString(), "NETVLAD_CDS", "off"));
    assertEquals(0, off.exitCode(), off.stderr());
    assertFalse(Files.exists(dir.resolve("cds-off")), "NETVLAD_CDS=off records nothing");
  }

  @Test
  void aLockedRunFolderAndAnUnwritableOneAreRefusedWithTheirExitCodes() throws Exception {
    Path csv = Jobs.writeTinyManifest(dir.resolve("m.csv"));
    Path run = dir.resolve("run");
    RunFolder folder = new RunFolder(run.toString(), new Configuration());
    try (RunLock held = folder.lock("nightly", Duration.ofHours(1), m -> {})) {
      Result locked =
          run(
              List.of(
                  "bash",
                  script("mine-tuples"),
                  "--master",
                  "local[1]",
                  "--",
                  "--run",
                  run.toString(),
                  "--input",
                  csv.toString()));
      assertEquals(2, locked.exitCode(), locked.stderr());
      assertTrue(
          lastLine(locked.stderr())
              .startsWith(
                  "mine-tuples: error: "
                      + run
                      + " is locked by nightly on host "
                      + InetAddress.getLocalHost().getHostName()
                      + ", process "
                      + ProcessHandle.current().pid()
                      + ", since "),
          locked.stderr());
    }
    assertFalse(Files.exists(run.resolve("summary")), "the refused job wrote nothing");

    Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
    Result unwritable =
        run(
            List.of(
                "bash",
                script("mine-tuples"),
                "--master",
                "local[1]",
                "--",
                "--run",
                notAFolder.resolve("run").toString(),
                "--input",
                csv.toString()));
    assertEquals(3, unwritable.exitCode(), unwritable.stderr());
    assertTrue(
        lastLine(unwritable.stderr())
            .startsWith(
                "mine-tuples: error: I/O failure locking " + notAFolder.resolve("run") + ": "),
        unwritable.stderr());
  }

  @Test
  void withSparkHomeTheClustersOwnSparkSubmitRunsTheJob() throws Exception {
    // A stand-in cluster spark-submit that records how it was called.
    Path sparkHome = dir.resolve("spark");
    Path calls = dir.resolve("calls.txt");
    Files.createDirectories(sparkHome.resolve("bin"));
    Path submit = sparkHome.resolve("bin/spark-submit");
    Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > " + calls + "\n");
    submit.toFile().setExecutable(true);
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                script("mine-tuples"),
                "--master",
                "yarn",
                "--",
                "--run",
                "hdfs:///r",
                "--input",
                "hdfs:///m.csv")
            .directory(Jobs.projectRoot().toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    Process p = pb.inheritIO().start();
    assertEquals(0, p.waitFor());
    List<String> args = Files.readAllLines(calls);
    int jar =
        args.indexOf(
            Jobs.projectRoot().resolve("spark-jobs/target/netvlad-spark-jobs.jar").toString());
    assertTrue(jar > 0, "the application jar is passed: " + args);
    assertEquals("org.netvlad.jobs.MineTuplesJob", args.get(args.indexOf("--class") + 1));
    assertEquals("yarn", args.get(args.indexOf("--master") + 1));
    assertTrue(args.indexOf("--master") < jar, "spark-submit options go before the jar");
    assertEquals(
        List.of(
            "--run",
            "hdfs:///r",
            "--input",
            "hdfs:///m.csv",
            "--config",
            Jobs.projectRoot().resolve("conf/pipeline.conf").toString()),
        args.subList(jar + 1, args.size()));
    assertTrue(
        args.contains("spark.serializer=org.apache.spark.serializer.KryoSerializer"),
        "conf/spark-defaults.conf is applied: " + args);
  }

  private static String lastLine(String text) {
    List<String> lines = new ArrayList<>(text.strip().lines().toList());
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }
}
