package org.netvlad.common.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RendererTest {
  private final City city = new City(11, 100, 20);

  private Capture at(
      double east, double north, double heading, LocalDate date, double hour, long seed) {
    return new Capture(east, north, heading, 3, 2.5, date, hour, seed, 160, 120);
  }

  @Test
  void theSameCaptureGivesTheSamePixelsInAnyRendererAndOrder() {
    Capture a = at(0, 37, 0, LocalDate.of(2011, 5, 3), 14, 5);
    Capture b = at(200, 50, 180, LocalDate.of(2012, 11, 3), 21, 6);
    int[] first = new Renderer(city).render(a);
    Renderer other = new Renderer(city);
    other.render(b);
    assertArrayEquals(first, other.render(a));
    assertArrayEquals(Renderer.png(first, 160, 120), Renderer.png(other.render(a), 160, 120));
  }

  @Test
  void pngRoundTripsThePixels() throws Exception {
    int[] pixels = new Renderer(city).render(at(0, 37, 0, LocalDate.of(2011, 5, 3), 14, 5));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(Renderer.png(pixels, 160, 120)));
    assertEquals(160, back.getWidth());
    int[] read = back.getRGB(0, 0, 160, 120, null, 0, 160);
    for (int i = 0; i < read.length; i++) {
      assertEquals(pixels[i], read[i] & 0xFFFFFF);
    }
  }

  @Test
  void lookingUpTheStreetShowsSkyAboveAndStreetBelow() {
    // On the centre line of a north-south street, looking north: sky at the top centre, road at
    // the bottom centre, at noon and at night.
    for (double hour : new double[] {12, 23}) {
      int[] px =
          new Renderer(city)
              .render(new Capture(0, 50, 0, 0, 2.5, LocalDate.of(2011, 7, 1), hour, 999, 160, 120));
      int sky = px[2 * 160 + 80];
      int road = px[115 * 160 + 70];
      if (hour == 12) {
        assertTrue(
            (sky & 0xFF) > ((sky >> 16) & 0xFF),
            "daytime sky is blue: " + Integer.toHexString(sky));
      }
      int skyBrightness = (sky >> 16 & 0xFF) + (sky >> 8 & 0xFF) + (sky & 0xFF);
      int roadBrightness = (road >> 16 & 0xFF) + (road >> 8 & 0xFF) + (road & 0xFF);
      assertTrue(hour == 12 ? skyBrightness > roadBrightness : skyBrightness < 150, "hour " + hour);
    }
  }

  @Test
  void captureDatesChangeTheImageButNotThePlace() {
    Renderer r = new Renderer(city);
    int[] summer = r.render(at(0, 37, 0, LocalDate.of(2011, 7, 3), 13, 1));
    int[] winter = r.render(at(0, 37, 0, LocalDate.of(2012, 1, 9), 10, 2));
    int differing = 0;
    for (int i = 0; i < summer.length; i++) {
      differing += summer[i] != winter[i] ? 1 : 0;
    }
    assertTrue(
        differing > summer.length / 4, "lighting, trees and cars change many pixels: " + differing);
    assertFalse(differing == summer.length, "but not every pixel");
  }
}
