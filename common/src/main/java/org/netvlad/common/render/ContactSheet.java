package org.netvlad.common.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.time.LocalDate;
import javax.imageio.ImageIO;

/**
 * Writes a contact sheet of the synthetic city: the top row is one place on four capture dates, the
 * bottom row the same view from 12 m, 24 m, 48 m and 100 m further along the street.
 *
 * <p>Usage: {@code ContactSheet OUT.png} (the repository keeps one in {@code docs/}).
 */
public final class ContactSheet {
  private ContactSheet() {}

  public static void main(String[] args) throws IOException {
    int w = 320;
    int h = 240;
    City city = new City(1, 100, 20);
    Renderer renderer = new Renderer(city);
    LocalDate[] dates = {
      LocalDate.of(2009, 7, 14),
      LocalDate.of(2010, 10, 20),
      LocalDate.of(2012, 1, 30),
      LocalDate.of(2013, 4, 22)
    };
    double[] gapsM = {12, 24, 48, 100};
    BufferedImage sheet = new BufferedImage(4 * w, 2 * h + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    for (int i = 0; i < 4; i++) {
      Capture c = Captures.of("place-a", 0, 230, 0, 3, dates[i], 1, w, h);
      sheet.setRGB(i * w, 20, w, h, renderer.render(c), 0, w);
      g.drawString(String.format("same place, %s %02.0fh", dates[i], c.hour()), i * w + 6, 15);
      Capture far = Captures.of("place-b" + i, 0, 230 + gapsM[i], 0, 3, dates[0], 1, w, h);
      sheet.setRGB(i * w, h + 40, w, h, renderer.render(far), 0, w);
      g.drawString(String.format("%.0f m further, %s", gapsM[i], dates[0]), i * w + 6, h + 35);
    }
    g.dispose();
    ImageIO.write(sheet, "png", new File(args[0]));
  }
}
