package org.netvlad.jobs.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.netvlad.jobs.io.Pictures;

/** The training curve picture: loss per epoch (left) and validation Recall@N per epoch (right). */
public final class TrainingCurve {
  private static final int W = 900;
  private static final int H = 360;
  private static final Color[] COLOURS = {
    new Color(0x1f77b4),
    new Color(0xd62728),
    new Color(0x2ca02c),
    new Color(0x9467bd),
    new Color(0xff7f0e)
  };

  private TrainingCurve() {}

  /**
   * @param epochs epoch numbers (0 = untrained)
   * @param loss mean training loss per epoch (NaN where there was none)
   * @param recall recall[k][e]: Recall@ns[k] after epoch e
   */
  public static byte[] png(int[] epochs, double[] loss, int[] ns, double[][] recall) {
    BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = Pictures.canvas(image);
    double maxLoss = 0;
    for (double l : loss) {
      if (!Double.isNaN(l)) {
        maxLoss = Math.max(maxLoss, l);
      }
    }
    panel(
        g,
        50,
        "training loss",
        epochs,
        List.of(loss),
        new String[] {"loss"},
        maxLoss > 0 ? maxLoss * 1.1 : 1);
    String[] names = new String[ns.length];
    for (int k = 0; k < ns.length; k++) {
      names[k] = "R@" + ns[k];
    }
    panel(g, 500, "validation Recall@N", epochs, List.of(recall), names, 1);
    g.dispose();
    return Pictures.png(image);
  }

  private static void panel(
      Graphics2D g,
      int left,
      String title,
      int[] epochs,
      List<double[]> series,
      String[] names,
      double yMax) {
    int top = 40;
    int width = 360;
    int height = 260;
    g.setColor(Color.BLACK);
    g.drawString(title, left, top - 15);
    g.drawRect(left, top, width, height);
    int first = epochs.length == 0 ? 0 : epochs[0];
    int last = epochs.length == 0 ? 1 : Math.max(first + 1, epochs[epochs.length - 1]);
    g.drawString(Integer.toString(first), left, top + height + 15);
    g.drawString(Integer.toString(last), left + width - 10, top + height + 15);
    g.drawString("epoch", left + width / 2 - 15, top + height + 15);
    g.drawString(String.format("%.2f", yMax), left - 40, top + 10);
    g.drawString("0", left - 15, top + height);
    for (int s = 0; s < series.size(); s++) {
      double[] ys = series.get(s);
      g.setColor(COLOURS[s % COLOURS.length]);
      g.setStroke(new BasicStroke(2f));
      int px = -1;
      int py = -1;
      for (int e = 0; e < epochs.length; e++) {
        if (Double.isNaN(ys[e])) {
          continue;
        }
        int x = left + (int) Math.round((epochs[e] - first) * (double) width / (last - first));
        int y = top + height - (int) Math.round(Math.min(ys[e], yMax) / yMax * height);
        g.fillOval(x - 3, y - 3, 6, 6);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
      }
      g.drawString(names[s], left + width - 60, top + 20 + 15 * s);
    }
  }
}
