package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.descriptors.ImageReader;

/**
 * Thumbnails decode as JPEGs of the picture, shrunk and never enlarged; an unreadable image gives
 * its reason instead.
 */
class ThumbnailsTest {
  @TempDir Path dir;
  private Path root;
  private Thumbnails thumbnails;

  @BeforeEach
  void images() throws Exception {
    root = Files.createDirectories(dir.resolve("images"));
    ImageIO.write(halves(640, 480), "png", root.resolve("wide.png").toFile());
    ImageIO.write(halves(2000, 1000), "png", root.resolve("panorama.png").toFile());
    ImageIO.write(halves(64, 48), "png", root.resolve("small.png").toFile());
    Files.writeString(root.resolve("broken.png"), "not a png");
    Files.write(dir.resolve("outside.png"), Files.readAllBytes(root.resolve("small.png")));
    Configuration hadoop = new Configuration();
    thumbnails =
        new Thumbnails(
            new ImageReader(root.toUri().toString(), 64, 48, hadoop), 10_000_000, hadoop);
  }

  @Test
  void decodesAsAShrunkCopyOfThePicture() throws Exception {
    BufferedImage wide = decoded(thumbnails.of("wide.png"));
    assertEquals(240, wide.getWidth());
    assertEquals(180, wide.getHeight());
    assertClose(Color.RED, wide.getRGB(30, 90), "left half");
    assertClose(Color.BLUE, wide.getRGB(210, 90), "right half");
    BufferedImage panorama = decoded(thumbnails.of("panorama.png"));
    assertEquals(240, panorama.getWidth());
    assertEquals(120, panorama.getHeight());
    assertClose(Color.BLUE, panorama.getRGB(200, 60), "right half of the panorama");
    BufferedImage small = decoded(thumbnails.of("small.png"));
    assertEquals(64, small.getWidth(), "never enlarged");
    assertEquals(48, small.getHeight());
  }

  @Test
  void anUnreadableImageGivesItsReason() {
    assertReason(thumbnails.of("missing.png"), "missing.png");
    assertReason(thumbnails.of("broken.png"), "cannot decode image");
    assertReason(thumbnails.of("../outside.png"), "outside.png");
    assertReason(thumbnails.of(null), "null");
    Configuration hadoop = new Configuration();
    Thumbnails tight =
        new Thumbnails(new ImageReader(root.toUri().toString(), 64, 48, hadoop), 1000, hadoop);
    assertReason(tight.of("wide.png"), "ingest.max-image-pixels");
  }

  private static void assertReason(Thumbnails.Thumbnail t, String part) {
    assertFalse(t.shown());
    assertNull(t.dataUri());
    assertTrue(t.failure().contains(part), t.failure());
  }

  private static BufferedImage decoded(Thumbnails.Thumbnail t) throws Exception {
    assertTrue(t.shown(), t.failure());
    String prefix = "data:image/jpeg;base64,";
    assertTrue(t.dataUri().startsWith(prefix));
    byte[] jpeg = Base64.getDecoder().decode(t.dataUri().substring(prefix.length()));
    assertEquals(0xff, jpeg[0] & 0xff, "a JPEG's start of image");
    assertEquals(0xd8, jpeg[1] & 0xff);
    return ImageIO.read(new ByteArrayInputStream(jpeg));
  }

  /** Red on the left, blue on the right. */
  private static BufferedImage halves(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, w / 2, h);
    g.setColor(Color.BLUE);
    g.fillRect(w / 2, 0, w - w / 2, h);
    g.dispose();
    return image;
  }

  private static void assertClose(Color expected, int rgb, String where) {
    Color c = new Color(rgb);
    int off =
        Math.abs(c.getRed() - expected.getRed())
            + Math.abs(c.getGreen() - expected.getGreen())
            + Math.abs(c.getBlue() - expected.getBlue());
    assertTrue(off < 40, where + ": " + c + " for " + expected);
  }
}
