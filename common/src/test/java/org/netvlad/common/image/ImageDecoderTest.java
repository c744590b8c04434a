package org.netvlad.common.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Every image type Java decodes reaches the network with the colours a viewer shows. Each test
 * writes a real file of known pixel values with Java's own encoders and decodes it as the jobs do;
 * the expected colours are worked out by hand in the test.
 */
class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(50_000_000);

  @Test
  void grayPngsGiveTheirValueInEveryChannelAt8And16Bits() throws IOException {
    // Java's getRGB gives 188 for gray 128: it takes its gray colour space for linear light
    BufferedImage gray8 = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray8.getRaster().setPixels(0, 0, 3, 1, new int[] {128, 0, 255});
    assertArrayEquals(
        new int[] {0x808080, 0x000000, 0xFFFFFF}, decodedPixels(encode(gray8, "png")));

    BufferedImage gray16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    // 128 * 257 is 8-bit 128 exactly; 1000 / 65535 * 255 = 3.89 -> 4
    gray16.getRaster().setPixels(0, 0, 3, 1, new int[] {128 * 257, 1000, 65535});
    assertArrayEquals(
        new int[] {0x808080, 0x040404, 0xFFFFFF}, decodedPixels(encode(gray16, "png")));
  }

  @Test
  void grayWithAlphaKeepsItsGrayAndIgnoresAlpha() throws IOException {
    for (int bits : new int[] {8, 16}) {
      int max = (1 << bits) - 1;
      ComponentColorModel cm =
          new ComponentColorModel(
              ColorSpace.getInstance(ColorSpace.CS_GRAY),
              new int[] {bits, bits},
              true,
              false,
              Transparency.TRANSLUCENT,
              bits == 8 ? DataBuffer.TYPE_BYTE : DataBuffer.TYPE_USHORT);
      WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
      raster.setPixels(
          0,
          0,
          2,
          1,
          new int[] {max * 128 / 255, 0, max, max}); // gray 128 fully transparent; white opaque
      assertArrayEquals(
          new int[] {0x808080, 0xFFFFFF},
          decodedPixels(encode(new BufferedImage(cm, raster, false, null), "png")),
          bits + " bits");
    }
  }

  @Test
  void rgbAt16BitsAndRgbaGiveTheStoredColours() throws IOException {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            new int[] {16, 16, 16},
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
    // 0x8080 / 65535 * 255 = 128.0; 0x1234 / 65535 * 255 = 18.1 -> 18 = 0x12
    raster.setPixels(0, 0, 2, 1, new int[] {65535, 0x8080, 0, 0x1234, 0x1234, 0x1234});
    assertArrayEquals(
        new int[] {0xFF8000, 0x121212},
        decodedPixels(encode(new BufferedImage(cm, raster, false, null), "png")));

    BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_4BYTE_ABGR);
    rgba.setRGB(0, 0, 0x000A141E); // (10, 20, 30), fully transparent: alpha is ignored
    rgba.setRGB(1, 0, 0x80C86432); // (200, 100, 50), half transparent
    assertArrayEquals(new int[] {0x0A141E, 0xC86432}, decodedPixels(encode(rgba, "png")));
  }

  @Test
  void palettesGiveTheirEntriesWithOrWithoutTransparency() throws IOException {
    byte[] r = {(byte) 255, 0, 7, 0};
    byte[] g = {0, (byte) 128, 8, 0};
    byte[] b = {0, (byte) 255, 9, 0};
    byte[] a = {(byte) 255, (byte) 255, 0, (byte) 255}; // entry 2 transparent
    BufferedImage indexed =
        new BufferedImage(
            3, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, r, g, b, a));
    indexed.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 1, 2});
    int[] expected = {0xFF0000, 0x0080FF, 0x070809};
    assertArrayEquals(expected, decodedPixels(encode(indexed, "png")));
    assertArrayEquals(expected, decodedPixels(encode(indexed, "gif")));
  }

  @Test
  void grayJpegBmpAndRgbJpegGiveTheirColours() throws IOException {
    BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    fill(gray.getRaster(), new int[] {128});
    assertNear(
        new int[] {0x808080},
        Arrays.copyOf(decodedPixels(jpeg(gray.getRaster(), gray)), 1),
        1,
        "gray JPEG");
    BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
    fill(rgb.getRaster(), new int[] {200, 100, 50}); // the raster's bands are R, G, B
    assertNear(
        new int[] {0xC86432},
        Arrays.copyOf(decodedPixels(jpeg(rgb.getRaster(), rgb)), 1),
        2,
        "RGB JPEG");
    assertArrayEquals(
        new int[] {0xC86432}, Arrays.copyOf(decodedPixels(encode(rgb, "bmp")), 1), "BMP");
  }

  /**
   * CMYK JPEGs store Adobe's inverted ink values (255 - ink), plainly or as YCCK. The ink of the
   * three 8x8 blocks: red (0, 255, 255, 0), 50% gray (0, 0, 0, 128) and (64, 32, 0, 64). Expected R
   * = (255 - C)(255 - K) / 255: (255, 0, 0), (127, 127, 127), (143, 167, 191).
   */
  @Test
  void cmykAndYcckJpegsGiveTheComplementColours() throws IOException {
    int[][] ink = {{0, 255, 255, 0}, {0, 0, 0, 128}, {64, 32, 0, 64}};
    int[] expected = {0xFF0000, 0x7F7F7F, 0x8FA7BF};
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 24, 8, 4, null);
    WritableRaster ycck = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 24, 8, 4, null);
    for (int block = 0; block < 3; block++) {
      int[] c = ink[block];
      int[] stored = {255 - c[0], 255 - c[1], 255 - c[2], 255 - c[3]};
      fill(cmyk.createWritableChild(block * 8, 0, 8, 8, block * 8, 0, null), stored);
      // Adobe's YCCK: the ink of C, M, Y coded as JFIF codes R, G, B; K stored inverted
      int y = (int) Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
      int cb = (int) Math.round(128 - 0.168736 * c[0] - 0.331264 * c[1] + 0.5 * c[2]);
      int cr = (int) Math.round(128 + 0.5 * c[0] - 0.418688 * c[1] - 0.081312 * c[2]);
      fill(
          ycck.createWritableChild(block * 8, 0, 8, 8, block * 8, 0, null),
          new int[] {y, cb, cr, 255 - c[3]});
    }
    byte[] plain = jpeg(cmyk, null);
    int[] every8th = {0, 8, 16};
    assertNear(expected, pick(decodedPixels(plain), every8th), 2, "CMYK without an Adobe marker");
    assertNear(expected, pick(decodedPixels(withAdobeMarker(plain, 0)), every8th), 2, "Adobe CMYK");
    assertNear(
        expected,
        pick(decodedPixels(withAdobeMarker(jpeg(ycck, null), 2)), every8th),
        3,
        "Adobe YCCK");
  }

  @Test
  void otherColourSpacesAreConvertedToSrgb() {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
    raster.setPixel(0, 0, new int[] {128, 0, 255});
    // linear 128/255 = 0.502 is sRGB 1.055 * 0.502^(1/2.4) - 0.055 = 0.737 -> 188
    assertNear(
        new int[] {0xBC00FF},
        RgbImages.pixels(new BufferedImage(cm, raster, false, null)),
        1,
        "linear RGB");

    BufferedImage premultiplied = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE);
    premultiplied.setRGB(0, 0, 0x80FF0000); // stored as (128, 128, 0, 0): the colour is still red
    assertNear(new int[] {0xFF0000}, RgbImages.pixels(premultiplied), 1, "premultiplied alpha");
  }

  /**
   * A PNG of 26,000 x 26,000 one-bit pixels is a 100 KB file; decoding it whole would take 2.7 GB
   * as RGB.
   */
  @Test
  void aDecompressionBombIsRefusedFromItsHeader() throws IOException {
    byte[] bomb = blackPng(26_000, 26_000);
    assertTrue(bomb.length < 200_000, "a small file: " + bomb.length);
    ImageDecoder.UnreadableImageException e =
        assertThrows(
            ImageDecoder.UnreadableImageException.class,
            () -> decoder.decode(new ByteArrayInputStream(bomb), "city/bomb.png"));
    assertEquals(
        "image city/bomb.png is 26000 x 26000 = 676,000,000 pixels, more than"
            + " ingest.max-image-pixels = 50,000,000; not decoded",
        e.getMessage());

    byte[] small = blackPng(100, 50);
    assertEquals(
        100,
        new ImageDecoder(5_000).decode(new ByteArrayInputStream(small), "s.png").getWidth(),
        "at the limit: decoded");
    assertThrows(
        ImageDecoder.UnreadableImageException.class,
        () -> new ImageDecoder(4_999).decode(new ByteArrayInputStream(small), "s.png"));
  }

  @Test
  void damagedFilesFailNamingTheFile() throws IOException {
    BufferedImage noise = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    java.util.Random random = new java.util.Random(1);
    for (int i = 0; i < 64 * 64; i++) {
      noise.setRGB(i % 64, i / 64, random.nextInt());
    }
    byte[] png = encode(noise, "png");
    for (byte[] bad :
        new byte[][] {Arrays.copyOf(png, png.length / 2), "not a png".getBytes(), new byte[0]}) {
      ImageDecoder.UnreadableImageException e =
          assertThrows(
              ImageDecoder.UnreadableImageException.class,
              () -> decoder.decode(new ByteArrayInputStream(bad), "hdfs://nn/city/x.png"));
      assertTrue(
          e.getMessage().startsWith("cannot decode image hdfs://nn/city/x.png: "), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
  }

  private int[] decodedPixels(byte[] file) {
    BufferedImage image = decoder.decode(new ByteArrayInputStream(file), "test");
    assertEquals(BufferedImage.TYPE_INT_RGB, image.getType());
    return RgbImages.pixels(image);
  }

  private static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, format, out), "Java writes " + format);
    return out.toByteArray();
  }

  /** A JPEG at quality 1 of an image, or of a bare raster (how Java writes 4-channel JPEGs). */
  private static byte[] jpeg(Raster raster, BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(1f);
      writer.write(
          null,
          image != null ? new IIOImage(image, null, null) : new IIOImage(raster, null, null),
          param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** The JPEG with Adobe's APP14 segment after SOI: transform 0 = CMYK, 2 = YCCK. */
  private static byte[] withAdobeMarker(byte[] jpeg, int transform) {
    byte[] app14 = {
      (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform
    };
    byte[] out = new byte[jpeg.length + app14.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
    return out;
  }

  /** A black one-bit gray PNG, written chunk by chunk: rows of zeros deflate to almost nothing. */
  private static byte[] blackPng(int width, int height) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
      byte[] row = new byte[1 + (width + 7) / 8]; // filter byte 0, then the packed pixels
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(png);
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.write(
        new byte[] {1, 0, 0, 0, 0}); // bit depth 1, gray, deflate, adaptive filtering, no interlace
    chunk(out, "IHDR", ihdr.toByteArray());
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    out.writeInt(data.length);
    byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.write(typeBytes);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  private static void fill(WritableRaster raster, int[] pixel) {
    for (int y = 0; y < raster.getHeight(); y++) {
      for (int x = 0; x < raster.getWidth(); x++) {
        raster.setPixel(raster.getMinX() + x, raster.getMinY() + y, pixel);
      }
    }
  }

  private static int[] pick(int[] pixels, int[] indices) {
    return Arrays.stream(indices).map(i -> pixels[i]).toArray();
  }

  private static void assertNear(int[] expected, int[] actual, int tolerance, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      for (int shift : new int[] {16, 8, 0}) {
        int e = expected[i] >> shift & 0xFF;
        int a = actual[i] >> shift & 0xFF;
        assertTrue(
            Math.abs(e - a) <= tolerance,
            String.format(
                "%s, pixel %d: expected %06X, got %06X", what, i, expected[i], actual[i]));
      }
    }
  }
}
