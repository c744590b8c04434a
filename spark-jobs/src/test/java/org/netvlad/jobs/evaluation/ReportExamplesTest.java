package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.netvlad.common.eval.BlockTopN;
import org.netvlad.common.eval.TopList;

/**
 * An example's images are marked correct by the search's own rule: the first one marked is the
 * first correct rank the search found; distances are the ground's in metres and the descriptors'.
 */
class ReportExamplesTest {
  private static final Thumbnails.Thumbnail NONE =
      new Thumbnails.Thumbnail(null, "not read in this test");

  @Test
  void marksAgreeWithTheSearchAtTheRadiusBoundary() {
    // database image k: descriptor (k+1, 0), so rank k+1; ground offsets around the 25 m radius
    double[][] offsetsM = {{100, 0}, {0, 25.1}, {25, 0}, {-15, -19.9}, {300, 0}, {1, 1}};
    int rows = offsetsM.length;
    float[][] descriptors = new float[rows][];
    long[] indices = new long[rows];
    double[] e = new double[rows];
    double[] n = new double[rows];
    Map<Long, ReportExamples.Place> database = new HashMap<>();
    for (int k = 0; k < rows; k++) {
      descriptors[k] = new float[] {k + 1, 0};
      indices[k] = 10 + k;
      e[k] = 500_000 + offsetsM[k][0];
      n[k] = 4_000_000 + offsetsM[k][1];
      database.put(indices[k], new ReportExamples.Place("db" + k, "db/" + k + ".png", e[k], n[k]));
    }
    BlockTopN.Block query =
        new BlockTopN.Block(
            new float[][] {{0, 0}},
            new long[] {0},
            new double[] {500_000},
            new double[] {4_000_000});
    TopList top =
        BlockTopN.search(query, new BlockTopN.Block(descriptors, indices, e, n), 20, 25)[0];
    assertEquals(3, top.firstCorrectRank(), "25.0 m is within the radius, 25.1 m is not");

    ReportExamples.Result result =
        new ReportExamples.Result(
            new ReportExamples.Place("q", "q.png", 500_000, 4_000_000),
            top.dbIndices(),
            top.squaredDistances(),
            top.firstCorrectRank());
    ReportExamples.Example ex = ReportExamples.of(result, database, 25, path -> NONE);
    assertEquals(ReportExamples.SHOWN_RANKS, ex.top().size(), "five shown of the 20 found");
    assertEquals(
        List.of(false, false, true, true, false),
        ex.top().stream().map(ReportExamples.Retrieved::correct).toList());
    assertEquals(
        List.of("db0", "db1", "db2", "db3", "db4"),
        ex.top().stream().map(r -> r.image().imageId()).toList());
    double[] groundM = {100, 25.1, 25, Math.sqrt(15 * 15 + 19.9 * 19.9), 300};
    for (int r = 0; r < 5; r++) {
      assertEquals(r + 1, ex.top().get(r).rank());
      assertEquals(
          groundM[r],
          ex.top().get(r).groundDistanceM(),
          1e-6,
          "ground distance at rank " + (r + 1));
      assertEquals(
          r + 1,
          ex.top().get(r).descriptorDistance(),
          1e-5,
          "descriptor distance at rank " + (r + 1));
    }
    assertEquals("q.png", ex.query().path());
  }

  @Test
  void anIndexThePanoramasLackIsNamed() {
    ReportExamples.Result result =
        new ReportExamples.Result(
            new ReportExamples.Place("q", "q.png", 0, 0), new long[] {7}, new double[] {1}, 0);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ReportExamples.of(result, Map.of(), 25, path -> NONE));
    assertEquals(
        "query q ranks database index 7, which the split's panoramas/ does not hold",
        e.getMessage());
  }
}
