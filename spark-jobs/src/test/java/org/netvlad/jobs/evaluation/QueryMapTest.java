package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The map puts each query where its metres say, north up and one scale for both axes, in the colour
 * of its first correct rank, over the database; it stays quick for 300,000 points.
 */
class QueryMapTest {
  private static final int GREEN = 0x2ca02c;
  private static final int BLUE = 0x1f77b4;
  private static final int ORANGE = 0xff7f0e;
  private static final int RED = 0xd62728;

  @Test
  void coloursEachQueryByItsFirstCorrectRank() throws Exception {
    // queries 400 m apart, a database image under each and one alone
    double[] qe = {1000, 1400, 1800, 2200, 2600};
    double[] qn = {5000, 5000, 5400, 5400, 5000};
    int[] rank = {1, 3, 0, 12, 5};
    QueryMap.Points p =
        new QueryMap.Points(
            new double[] {1000, 1400, 2600, 1800},
            new double[] {5000, 5000, 5000, 5200},
            qe,
            qn,
            rank);
    BufferedImage map = ImageIO.read(new ByteArrayInputStream(QueryMap.png(p, 20)));
    QueryMap.Frame f = QueryMap.Frame.of(p);
    int[] expected = {GREEN, BLUE, RED, ORANGE, BLUE};
    for (int i = 0; i < qe.length; i++) {
      assertEquals(
          expected[i], rgb(map, f.xPx(qe[i]), f.yPx(qn[i])), "query " + i + " of rank " + rank[i]);
    }
    assertEquals(
        0xcfcfcf, rgb(map, f.xPx(1800), f.yPx(5200)), "the lone database image, faint grey");
    assertEquals(0xffffff, rgb(map, f.xPx(1200), f.yPx(5300)), "nothing between them");
  }

  @Test
  void northIsUpAndBothAxesShareOneScale() {
    QueryMap.Points p =
        new QueryMap.Points(
            new double[0],
            new double[0],
            new double[] {0, 3000, 0},
            new double[] {0, 0, 1500},
            new int[] {1, 1, 1});
    QueryMap.Frame f = QueryMap.Frame.of(p);
    int east = f.xPx(3000) - f.xPx(0);
    int north = f.yPx(0) - f.yPx(1500);
    assertTrue(east > 600, "3 km spans most of the 900 px: " + east);
    assertEquals(east / 2.0, north, 1.0, "1.5 km north is half of 3 km east, upwards");
    BufferedImage map = QueryMap.draw(p, 20);
    for (int i = 0; i < 3; i++) {
      int x = f.xPx(p.queryEastingM()[i]);
      int y = f.yPx(p.queryNorthingM()[i]);
      assertTrue(
          x > 0 && x < map.getWidth() && y > 0 && y < f.topPx() + f.heightPx(),
          "inside the plot: " + x + "," + y);
    }
  }

  @Test
  void aMissIsDrawnOverAHitAtTheSamePlace() {
    QueryMap.Points p =
        new QueryMap.Points(
            new double[] {10},
            new double[] {10},
            new double[] {10, 10, 500},
            new double[] {10, 10, 500},
            new int[] {0, 1, 2});
    QueryMap.Frame f = QueryMap.Frame.of(p);
    assertEquals(RED, rgb(QueryMap.draw(p, 20), f.xPx(10), f.yPx(10)));
  }

  @Test
  void scaleBarLengthsAreRound() {
    assertEquals(1000, QueryMap.roundLength(1234), 1e-9);
    assertEquals(2000, QueryMap.roundLength(2345), 1e-9);
    assertEquals(5, QueryMap.roundLength(7.5), 1e-9);
    assertEquals(0.2, QueryMap.roundLength(0.3), 1e-12);
    assertEquals(500, QueryMap.roundLength(500), 1e-9);
    assertEquals("2 km", QueryMap.metresText(2000));
    assertEquals("50 m", QueryMap.metresText(50));
  }

  @Test
  void threeHundredThousandPointsDrawQuickly() {
    Random random = new Random(1);
    int n = 150_000;
    double[][] xy = new double[4][n];
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      for (double[] column : xy) {
        column[i] = random.nextDouble() * 20_000;
      }
      rank[i] = random.nextInt(21);
    }
    long t0 = System.nanoTime();
    byte[] png = QueryMap.png(new QueryMap.Points(xy[0], xy[1], xy[2], xy[3], rank), 20);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(png.length > 10_000);
    assertTrue(seconds < 20, "300,000 points in " + seconds + " s");
    System.out.printf("map of 300,000 points: %.2f s, %,d bytes%n", seconds, png.length);
  }

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xffffff;
  }
}
