package org.netvlad.jobs.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Locale;
import org.netvlad.jobs.io.Pictures;

/**
 * Every query at its metric position (frame_easting_m, frame_northing_m; north up, one scale for
 * both axes) coloured by its first correct rank, the database faint grey behind, with a legend and
 * a scale bar. A raster: squares set into pixels cost the same for 250,000 points as for 250.
 */
public final class QueryMap {
  static final int WIDTH_PX = 900;
  static final int MARGIN_PX = 20;
  static final int FOOTER_PX = 70;
  static final Color DATABASE = new Color(0xcfcfcf);

  /** Positions in metres; {@code firstCorrectRank[i]} is query i's (0: missed within N_max). */
  public record Points(
      double[] dbEastingM,
      double[] dbNorthingM,
      double[] queryEastingM,
      double[] queryNorthingM,
      int[] firstCorrectRank) {
    public Points {
      if (dbEastingM.length != dbNorthingM.length
          || queryEastingM.length != queryNorthingM.length
          || queryEastingM.length != firstCorrectRank.length) {
        throw new IllegalArgumentException("map points of unequal lengths");
      }
    }

    int count() {
      return dbEastingM.length + queryEastingM.length;
    }
  }

  /** Metres to pixels: the extent of all points, padded, fitted into the plot at one scale. */
  record Frame(
      double minEastingM,
      double maxNorthingM,
      double metresPerPx,
      int leftPx,
      int topPx,
      int widthPx,
      int heightPx) {
    int xPx(double eastingM) {
      return leftPx + (int) Math.floor((eastingM - minEastingM) / metresPerPx);
    }

    int yPx(double northingM) {
      return topPx + (int) Math.floor((maxNorthingM - northingM) / metresPerPx);
    }

    static Frame of(Points p) {
      double[] e = extent(p.dbEastingM(), p.queryEastingM());
      double[] n = extent(p.dbNorthingM(), p.queryNorthingM());
      double spanE = Math.max(e[1] - e[0], 1);
      double spanN = Math.max(n[1] - n[0], 1);
      int fullW = WIDTH_PX - 2 * MARGIN_PX;
      int plotH = (int) clamp(Math.round(fullW * spanN / spanE), 200, 700);
      int plotW =
          (int)
              clamp(
                  Math.round(plotH * spanE / spanN),
                  200,
                  fullW); // a tall city gets a narrow plot, not a wide empty one
      double metresPerPx =
          Math.max(
              spanE / (plotW - 12), spanN / (plotH - 12)); // 6 px free on each side for the squares
      double centreE = (e[0] + e[1]) / 2;
      double centreN = (n[0] + n[1]) / 2;
      return new Frame(
          centreE - metresPerPx * plotW / 2,
          centreN + metresPerPx * plotH / 2,
          metresPerPx,
          MARGIN_PX,
          MARGIN_PX,
          plotW,
          plotH);
    }

    private static long clamp(long value, long min, long max) {
      return Math.max(min, Math.min(max, value));
    }

    private static double[] extent(double[] a, double[] b) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (double[] values : new double[][] {a, b}) {
        for (double v : values) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
      return min > max ? new double[] {0, 0} : new double[] {min, max};
    }
  }

  private QueryMap() {}

  public static byte[] png(Points points, int maxN) {
    return Pictures.png(draw(points, maxN));
  }

  static BufferedImage draw(Points p, int maxN) {
    Frame f = Frame.of(p);
    BufferedImage image =
        new BufferedImage(
            WIDTH_PX, f.heightPx() + MARGIN_PX + FOOTER_PX, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Pictures.canvas(image);
    int sizePx = squarePx(p.count());
    g.setColor(DATABASE);
    for (int i = 0; i < p.dbEastingM().length; i++) {
      square(g, f.xPx(p.dbEastingM()[i]), f.yPx(p.dbNorthingM()[i]), sizePx);
    }
    long[] counts = new long[RankBand.values().length];
    for (RankBand band :
        RankBand
            .values()) { // the misses drawn last, on top: they are what the map is looked at for
      g.setColor(band.colour);
      for (int i = 0; i < p.firstCorrectRank().length; i++) {
        if (RankBand.of(p.firstCorrectRank()[i]) == band) {
          square(g, f.xPx(p.queryEastingM()[i]), f.yPx(p.queryNorthingM()[i]), sizePx);
          counts[band.ordinal()]++;
        }
      }
    }
    g.setColor(Color.GRAY);
    g.drawRect(f.leftPx(), f.topPx(), f.widthPx() - 1, f.heightPx() - 1);
    int footerY = f.topPx() + f.heightPx() + 25;
    legend(g, counts, p.dbEastingM().length, maxN, f.leftPx(), footerY);
    scaleBar(g, f, footerY + 28);
    g.dispose();
    return image;
  }

  /**
   * Bigger squares for fewer points, so that a small city is legible and a large one not a blot.
   */
  static int squarePx(int points) {
    return points <= 5_000 ? 5 : points <= 50_000 ? 3 : 2;
  }

  private static void square(Graphics2D g, int xPx, int yPx, int sizePx) {
    g.fillRect(xPx - sizePx / 2, yPx - sizePx / 2, sizePx, sizePx);
  }

  private static void legend(Graphics2D g, long[] counts, int database, int maxN, int x, int y) {
    for (RankBand band : RankBand.values()) {
      if (band.possible(maxN)) {
        x =
            legendItem(
                g,
                band.colour,
                String.format(Locale.ROOT, "%s (%,d)", band.label(maxN), counts[band.ordinal()]),
                x,
                y);
      }
    }
    legendItem(g, DATABASE, String.format(Locale.ROOT, "database image (%,d)", database), x, y);
  }

  private static int legendItem(Graphics2D g, Color colour, String text, int x, int y) {
    g.setColor(colour);
    g.fillRect(x, y - 9, 10, 10);
    g.setColor(Color.BLACK);
    g.drawString(text, x + 14, y);
    return x + 24 + g.getFontMetrics().stringWidth(text);
  }

  /** A bar of a round length (1, 2 or 5 x 10^k m) about a fifth of the plot's longer side. */
  private static void scaleBar(Graphics2D g, Frame f, int y) {
    double metres = roundLength(f.metresPerPx() * Math.max(f.widthPx(), f.heightPx()) / 5);
    int lengthPx = (int) Math.round(metres / f.metresPerPx());
    int x = f.leftPx();
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(2f));
    g.drawLine(x, y, x + lengthPx, y);
    g.drawLine(x, y - 5, x, y + 5);
    g.drawLine(x + lengthPx, y - 5, x + lengthPx, y + 5);
    g.drawString(metresText(metres) + "   (north up; metric frame)", x + lengthPx + 10, y + 4);
  }

  /** The largest 1, 2 or 5 x 10^k not above {@code metres}. */
  static double roundLength(double metres) {
    double power = Math.pow(10, Math.floor(Math.log10(metres)));
    for (double step : new double[] {5, 2, 1}) {
      if (step * power <= metres * (1 + 1e-9)) {
        return step * power;
      }
    }
    return power;
  }

  static String metresText(double metres) {
    return metres >= 1000
        ? String.format(Locale.ROOT, "%s km", trim(metres / 1000))
        : trim(metres) + " m";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
