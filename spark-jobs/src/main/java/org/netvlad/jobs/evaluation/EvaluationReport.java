package org.netvlad.jobs.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.netvlad.jobs.io.Pictures;

/**
 * The evaluation's picture and page: Recall@N against N for this evaluation and any compared ones
 * (the paper's figures), and a short HTML report with the Recall@N table side by side.
 */
public final class EvaluationReport {
  private static final Color[] COLOURS = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)};

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
    g.drawString("N (number of top database candidates)", left + width / 2 - 110, top + height + 30);
    for (int t = 0; t <= 10; t += 2) {
      int y = top + height - height * t / 10;
      g.drawString(String.format("%.1f", t / 10.0), left - 30, y + 4);
    }
    for (int n = 1; n <= maxN; n++) {
      if (n == 1 || n % 5 == 0) {
        g.drawString(Integer.toString(n), x(n, maxN, left, width) - 4, top + height + 15);
      }
    }
    for (int s = 0; s < entries.size(); s++) {
      double[] curve = entries.get(s).curve();
      g.setColor(COLOURS[s % COLOURS.length]);
      g.setStroke(new BasicStroke(2f));
      for (int n = 1; n <= curve.length; n++) {
        int x = x(n, maxN, left, width);
        int y = top + height - (int) Math.round(curve[n - 1] * height);
        g.fillOval(x - 3, y - 3, 6, 6);
        if (n > 1) {
          g.drawLine(x(n - 1, maxN, left, width), top + height - (int) Math.round(curve[n - 2] * height), x, y);
        }
      }
      g.drawString(entries.get(s).label(), left + width - 200, top + height - 20 - 16 * (entries.size() - 1 - s));
    }
    g.dispose();
    return Pictures.png(image);
  }

  private static int x(int n, int maxN, int left, int width) {
    return maxN == 1 ? left + width / 2 : left + (int) Math.round((n - 1) * (double) width / (maxN - 1));
  }

  /** The HTML page: Recall@N at {@code ns} of every entry side by side, the picture, what was evaluated. */
  public static String html(List<Entry> entries, int[] ns, Map<String, Object> facts) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NetVLAD evaluation</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #999;padding:4px 10px;text-align:right}th{background:#eee}</style></head><body>\n")
        .append("<h1>Place recognition: Recall@N</h1>\n<table>\n<tr><th>N</th>");
    for (Entry e : entries) {
      b.append("<th>").append(escape(e.label())).append("</th>");
    }
    b.append("</tr>\n");
    for (int n : ns) {
      b.append("<tr><td>").append(n).append("</td>");
      for (Entry e : entries) {
        b.append("<td>").append(n <= e.curve().length ? String.format("%.1f%%", 100 * e.curve()[n - 1]) : "&ndash;").append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n<p><img src=\"recall.png\" alt=\"Recall@N curves\"></p>\n<h2>Evaluated</h2>\n<ul>\n");
    for (Entry e : entries) {
      b.append("<li><b>").append(escape(e.label())).append("</b>: ").append(escape(e.about())).append("</li>\n");
    }
    b.append("</ul>\n<h2>This evaluation</h2>\n<table>\n");
    for (Map.Entry<String, Object> f : facts.entrySet()) {
      b.append("<tr><th style=\"text-align:left\">").append(escape(f.getKey())).append("</th><td style=\"text-align:left\">")
          .append(escape(String.valueOf(f.getValue()))).append("</td></tr>\n");
    }
    b.append("</table>\n<p>A query counts as localised at N when one of its N nearest database descriptors")
        .append(" (Euclidean) lies within the success radius of its GPS position.</p>\n</body></html>\n");
    return b.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
