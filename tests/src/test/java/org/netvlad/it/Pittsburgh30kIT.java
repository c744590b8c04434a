package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.data.DbStruct;

/** The job on the real Pittsburgh 30k training spec agrees with a brute-force count over it. */
class Pittsburgh30kIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void queriesWithAPositiveAndPairsWithin25mEqualBruteForce() throws Exception {
    Path mat = Jobs.pittsburghSpec("pitts30k_train.mat");
    DbStruct spec = DbStruct.read(mat.toString(), Files.readAllBytes(mat));
    long queriesWithPositive = 0;
    long pairsWithin25 = 0;
    long pairsWithin10 = 0;
    for (double[] q : spec.qUtm()) {
      boolean positive = false;
      for (double[] d : spec.dbUtm()) {
        double d2 = (q[0] - d[0]) * (q[0] - d[0]) + (q[1] - d[1]) * (q[1] - d[1]);
        if (d2 <= 625) {
          pairsWithin25++;
        }
        if (d2 <= 100) {
          pairsWithin10++;
          positive = true;
        }
      }
      if (positive) {
        queriesWithPositive++;
      }
    }
    Map<String, Object> summary = Jobs.mine(spark, dir.resolve("run"), List.of(mat.toString()));
    assertEquals(0L, summary.get("rows_rejected"));
    assertEquals("17T", summary.get("frame_zone"));
    assertEquals((long) spec.qImageFns().size(), summary.get("queries_in"));
    assertEquals(queriesWithPositive, summary.get("queries_kept"));
    assertEquals(
        spec.qImageFns().size() - queriesWithPositive, summary.get("queries_without_positive"));
    assertEquals(pairsWithin25, summary.get("pairs_within_negative_radius"));
    assertEquals(pairsWithin10, summary.get("pairs_within_positive_radius"));
    assertTrue(
        queriesWithPositive > 7000 && pairsWithin25 > 1_000_000, "sanity: a real, dense city");
    @SuppressWarnings("unchecked")
    Map<String, Object> positives = (Map<String, Object>) summary.get("positives_per_query");
    assertTrue(((Number) positives.get("min")).intValue() >= 1);
    assertEquals(
        queriesWithPositive,
        spark.read().parquet(dir.resolve("run").toUri() + "/tuples/train").count());
    // Heading columns come from the Pittsburgh file names.
    assertEquals(
        0,
        spark
            .read()
            .parquet(dir.resolve("run").toUri() + "/panoramas")
            .filter("heading_deg is null")
            .count());
  }
}
