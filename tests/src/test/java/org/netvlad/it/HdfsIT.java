package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.RunFolder;

/** The job reads its inputs from and commits its outputs to a real HDFS (Hadoop's mini cluster). */
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
            List.of("image_id,path,utm_easting,utm_northing,utm_zone,role,split", "x1,x1.jpg,585001.0,4477059.0,17T,query,val"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(Jobs.pittsburghSpec("pitts30k_val.mat").toString()), new org.apache.hadoop.fs.Path(hdfs + "/specs/pitts30k_val.mat"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(csv.toString()), new org.apache.hadoop.fs.Path(hdfs + "/specs/extra.csv"));

    String hdfsRun = hdfs + "/runs/r1";
    Map<String, Object> onHdfs =
        Jobs.mine(spark, hdfsRun, List.of(hdfs + "/specs/pitts30k_val.mat", hdfs + "/specs/extra.csv"), false);
    Map<String, Object> local =
        Jobs.mine(spark, dir.resolve("local").toUri().toString(), List.of(Jobs.pittsburghSpec("pitts30k_val.mat").toString(), csv.toString()), false);
    for (String key : List.of("rows_in", "queries_in", "queries_kept", "pairs_within_positive_radius", "pairs_within_negative_radius")) {
      assertEquals(local.get(key), onHdfs.get(key), key);
    }
    assertEquals(7_609L, onHdfs.get("queries_in"));
    RunFolder folder = new RunFolder(hdfsRun, spark.sparkContext().hadoopConfiguration());
    Map<String, Object> summary = JobMain.fromJson(folder.readText(folder.resolve("summary/mine-tuples.json")));
    assertEquals(((Number) onHdfs.get("queries_kept")).longValue(), ((Number) summary.get("queries_kept")).longValue());
    assertEquals(onHdfs.get("queries_kept"), spark.read().parquet(hdfsRun + "/tuples/val").count());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(hdfsRun + "/panoramas")));
    assertFalse(fs.exists(new org.apache.hadoop.fs.Path(hdfsRun + "/_staging")));
  }
}
