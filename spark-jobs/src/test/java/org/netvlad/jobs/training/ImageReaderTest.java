package org.netvlad.jobs.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
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

/**
 * Where images are opened, the path rule holds again (a hand-edited panoramas table cannot escape
 * the image root either): escapes of every form are refused without touching the file or the
 * network, an allowed root opens, and every failure names the file. A gray image reaches the
 * network with its own value.
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
    secret = Files.write(Files.createDirectories(dir.resolve("elsewhere")).resolve("secret.png"), gray(4, 3, 128));
    Files.write(root.resolve("gray.png"), gray(8, 6, 128));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] png = gray(4, 3, 128);
    server.createContext("/", exchange -> {
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
    return new ImageReader(new ImagePaths(root.toUri().toString(), allowedRoots), 4, 3, 1_000_000, new Configuration());
  }

  @Test
  void escapesAreRefusedBeforeAnythingIsOpened() {
    String http = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret.png";
    ImageReader reader = reader(List.of());
    for (String escape : List.of("../elsewhere/secret.png", "a/../../elsewhere/secret.png", secret.toString(), secret.toUri().toString(),
        "file:///etc/hostname", http)) {
      ImageReader.BadImageException e = assertThrows(ImageReader.BadImageException.class, () -> reader.read(escape), escape);
      assertTrue(e.getMessage().startsWith("image not read: path '" + escape + "' "), e.getMessage());
    }
    assertEquals(0, requests.get(), "no request reached the server");
  }

  @Test
  void allowedRootsAreReadAndOthersStillNot() {
    String server = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/";
    ImageReader reader = reader(List.of(dir.resolve("elsewhere").toString(), server));
    assertEquals(36, reader.read(secret.toString()).length);
    assertEquals(36, reader.read(server + "secret.png").length, "Hadoop's http file system, opted in");
    assertEquals(1, requests.get());
    assertThrows(ImageReader.BadImageException.class, () -> reader.read(secret.toUri().toString()), "file:/… is another root than /…");
  }

  @Test
  void aGrayImageReachesTheNetworkWithItsOwnValueAfterResizing() {
    float[] input = reader(List.of()).read("gray.png"); // 8x6 resized to 4x3
    float[] expected = new float[36];
    for (int c = 0; c < 3; c++) {
      Arrays.fill(expected, c * 12, c * 12 + 12, (128 / 255f - new float[] {0.485f, 0.456f, 0.406f}[c]) / new float[] {0.229f, 0.224f, 0.225f}[c]);
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
    Files.write(root.resolve("cut.png"), Arrays.copyOf(png.toByteArray(), png.size() / 2)); // a truncated PNG
    Files.write(root.resolve("big.png"), gray(2000, 1000, 0));
    for (String name : List.of("cut.png", "missing.png", "big.png")) {
      ImageReader.BadImageException e = assertThrows(ImageReader.BadImageException.class, () -> reader.read(name));
      assertTrue(e.getMessage().contains(root.resolve(name).toString()) && !e.getMessage().contains("\n"), e.getMessage());
    }
    assertTrue(assertThrows(ImageReader.BadImageException.class, () -> reader.read("big.png")).getMessage()
        .contains("2000 x 1000 = 2,000,000 pixels, more than ingest.max-image-pixels = 1,000,000"));
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
