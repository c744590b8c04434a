package org.netvlad.common.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an image file into 8-bit sRGB ({@link RgbImages}), refusing images whose header claims
 * more pixels than allowed before any pixel is decoded: a 2 MB PNG can claim 26,000 x 26,000
 * pixels, 2.7 GB once decoded. Every failure names the file.
 */
public final class ImageDecoder {
  private final long maxPixels;

  /**
   * @param maxPixels the largest width x height decoded ({@code ingest.max-image-pixels})
   */
  public ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /**
   * @param name the file's name, for messages
   * @throws UnreadableImageException naming the file: not an image, damaged, or too large
   */
  public BufferedImage decode(InputStream in, String name) {
    try (ImageInputStream stream = new MemoryCacheImageInputStream(in)) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new UnreadableImageException(
            "cannot decode image " + name + ": not a PNG, JPEG, BMP, GIF or TIFF file");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        checkSize(reader.getWidth(0), reader.getHeight(0), name);
        return RgbImages.toRgb(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new UnreadableImageException("cannot decode image " + name + ": " + oneLine(e), e);
    } catch (UnreadableImageException e) {
      throw e;
    } catch (RuntimeException e) { // decoders throw these on some damaged files too
      throw new UnreadableImageException(
          "cannot decode image " + name + ": " + e.getClass().getSimpleName() + ": " + oneLine(e),
          e);
    }
  }

  private void checkSize(int widthPx, int heightPx, String name) {
    long pixels = (long) widthPx * heightPx;
    if (pixels > maxPixels) {
      throw new UnreadableImageException(
          String.format(
              Locale.ROOT,
              "image %s is %d x %d = %,d pixels, more than ingest.max-image-pixels = %,d; not"
                  + " decoded",
              name,
              widthPx,
              heightPx,
              pixels,
              maxPixels));
    }
  }

  /**
   * The message and its causes on one line ("Error reading PNG image data: EOFException: Unexpected
   * end…").
   */
  static String oneLine(Throwable e) {
    StringBuilder b =
        new StringBuilder(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      b.append(": ").append(c.getClass().getSimpleName());
      if (c.getMessage() != null) {
        b.append(": ").append(c.getMessage());
      }
    }
    return b.toString().replace('\n', ' ');
  }

  /** An image that cannot be decoded; the message names the file and says why. */
  public static final class UnreadableImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreadableImageException(String message) {
      super(message);
    }

    public UnreadableImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
