package org.netvlad.common.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.netvlad.common.data.Role;
import org.netvlad.common.layout.StreetLayout;

/**
 * The rendered city makes the real place-recognition problem: a pixel-space baseline (tiny grey
 * thumbnails compared by L2) finds the place of a same-date query far more often than that of a
 * query captured on another date, yet well above chance; and images of one place on different dates
 * share structure (edge maps) more than images 100 m apart.
 */
class LearningProblemTest {
  static final int W = 160;
  static final int H = 120;

  record Shot(double east, double north, double heading, float[] thumb, float[] edges) {}

  @Test
  void pixelBaselineIsAboveChanceButFailsAcrossDates() {
    City city = new City(5, 100, 20);
    // 400 x 400 m: about 1,700 images. -Dlearning.problem.side-m=800 measures a larger split.
    double sideM = Double.parseDouble(System.getProperty("learning.problem.side-m", "400"));
    StreetLayout layout = new StreetLayout(sideM, sideM, 100, 12, 1, 1.0, 0, 5);
    Renderer renderer = new Renderer(city);
    List<Shot> database = new ArrayList<>();
    List<Shot> sameDate = new ArrayList<>();
    List<Shot> otherDate = new ArrayList<>();
    for (int s = 0; s < layout.streetCount(); s++) {
      for (StreetLayout.LayoutImage image : layout.street(s)) {
        Capture c = Captures.of(image, 5, W, H);
        if (image.role() == Role.DATABASE) {
          database.add(shot(renderer, c));
          // The same place and date, another photograph: camera noise, cars and people differ.
          sameDate.add(
              shot(
                  renderer,
                  Captures.of(
                      image.imageId() + "/again",
                      image.cameraEastM(),
                      image.cameraNorthM(),
                      image.headingDeg(),
                      3,
                      image.capturedAt(),
                      5,
                      W,
                      H)));
        } else {
          otherDate.add(shot(renderer, c));
        }
      }
    }
    double chance = 0;
    for (Shot q : otherDate) {
      int near = 0;
      for (Shot d : database) {
        near += Math.hypot(d.east - q.east, d.north - q.north) <= 25 ? 1 : 0;
      }
      chance += (double) near / database.size();
    }
    chance /= otherDate.size();
    double recallSame = recallAt1(sameDate, database);
    double recallOther = recallAt1(otherDate, database);
    System.out.printf(
        "pixel baseline Recall@1: same date %.3f, other date %.3f, chance %.3f (%d database"
            + " images)%n",
        recallSame, recallOther, chance, database.size());
    assertTrue(
        recallOther < 0.8, "across dates the pixel baseline must fail often: " + recallOther);
    assertTrue(
        recallOther < recallSame - 0.15,
        "same-date " + recallSame + " vs other-date " + recallOther);
    assertTrue(recallOther > 5 * chance, "well above chance " + chance + ": " + recallOther);

    // A query against the database image of its place looking the same way, and against one
    // looking the same way 100 m away.
    double samePlace = 0;
    double farApart = 0;
    int pairs = 0;
    int sameWins = 0;
    for (Shot q : otherDate) {
      Shot same = null;
      Shot far = null;
      for (Shot d : database) {
        double gap = Math.hypot(d.east - q.east, d.north - q.north);
        boolean sameWay = Math.abs(((d.heading - q.heading) % 360 + 540) % 360 - 180) < 20;
        if (sameWay && gap < 0.01) {
          same = d;
        } else if (sameWay && gap > 95 && gap < 105 && far == null) {
          far = d;
        }
      }
      if (same != null && far != null) {
        double cSame = correlation(same.edges, q.edges);
        double cFar = correlation(far.edges, q.edges);
        samePlace += cSame;
        farApart += cFar;
        sameWins += cSame > cFar ? 1 : 0;
        pairs++;
      }
    }
    samePlace /= pairs;
    farApart /= pairs;
    double winShare = (double) sameWins / pairs;
    System.out.printf(
        "edge-map correlation: same place other date %.3f, 100 m apart %.3f; same place higher in"
            + " %.0f%% of %d pairs%n",
        samePlace, farApart, 100 * winShare, pairs);
    assertTrue(
        samePlace > 1.25 * farApart, "same place " + samePlace + " vs 100 m apart " + farApart);
    assertTrue(winShare > 0.65, "same place correlates better in most pairs: " + winShare);
  }

  private static double recallAt1(List<Shot> queries, List<Shot> database) {
    int correct = 0;
    for (Shot q : queries) {
      Shot best = null;
      double bestD = Double.POSITIVE_INFINITY;
      for (Shot d : database) {
        double dist = 0;
        for (int k = 0; k < q.thumb.length; k++) {
          double e = q.thumb[k] - d.thumb[k];
          dist += e * e;
        }
        if (dist < bestD) {
          bestD = dist;
          best = d;
        }
      }
      correct += Math.hypot(best.east - q.east, best.north - q.north) <= 25 ? 1 : 0;
    }
    return (double) correct / queries.size();
  }

  private static Shot shot(Renderer r, Capture c) {
    int[] px = r.render(c);
    float[] grey = new float[W * H];
    for (int i = 0; i < px.length; i++) {
      grey[i] =
          ((px[i] >> 16 & 0xFF) * 0.299f + (px[i] >> 8 & 0xFF) * 0.587f + (px[i] & 0xFF) * 0.114f)
              / 255f;
    }
    int tw = 16;
    int th = 12;
    float[] thumb = new float[tw * th];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        thumb[(y * th / H) * tw + x * tw / W] += grey[y * W + x] / ((W / tw) * (H / th));
      }
    }
    // Edge strength pooled over 4 x 4 pixel cells: structure, not exact pixel alignment.
    float[] edges = new float[(W / 4) * (H / 4)];
    for (int y = 1; y < H - 1; y++) {
      for (int x = 1; x < W - 1; x++) {
        float gx = grey[y * W + x + 1] - grey[y * W + x - 1];
        float gy = grey[(y + 1) * W + x] - grey[(y - 1) * W + x];
        edges[(y / 4) * (W / 4) + x / 4] += (float) Math.hypot(gx, gy);
      }
    }
    return new Shot(c.eastM(), c.northM(), c.headingDeg(), thumb, edges);
  }

  private static double correlation(float[] a, float[] b) {
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < a.length; i++) {
      ma += a[i];
      mb += b[i];
    }
    ma /= a.length;
    mb /= b.length;
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (int i = 0; i < a.length; i++) {
      cov += (a[i] - ma) * (b[i] - mb);
      va += (a[i] - ma) * (a[i] - ma);
      vb += (b[i] - mb) * (b[i] - mb);
    }
    return cov / Math.sqrt(va * vb);
  }
}
