package org.netvlad.jobs.training;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;
import org.netvlad.common.model.ImageTensors;

/**
 * Reads an image where it is (any Hadoop file system) and turns it into network input: decoded,
 * resized to the model's size when it differs (bilinear), normalised CHW floats. A relative path is
 * under the image root that mine-tuples recorded; an absolute path or URI is used as it is.
 */
public final class ImageReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String imagesRoot;
  private final int widthPx;
  private final int heightPx;
  private final SerializableConfiguration hadoop;

  public ImageReader(String imagesRoot, int widthPx, int heightPx, Configuration hadoop) {
    this.imagesRoot = imagesRoot;
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.hadoop = new SerializableConfiguration(hadoop);
  }

  public int widthPx() {
    return widthPx;
  }

  public int heightPx() {
    return heightPx;
  }

  /** Where an image's path points. */
  public Path resolve(String path) {
    if (path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || path.startsWith("/")) {
      return new Path(path);
    }
    return new Path(new Path(imagesRoot), path);
  }

  /** The image as normalised CHW floats of the model's size. */
  public float[] read(String path) {
    Path file = resolve(path);
    BufferedImage image;
    try (InputStream in = file.getFileSystem(hadoop.value()).open(file)) {
      image = ImageIO.read(in);
    } catch (IOException e) {
      throw new BadImageException("cannot read image " + file + ": " + e.getMessage(), e);
    }
    if (image == null) {
      throw new BadImageException("cannot decode image " + file + ": not a PNG, JPEG, BMP or GIF file", null);
    }
    return ImageTensors.fromImage(resized(image));
  }

  private BufferedImage resized(BufferedImage image) {
    if (image.getWidth() == widthPx && image.getHeight() == heightPx) {
      return image;
    }
    BufferedImage out = new BufferedImage(widthPx, heightPx, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, widthPx, heightPx, null);
    g.dispose();
    return out;
  }

  /** An image that is missing or cannot be decoded; the message names the file. */
  public static final class BadImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
