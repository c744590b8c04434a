package org.netvlad.jobs.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.netvlad.jobs.io.Pictures;

/**
 * The evaluation's curves: Recall@N against N for this evaluation and any compared ones (the
 * paper's figures), written as recall.png and shown in the page {@link ReportPage} makes.
 */
public final class EvaluationReport {
  private static final Color[] COLOURS = {
    new Color(0xd62728),
    new Color(0x1f77b4),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e)
  };

  /** One evaluation: its label, Recall@1..N_max, and a line describing it. */
  public record Entry(String label, double[] curve, String about) {}

  private EvaluationReport() {}

  /** Recall@N for N = 1..curve length, one line per entry, this evaluation first. */
  public static byte[] curvePng(List<Entry> entries) {
    int w = 640;
    int h = 420;
    int left = 60;
    int top = 30;
    int width = 540;
    int height = 330;
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Pictures.canvas(image);
    int maxN = 1;
    for (Entry e : entries) {
      maxN = Math.max(maxN, e.curve().length);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, width, height);
    g.drawString("Recall@N", 5, top - 10);
    g.drawString(
        "N (number of top database candidates)", left + width / 2 - 110, top + height + 30);
    for (int t = 0; t <= 10; t += 2) {
      int y = top + height - height * t / 10;
      g.drawString(String.format("%.1f", t / 10.0), left - 30, y + 4);
    }
    for (int n = 1; n <= maxN; n++) {
      if (n == 1 || n % 5 == 0) {
        g.drawString(Integer.toString(n), x(n, maxN, left, width) - 4, top + height + 15);
      }
    }
    int legendX =
        left
            + width
            - 10
            - widestLabelPx(g, entries); // inside the frame whatever the labels' length
    for (int s = 0; s < entries.size(); s++) {
      double[] curve = entries.get(s).curve();
      g.setColor(COLOURS[s % COLOURS.length]);
      g.setStroke(new BasicStroke(2f));
      for (int n = 1; n <= curve.length; n++) {
        int x = x(n, maxN, left, width);
        int y = top + height - (int) Math.round(curve[n - 1] * height);
        g.fillOval(x - 3, y - 3, 6, 6);
        if (n > 1) {
          g.drawLine(
              x(n - 1, maxN, left, width),
              top + height - (int) Math.round(curve[n - 2] * height),
              x,
              y);
        }
      }
      g.drawString(
          entries.get(s).label(), legendX, top + height - 20 - 16 * (entries.size() - 1 - s));
    }
    g.dispose();
    return Pictures.png(image);
  }

  private static int widestLabelPx(Graphics2D g, List<Entry> entries) {
    int widest = 0;
    for (Entry e : entries) {
      widest = Math.max(widest, g.getFontMetrics().stringWidth(e.label()));
    }
    return Math.min(widest, 400);
  }

  private static int x(int n, int maxN, int left, int width) {
    return maxN == 1
        ? left + width / 2
        : left + (int) Math.round((n - 1) * (double) width / (maxN - 1));
  }
}
