package org.netvlad.jobs.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.netvlad.common.eval.BlockTopN;

/**
 * Example retrievals of the report: a query beside its nearest database images, each marked correct
 * or not.
 */
public final class ReportExamples {
  /** Database images shown per query. */
  public static final int SHOWN_RANKS = 5;

  /** An image as the page shows it. */
  public record Shown(String imageId, String path, Thumbnails.Thumbnail thumbnail) {}

  /** One of a query's nearest database images: correct by the rule of Recall@N. */
  public record Retrieved(
      int rank, Shown image, boolean correct, double groundDistanceM, double descriptorDistance) {}

  public record Example(Shown query, int firstCorrectRank, List<Retrieved> top) {}

  /** Where an image is, and its file. */
  public record Place(String imageId, String path, double eastingM, double northingM) {}

  /** One row of evaluation/per_query with the query's path. */
  public record Result(
      Place query, long[] topDbIndices, double[] topSquaredDistances, int firstCorrectRank) {}

  private ReportExamples() {}

  /**
   * @param database the places of (at least) the database images the result names, by db index
   * @param radiusM the success radius of Recall@N
   */
  public static Example of(
      Result r,
      Map<Long, Place> database,
      double radiusM,
      Function<String, Thumbnails.Thumbnail> thumbnails) {
    List<Retrieved> top = new ArrayList<>();
    for (int i = 0; i < Math.min(SHOWN_RANKS, r.topDbIndices().length); i++) {
      Place p = database.get(r.topDbIndices()[i]);
      if (p == null) {
        throw new IllegalStateException(
            "query "
                + r.query().imageId()
                + " ranks database index "
                + r.topDbIndices()[i]
                + ", which the split's panoramas/ does not hold");
      }
      double de = p.eastingM() - r.query().eastingM();
      double dn = p.northingM() - r.query().northingM();
      top.add(
          new Retrieved(
              i + 1,
              shown(p, thumbnails),
              BlockTopN.withinRadius(de, dn, radiusM),
              Math.hypot(de, dn),
              Math.sqrt(r.topSquaredDistances()[i])));
    }
    return new Example(shown(r.query(), thumbnails), r.firstCorrectRank(), top);
  }

  private static Shown shown(Place p, Function<String, Thumbnails.Thumbnail> thumbnails) {
    return new Shown(p.imageId(), p.path(), thumbnails.apply(p.path()));
  }
}
