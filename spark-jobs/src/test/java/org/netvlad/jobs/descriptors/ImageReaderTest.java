package org.netvlad.jobs.descriptors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.data.ImagePaths;
import org.netvlad.common.image.ResizeMode;

/**
 * Where images are opened, the path rule holds again (a hand-edited panoramas table cannot escape
 * the image root either): escapes of every form are refused without touching the file or the
 * network, an allowed root opens, and every failure names the file. A gray image reaches the
 * network with its own value. Images of another size than the network's: stretch squeezes the whole
 * image in, central-crop cuts away the margins beyond the network's aspect ratio (none bleeds in),
 * and large downscales average fine detail instead of aliasing it.
 */
class ImageReaderTest {
  @TempDir Path dir;
  private Path root;
  private Path secret;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void filesAndAServer() throws IOException {
    root = Files.createDirectories(dir.resolve("images"));
    secret =
        Files.write(
            Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.png"),
            gray(4, 3, 128));
    Files.write(root.resolve("gray.png"), gray(8, 6, 128));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] png = gray(4, 3, 128);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(200, png.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(png);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private ImageReader reader(List<String> allowedRoots) {
    return new ImageReader(
        new ImagePaths(root.toUri().toString(), allowedRoots),
        4,
        3,
        1_000_000,
        new Configuration());
  }

  @Test
  void escapesAreRefusedBeforeAnythingIsOpened() {
    String http = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret.png";
    ImageReader reader = reader(List.of());
    for (String escape :
        List.of(
            "../elsewhere/secret.png",
            "a/../../elsewhere/secret.png",
            secret.toString(),
            secret.toUri().toString(),
            "file:///etc/hostname",
            http)) {
      ImageReader.BadImageException e =
          assertThrows(ImageReader.BadImageException.class, () -> reader.read(escape), escape);
      assertTrue(
          e.getMessage().startsWith("image not read: path '" + escape + "' "), e.getMessage());
    }
    assertEquals(0, requests.get(), "no request reached the server");
  }

  @Test
  void allowedRootsAreReadAndOthersStillNot() {
    String server = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/";
    ImageReader reader = reader(List.of(dir.resolve("elsewhere").toString(), server));
    assertEquals(36, reader.read(secret.toString()).length);
    assertEquals(
        36, reader.read(server + "secret.png").length, "Hadoop's http file system, opted in");
    assertEquals(1, requests.get());
    assertThrows(
        ImageReader.BadImageException.class,
        () -> reader.read(secret.toUri().toString()),
        "file:/… is another root than /…");
  }

  @Test
  void aGrayImageReachesTheNetworkWithItsOwnValueAfterResizing() {
    float[] input = reader(List.of()).read("gray.png"); // 8x6 resized to 4x3
    float[] expected = new float[36];
    for (int c = 0; c < 3; c++) {
      Arrays.fill(
          expected,
          c * 12,
          c * 12 + 12,
          (128 / 255f - new float[] {0.485f, 0.456f, 0.406f}[c])
              / new float[] {0.229f, 0.224f, 0.225f}[c]);
    }
    assertArrayEquals(expected, input, 1e-6f);
  }

  @Test
  void everyFailureNamesTheFile() throws IOException {
    ImageReader reader = reader(List.of());
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 64 * 64; i++) {
      noise.getRaster().setSample(i % 64, i / 64, 0, random.nextInt(256));
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(noise, "png", png);
    Files.write(
        root.resolve("cut.png"),
        Arrays.copyOf(png.toByteArray(), png.size() / 2)); // a truncated PNG
    Files.write(root.resolve("big.png"), gray(2000, 1000, 0));
    for (String name : List.of("cut.png", "missing.png", "big.png")) {
      ImageReader.BadImageException e =
          assertThrows(ImageReader.BadImageException.class, () -> reader.read(name));
      assertTrue(
          e.getMessage().contains(root.resolve(name).toString()) && !e.getMessage().contains("\n"),
          e.getMessage());
    }
    assertTrue(
        assertThrows(ImageReader.BadImageException.class, () -> reader.read("big.png"))
            .getMessage()
            .contains(
                "2000 x 1000 = 2,000,000 pixels, more than ingest.max-image-pixels = 1,000,000"));
  }

  private static final int RED = 0xFF0000;
  private static final int GREEN = 0x00FF00;
  private static final int BLUE = 0x0000FF;

  @Test
  void aWideImageIsSqueezedWholeByStretchAndLosesItsSidesByCentralCrop() throws IOException {
    // 16 x 6: red | green (the central 8 x 6, the 4:3 crop) | blue, 4 columns of each margin
    Files.write(root.resolve("wide.png"), png(bands(16, 6, true, 4, 12)));
    int[] squeezed = {RED, GREEN, GREEN, BLUE, RED, GREEN, GREEN, BLUE, RED, GREEN, GREEN, BLUE};
    assertArrayEquals(squeezed, pixels(reader(List.of()).read("wide.png"), 4, 3));
    assertArrayEquals(
        filled(4, 3, GREEN),
        pixels(reader(List.of()).withResize(ResizeMode.CENTRAL_CROP).read("wide.png"), 4, 3));
  }

  @Test
  void aTallImageIsSqueezedWholeByStretchAndLosesItsTopAndBottomByCentralCrop() throws IOException {
    // 4 x 12: red rows 0-3, green 4-7, blue 8-11; the 4:3 crop is rows 4-6
    Files.write(root.resolve("tall.png"), png(bands(4, 12, false, 4, 8)));
    int[] stretched = new int[12];
    Arrays.fill(stretched, 0, 4, RED);
    Arrays.fill(stretched, 4, 8, GREEN);
    Arrays.fill(stretched, 8, 12, BLUE);
    assertArrayEquals(stretched, pixels(reader(List.of()).read("tall.png"), 4, 3));
    assertArrayEquals(
        filled(4, 3, GREEN),
        pixels(reader(List.of()).withResize(ResizeMode.CENTRAL_CROP).read("tall.png"), 4, 3));
  }

  @Test
  void anUpscaledCropTakesNoColourFromTheMarginsItCut() throws IOException {
    // 5 x 2: red | 3 green | blue; the 4:3 crop is the green 3 x 2, upscaled to 4 x 3 (edge samples
    // clamp)
    Files.write(root.resolve("small.png"), png(bands(5, 2, true, 1, 4)));
    assertArrayEquals(
        filled(4, 3, GREEN),
        pixels(reader(List.of()).withResize(ResizeMode.CENTRAL_CROP).read("small.png"), 4, 3));
    int[] stretched = pixels(reader(List.of()).read("small.png"), 4, 3);
    assertTrue(
        (stretched[0] >> 16 & 0xFF) > 128 && (stretched[3] & 0xFF) > 128,
        "stretch keeps the red margin left and the blue one right");
  }

  @Test
  void theNetworksSizeIsReadAsItIsInEitherMode() throws IOException {
    Files.write(root.resolve("exact.png"), png(bands(4, 3, true, 1, 3)));
    int[] expected = {RED, GREEN, GREEN, BLUE, RED, GREEN, GREEN, BLUE, RED, GREEN, GREEN, BLUE};
    for (ResizeMode mode : ResizeMode.values()) {
      assertArrayEquals(
          expected,
          pixels(reader(List.of()).withResize(mode).read("exact.png"), 4, 3),
          mode.settingValue());
    }
    assertEquals(ResizeMode.STRETCH, reader(List.of()).resize(), "training's reader stretches");
  }

  @Test
  void finePatternsAverageToGrayInALargeDownscaleInsteadOfAliasing() throws IOException {
    // 1-pixel black and white columns, 1000 x 750 to 160 x 120 (6.25x): every output pixel should
    // be mid-gray
    BufferedImage stripes = new BufferedImage(1000, 750, BufferedImage.TYPE_INT_RGB);
    for (int x = 1; x < 1000; x += 2) {
      for (int y = 0; y < 750; y++) {
        stripes.setRGB(x, y, 0xFFFFFF);
      }
    }
    Files.write(root.resolve("stripes.png"), png(stripes));
    ImageReader reader =
        new ImageReader(
            new ImagePaths(root.toUri().toString(), List.of()),
            160,
            120,
            1_000_000,
            new Configuration());
    for (ResizeMode mode : ResizeMode.values()) {
      assertTrue(
          farthestFromMidGray(pixels(reader.withResize(mode).read("stripes.png"), 160, 120)) <= 2,
          mode.settingValue());
    }
    // the test can tell: one bilinear step, as before, reads 2 of about 6 columns and makes bands
    BufferedImage oneStep = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = oneStep.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(stripes, 0, 0, 160, 120, null);
    g.dispose();
    assertTrue(farthestFromMidGray(oneStep.getRGB(0, 0, 160, 120, null, 0, 160)) > 60);
  }

  /** The largest distance of a red value from 127.5 (the images are gray). */
  private static double farthestFromMidGray(int[] rgb) {
    return Arrays.stream(rgb)
        .mapToDouble(p -> Math.abs(((p >> 16) & 0xFF) - 127.5))
        .max()
        .orElseThrow();
  }

  /**
   * Three colour bands, red up to {@code firstEnd}, green up to {@code secondEnd}, blue after:
   * across columns or rows.
   */
  private static BufferedImage bands(
      int width, int height, boolean columns, int firstEnd, int secondEnd) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int along = columns ? x : y;
        image.setRGB(x, y, along < firstEnd ? RED : along < secondEnd ? GREEN : BLUE);
      }
    }
    return image;
  }

  /** Network input back to packed 0xRRGGBB pixels, rounded. */
  private static int[] pixels(float[] chw, int width, int height) {
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    int plane = width * height;
    int[] out = new int[plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        out[i] = out[i] << 8 | Math.round((chw[c * plane + i] * std[c] + mean[c]) * 255);
      }
    }
    return out;
  }

  private static int[] filled(int width, int height, int rgb) {
    int[] out = new int[width * height];
    Arrays.fill(out, rgb);
    return out;
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private static byte[] gray(int width, int height, int value) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = new int[width * height];
    Arrays.fill(values, value);
    image.getRaster().setPixels(0, 0, width, height, values);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
