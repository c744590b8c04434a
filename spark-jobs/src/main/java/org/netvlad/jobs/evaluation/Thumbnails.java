package org.netvlad.jobs.evaluation;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.netvlad.common.image.ImageDecoder;
import org.netvlad.jobs.descriptors.ImageReader;

/**
 * Small JPEG copies of a run's images for the report, read on the driver where the jobs read them
 * (the same roots rule and size limit as {@link ImageReader}). An image that cannot be read gives
 * the reason instead: a thumbnail never fails the job.
 */
public final class Thumbnails {
  static final int MAX_WIDTH_PX = 240;
  static final int MAX_HEIGHT_PX = 180;

  /** A JPEG data: URI, or why there is none. */
  public record Thumbnail(String dataUri, String failure) {
    public boolean shown() {
      return dataUri != null;
    }
  }

  private final ImageReader reader;
  private final ImageDecoder decoder;
  private final Configuration hadoop;

  /**
   * @param maxPixels {@code ingest.max-image-pixels}: no larger image is decoded
   */
  public Thumbnails(ImageReader reader, long maxPixels, Configuration hadoop) {
    this.reader = reader;
    this.decoder = new ImageDecoder(maxPixels);
    this.hadoop = hadoop;
  }

  /**
   * The thumbnail of the image at {@code path} (as panoramas/ gives it), or the reason it cannot be
   * shown.
   */
  public Thumbnail of(String path) {
    try {
      Path file = reader.resolve(path);
      BufferedImage image;
      try (InputStream in = file.getFileSystem(hadoop).open(file)) {
        image = decoder.decode(in, file.toString());
      }
      return new Thumbnail(Html.dataUri("image/jpeg", jpeg(scaled(image))), null);
    } catch (IOException e) {
      return new Thumbnail(null, "cannot read image " + path + ": " + e.getMessage());
    } catch (
        RuntimeException e) { // BadImageException, UnreadableImageException, or a decoder's own
      return new Thumbnail(
          null,
          e.getMessage() != null
              ? e.getMessage()
              : e.getClass().getSimpleName() + " reading " + path);
    }
  }

  /**
   * The image shrunk to fit {@link #MAX_WIDTH_PX} x {@link #MAX_HEIGHT_PX}, aspect kept; never
   * enlarged.
   */
  static BufferedImage scaled(BufferedImage image) {
    double scale =
        Math.min(
            1,
            Math.min(
                (double) MAX_WIDTH_PX / image.getWidth(),
                (double) MAX_HEIGHT_PX / image.getHeight()));
    int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage source = image;
    while (source.getWidth() >= 4 * w
        && source.getHeight()
            >= 4 * h) { // halvings first: one bilinear step from far larger aliases
      source = resized(source, source.getWidth() / 2, source.getHeight() / 2);
    }
    return resized(source, w, h);
  }

  private static BufferedImage resized(BufferedImage image, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB); // JPEG has no alpha
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  static byte[] jpeg(BufferedImage rgb) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(rgb, "jpeg", out)) {
      throw new IOException("no JPEG writer in this JVM");
    }
    return out.toByteArray();
  }
}
