package org.netvlad.jobs.nightly;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.netvlad.jobs.io.Pictures;

/**
 * The nightly's page ({@code summary/nightly.html}) and its trend picture: Recall@N per kept night.
 */
final class NightlyReport {
  static final String PAGE = "summary/nightly.html";
  static final String TREND = "summary/nightly-trend.png";
  private static final Color LINE = new Color(0x1f77b4);
  private static final Color FLAGGED = new Color(0xd62728);

  private NightlyReport() {}

  /**
   * Recall@N of each night, oldest first; flagged nights in red.
   *
   * @param trend rows with {@code date}, {@code recall} and {@code flagged}
   */
  static byte[] trendPng(List<Map<String, Object>> trend, int n) {
    int left = 60;
    int top = 30;
    int width = 560;
    int height = 240;
    BufferedImage image =
        new BufferedImage(left + width + 30, top + height + 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Pictures.canvas(image);
    g.setColor(Color.BLACK);
    g.drawRect(left, top, width, height);
    g.drawString(
        "Recall@" + n + " on each night's evaluation split (red: flagged)", left, top - 10);
    for (int t = 0; t <= 10; t += 2) {
      g.drawString(
          String.format(Locale.ROOT, "%.1f", t / 10.0),
          left - 30,
          top + height - height * t / 10 + 4);
    }
    int px = -1;
    int py = -1;
    for (int i = 0; i < trend.size(); i++) {
      Map<String, Object> row = trend.get(i);
      int x = left + (trend.size() == 1 ? width / 2 : 10 + i * (width - 20) / (trend.size() - 1));
      int y = top + height - (int) Math.round(((Number) row.get("recall")).doubleValue() * height);
      g.setColor(LINE);
      g.setStroke(new BasicStroke(2f));
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.setColor(Boolean.TRUE.equals(row.get("flagged")) ? FLAGGED : LINE);
      g.fillOval(x - 4, y - 4, 8, 8);
      g.setColor(Color.BLACK);
      g.drawString(
          String.valueOf(row.get("date")).substring(5), x - 15, top + height + 15 + (i % 2) * 14);
      px = x;
      py = y;
    }
    g.dispose();
    return Pictures.png(image);
  }

  /** The page: the verdict, the stages, Recall@N tonight against the last good night, the trend. */
  @SuppressWarnings("unchecked")
  static String html(Map<String, Object> summary) {
    Map<String, Object> verdict = (Map<String, Object>) summary.get("verdict");
    StringBuilder b =
        new StringBuilder(
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>netvlad nightly ")
            .append(escape(summary.get("date")))
            .append(
                "</title>\n"
                    + "<style>body{font-family:sans-serif} td,th{padding:2px 10px;text-align:left}")
            .append(" .flagged{color:#d62728;font-weight:bold}</style></head><body>\n<h1>Nightly ")
            .append(escape(summary.get("date")))
            .append("</h1>\n<p")
            .append(Boolean.TRUE.equals(verdict.get("flagged")) ? " class=\"flagged\"" : "")
            .append(">")
            .append(escape(verdict.get("verdict")))
            .append("</p>\n<p>current: ")
            .append(escape(summary.get("current")))
            .append(
                Boolean.TRUE.equals(summary.get("current_moved"))
                    ? " (moved tonight)"
                    : " (not moved tonight)")
            .append("; warm start: ")
            .append(escape(((Map<String, Object>) summary.get("warm_start")).get("reason")))
            .append("</p>\n");
    b.append(
        "<h2>Stages</h2>\n"
            + "<table><tr><th>stage</th><th>status</th><th>seconds</th><th>counts</th></tr>\n");
    for (Map<String, Object> stage : (List<Map<String, Object>>) summary.get("stages")) {
      b.append("<tr><td>")
          .append(escape(stage.get("stage")))
          .append("</td><td>")
          .append(escape(stage.get("status")))
          .append("</td><td>")
          .append(escape(stage.get("seconds")))
          .append("</td><td>")
          .append(escape(stage.get("counts")))
          .append("</td></tr>\n");
    }
    b.append(
        "</table>\n"
            + "<h2>Recall@N</h2>\n"
            + "<table><tr><th>model</th><th>split</th><th>Recall@N</th></tr>\n");
    row(b, "tonight", "tonight's", summary.get("recall_at_tonight"));
    row(b, "the last good night's model", "tonight's", summary.get("recall_at_last_good_model"));
    row(
        b,
        "the last good night, as evaluated then",
        "its own",
        summary.get("recall_at_last_good_night"));
    b.append(
        "</table>\n"
            + "<h2>Trend</h2>\n"
            + "<img src=\"nightly-trend.png\" alt=\"Recall@N per night\">\n"
            + "</body></html>\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String model, String split, Object recall) {
    if (recall != null) {
      b.append("<tr><td>")
          .append(escape(model))
          .append("</td><td>")
          .append(split)
          .append("</td><td>")
          .append(escape(recall))
          .append("</td></tr>\n");
    }
  }

  private static String escape(Object o) {
    return String.valueOf(o)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
