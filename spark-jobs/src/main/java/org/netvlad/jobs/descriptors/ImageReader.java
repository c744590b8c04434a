package org.netvlad.jobs.descriptors;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;
import org.netvlad.common.config.IngestSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.data.ImagePaths;
import org.netvlad.common.image.ImageDecoder;
import org.netvlad.common.image.ResizeMode;
import org.netvlad.common.image.ResizeSteps;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.jobs.MineTuplesJob;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.Summaries;

/**
 * Reads an image where it is (any Hadoop file system) and turns it into network input: decoded as a
 * viewer shows it ({@link ImageDecoder}, which refuses images above {@code
 * ingest.max-image-pixels}), resized to the model's size when it differs, normalised CHW floats. A
 * path is opened only where {@link ImagePaths} allows: under the image root mine-tuples recorded,
 * or under a root it recorded as allowed, so a hand-edited {@code panoramas/} table cannot point
 * elsewhere either.
 *
 * <p>Resizing takes the part of the image its {@link ResizeMode} names (the whole image unless
 * {@link #withResize} says otherwise) and scales it bilinearly, halving first while a side is at
 * least twice its target ({@link ResizeSteps}) so that large downscales do not alias.
 */
public final class ImageReader implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ImagePaths paths;
  private final int widthPx;
  private final int heightPx;
  private final long maxPixels;
  private final SerializableConfiguration hadoop;
  private final ResizeMode resize;

  /**
   * Stretches images of another size to the model's ({@link ResizeMode#STRETCH}), as training does.
   */
  public ImageReader(
      ImagePaths paths, int widthPx, int heightPx, long maxPixels, Configuration hadoop) {
    this(
        paths,
        widthPx,
        heightPx,
        maxPixels,
        new SerializableConfiguration(hadoop),
        ResizeMode.STRETCH);
  }

  private ImageReader(
      ImagePaths paths,
      int widthPx,
      int heightPx,
      long maxPixels,
      SerializableConfiguration hadoop,
      ResizeMode resize) {
    this.paths = paths;
    this.widthPx = widthPx;
    this.heightPx = heightPx;
    this.maxPixels = maxPixels;
    this.hadoop = hadoop;
    this.resize = resize;
  }

  /** Images under one root only, at most the default {@code ingest.max-image-pixels}. */
  public ImageReader(String imagesRoot, int widthPx, int heightPx, Configuration hadoop) {
    this(
        new ImagePaths(imagesRoot, List.of()),
        widthPx,
        heightPx,
        PipelineConfig.defaults().get(IngestSettings.MAX_IMAGE_PIXELS),
        hadoop);
  }

  /** The images of a run: the image root and allowed roots its mine-tuples recorded. */
  public static ImageReader forRun(
      RunFolder run, int widthPx, int heightPx, PipelineConfig settings, Configuration hadoop) {
    var mined =
        JobMain.fromJson(run.readText(run.resolve(RunFolder.summaryPath(MineTuplesJob.NAME))));
    List<String> allowed = Summaries.allowedImageRoots(mined);
    try {
      ImagePaths paths = new ImagePaths(Summaries.imageRoot(mined), allowed);
      return new ImageReader(
          paths, widthPx, heightPx, settings.get(IngestSettings.MAX_IMAGE_PIXELS), hadoop);
    } catch (IllegalArgumentException e) {
      throw new JobFailure(
          "the image roots in "
              + run.resolve(RunFolder.summaryPath(MineTuplesJob.NAME))
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** This reader resizing images of another size than the model's by the given mode. */
  public ImageReader withResize(ResizeMode mode) {
    return new ImageReader(paths, widthPx, heightPx, maxPixels, hadoop, mode);
  }

  /** Which part of an image of another size is resized to the model's. */
  public ResizeMode resize() {
    return resize;
  }

  public int widthPx() {
    return widthPx;
  }

  public int heightPx() {
    return heightPx;
  }

  /**
   * Where an image's path points.
   *
   * @throws BadImageException naming the path when it lies outside the roots images may be read
   *     from
   */
  public Path resolve(String path) {
    try {
      ImagePaths.Location location = paths.locate(path);
      return location.underImageRoot()
          ? new Path(new Path(paths.imageRoot()), location.relative())
          : new Path(location.absolute());
    } catch (ImagePaths.OutsideRootException e) {
      throw new BadImageException("image not read: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) { // not a path Hadoop can parse
      throw new BadImageException("cannot read image " + path + ": " + e.getMessage(), e);
    }
  }

  /** The image as normalised CHW floats of the model's size; failures name the file. */
  public float[] read(String path) {
    Path file = resolve(path);
    BufferedImage image;
    try (InputStream in = file.getFileSystem(hadoop.value()).open(file)) {
      image = new ImageDecoder(maxPixels).decode(in, file.toString());
    } catch (IOException e) {
      throw new BadImageException("cannot read image " + file + ": " + e.getMessage(), e);
    } catch (ImageDecoder.UnreadableImageException e) {
      throw new BadImageException(e.getMessage(), e);
    }
    return ImageTensors.fromImage(resized(image));
  }

  private BufferedImage resized(BufferedImage image) {
    if (image.getWidth() == widthPx && image.getHeight() == heightPx) {
      return image; // the common case: no crop, no copy
    }
    ResizeMode.Rect rect =
        resize.sourceRect(image.getWidth(), image.getHeight(), widthPx, heightPx);
    // a sub-image shares the pixels, and bilinear sampling stops at its edges: no margin bleeds in
    BufferedImage out =
        rect.isWhole(image.getWidth(), image.getHeight())
            ? image
            : image.getSubimage(rect.xPx(), rect.yPx(), rect.widthPx(), rect.heightPx());
    for (ResizeSteps.Size step :
        ResizeSteps.of(out.getWidth(), out.getHeight(), widthPx, heightPx)) {
      out = bilinear(out, step.widthPx(), step.heightPx());
    }
    return out;
  }

  private static BufferedImage bilinear(BufferedImage image, int widthPx, int heightPx) {
    BufferedImage out = new BufferedImage(widthPx, heightPx, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, widthPx, heightPx, null); // RGB to RGB: no colour conversion
    g.dispose();
    return out;
  }

  /**
   * An image that is missing, outside the allowed roots or cannot be decoded; the message names the
   * file.
   */
  public static final class BadImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
