package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.TrainNetVladJob;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobIoFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.nightly.NightlyRoot;

/**
 * The jobs read their inputs from and commit their outputs to a real HDFS (Hadoop's mini cluster);
 * a folder the user may not write and a full quota fail as I/O failures naming the place; the run
 * lock has one winner among takers on HDFS too.
 */
class HdfsIT extends SparkTestBase {
  @TempDir static Path hdfsDir;
  @TempDir Path dir;
  private static MiniDFSCluster cluster;

  @BeforeAll
  static void startHdfs() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsDir.toString());
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void minesFromAndIntoHdfsExactlyAsLocally() throws Exception {
    String hdfs = cluster.getURI().toString();
    FileSystem fs = cluster.getFileSystem();
    Path csv =
        Jobs.writeLines(
            dir.resolve("extra.csv"),
            List.of(
                "image_id,path,utm_easting,utm_northing,utm_zone,role,split",
                "x1,x1.jpg,585001.0,4477059.0,17T,query,val"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(Jobs.pittsburghSpec("pitts30k_val.mat").toString()),
        new org.apache.hadoop.fs.Path(hdfs + "/specs/pitts30k_val.mat"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(csv.toString()),
        new org.apache.hadoop.fs.Path(hdfs + "/specs/extra.csv"));

    String hdfsRun = hdfs + "/runs/r1";
    Map<String, Object> onHdfs =
        Jobs.mine(
            spark,
            hdfsRun,
            List.of(hdfs + "/specs/pitts30k_val.mat", hdfs + "/specs/extra.csv"),
            false);
    Map<String, Object> local =
        Jobs.mine(
            spark,
            dir.resolve("local").toUri().toString(),
            List.of(Jobs.pittsburghSpec("pitts30k_val.mat").toString(), csv.toString()),
            false);
    for (String key :
        List.of(
            "rows_in",
            "queries_in",
            "queries_kept",
            "pairs_within_positive_radius",
            "pairs_within_negative_radius")) {
      assertEquals(local.get(key), onHdfs.get(key), key);
    }
    assertEquals(7_609L, onHdfs.get("queries_in"));
    RunFolder folder = new RunFolder(hdfsRun, spark.sparkContext().hadoopConfiguration());
    Map<String, Object> summary =
        JobMain.fromJson(folder.readText(folder.resolve("summary/mine-tuples.json")));
    assertEquals(
        ((Number) onHdfs.get("queries_kept")).longValue(),
        ((Number) summary.get("queries_kept")).longValue());
    assertEquals(onHdfs.get("queries_kept"), spark.read().parquet(hdfsRun + "/tuples/val").count());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(hdfsRun + "/panoramas")));
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(hdfsRun + "/_staging")));
  }

  /** A tiny mined run on HDFS, and its summary's text. */
  private String minedRun(String name) throws Exception {
    String run = cluster.getURI() + "/runs/" + name;
    Jobs.mine(
        spark, run, List.of(Jobs.writeTinyManifest(dir.resolve(name + ".csv")).toString()), false);
    return run;
  }

  private String summaryText(String run) throws Exception {
    RunFolder folder = new RunFolder(run, spark.sparkContext().hadoopConfiguration());
    return folder.readText(folder.resolve("summary/mine-tuples.json"));
  }

  @Test
  void aRunFolderTheUserCannotWriteIsRefusedBeforeAnyWorkNamingIt() throws Exception {
    String run = minedRun("readonly");
    String before = summaryText(run);
    FileSystem fs = cluster.getFileSystem();
    fs.setPermission(new org.apache.hadoop.fs.Path(run), new FsPermission((short) 0555));
    UserGroupInformation bob =
        UserGroupInformation.createUserForTesting("bob", new String[] {"users"});
    TrainNetVladJob.Config config =
        new TrainNetVladJob.Config(run, PipelineConfig.load("", "t", List.of()), true);
    long t0 = System.nanoTime();
    JobIoFailure e =
        assertThrows(
            JobIoFailure.class,
            () ->
                bob.doAs(
                    (PrivilegedExceptionAction<Object>) () -> TrainNetVladJob.run(spark, config)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "I/O failure locking "
                    + run
                    + ": AccessControlException: Permission denied: user=bob, access=WRITE"),
        e.getMessage());
    System.out.printf("refused in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, e.getMessage());
    FileSystem.closeAllForUGI(bob);
    assertEquals(before, summaryText(run));
  }

  @Test
  void aFullQuotaFailsTheOverwriteNamingWhereAndKeepsTheFinishedRun() throws Exception {
    String run = minedRun("quota");
    String before = summaryText(run);
    DistributedFileSystem fs = cluster.getFileSystem();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(run);
    ContentSummary used = fs.getContentSummary(root);
    // room for the lock and the staging folder, none for the first Parquet output (out of inodes,
    // as a disk can be)
    fs.setQuota(
        root, used.getFileCount() + used.getDirectoryCount() + 3, HdfsConstants.QUOTA_DONT_SET);
    JobIoFailure e =
        assertThrows(
            JobIoFailure.class,
            () -> Jobs.mine(spark, run, List.of(dir.resolve("quota.csv").toString()), true));
    assertTrue(
        e.getMessage().startsWith("I/O failure writing " + run + "/_staging/mine-tuples-")
            && e.getMessage()
                .contains(
                    ": NSQuotaExceededException: The NameSpace quota (directories and files) of"
                        + " directory /runs/quota is exceeded"),
        e.getMessage());
    fs.setQuota(root, HdfsConstants.QUOTA_RESET, HdfsConstants.QUOTA_DONT_SET);
    assertEquals(before, summaryText(run), "the finished run is as it was");
    assertEquals(1L, spark.read().parquet(run + "/tuples/train").count());
  }

  @Test
  void ofManyTakersOfAStaleLockOnHdfsExactlyOneWins() throws Exception {
    DistributedFileSystem fs = cluster.getFileSystem();
    for (int round = 0; round < 8; round++) {
      org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path("/locks/round" + round);
      org.apache.hadoop.fs.Path stale =
          new org.apache.hadoop.fs.Path(folder, RunLock.FOLDER + "/5");
      try (var out = fs.create(stale)) {
        out.write(
            "{\"job\":\"nightly\",\"host\":\"elsewhere\",\"pid\":1,\"started_at\":\"2020-01-01T00:00:00Z\"}"
                .getBytes());
      }
      fs.setTimes(stale, System.currentTimeMillis() - 7_200_000, -1);
      CyclicBarrier start = new CyclicBarrier(4);
      List<Object> outcomes = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    start.await();
                    outcomes.add(
                        RunLock.acquire(fs, folder, "taker", Duration.ofHours(1), m -> {}));
                  } catch (Exception ex) {
                    outcomes.add(ex);
                  }
                });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join();
      }
      List<RunLock> winners =
          outcomes.stream().filter(o -> o instanceof RunLock).map(o -> (RunLock) o).toList();
      assertEquals(1, winners.size(), "round " + round + ": " + outcomes);
      assertTrue(
          outcomes.stream()
              .allMatch(
                  o ->
                      o instanceof RunLock
                          || o instanceof JobFailure f
                              && f.getMessage().contains(" is locked by taker")),
          outcomes.toString());
      winners.get(0).close();
      assertFalse(fs.exists(stale), "the stale claim is gone");
    }
  }

  @Test
  void theNightlysCurrentPointerIsReplacedWholeOnHdfsWhileReadersRead() throws Exception {
    DistributedFileSystem fs = cluster.getFileSystem();
    NightlyRoot root = NightlyRoot.open(cluster.getURI() + "/nightly-pointer", fs.getConf());
    org.apache.hadoop.fs.Path current =
        new org.apache.hadoop.fs.Path(cluster.getURI() + "/nightly-pointer/current");
    root.moveCurrentTo("2024-05-01");
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<String> seen = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                try (var in = fs.open(current)) {
                  seen.add(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                  seen.add("failed: " + e);
                }
              }
            });
    reader.start();
    for (int day = 2; day <= 30; day++) {
      root.moveCurrentTo(String.format("2024-05-%02d", day));
    }
    done.set(true);
    reader.join();
    assertEquals("2024-05-30", root.currentDate());
    assertTrue(seen.size() > 10, "the reader read " + seen.size() + " times");
    assertTrue(
        seen.stream().allMatch(t -> t.matches("runs/2024-05-\\d\\d\n")),
        "only whole pointers, never a missing file: "
            + seen.stream().filter(t -> !t.matches("runs/2024-05-\\d\\d\n")).limit(3).toList());
    assertEquals(1, fs.listStatus(current.getParent()).length, "no temporary file is left");
  }
}
