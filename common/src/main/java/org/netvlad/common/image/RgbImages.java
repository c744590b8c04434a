package org.netvlad.common.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Any decoded image as 8-bit sRGB, the colours a viewer shows, which is what the network is fed.
 *
 * <ul>
 *   <li>gray (8 or 16 bits, with or without alpha): value v of maximum m gives v / m * 255 in all
 *       three channels. Java's own conversion ({@code getRGB}, {@code drawImage}) treats its gray
 *       colour space as linear light and brightens 128 to 188; gray files store display values, as
 *       sRGB files do;
 *   <li>sRGB (8 or 16 bits) and palettes: the stored colours, scaled to 8 bits;
 *   <li>CMYK (JPEG; Java's reader undoes Adobe's inverted storage and YCCK): R = (1 - C)(1 - K) and
 *       so on, the plain complement formula, as PIL's {@code convert('RGB')} in the reference
 *       implementations, not colour-managed;
 *   <li>other colour spaces (linear RGB, ICC profiles): converted to sRGB by Java's colour
 *       management;
 *   <li>alpha is ignored: a transparent pixel keeps its stored colour, as PIL's {@code
 *       convert('RGB')} does (no background to composite over is better than another).
 * </ul>
 *
 * <p>Rounding is to the nearest 8-bit value.
 */
public final class RgbImages {
  private RgbImages() {}

  /** The image as {@link BufferedImage#TYPE_INT_RGB}, converted by the rules above. */
  public static BufferedImage toRgb(BufferedImage decoded) {
    BufferedImage image = straightAlpha(decoded);
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    ColorSpace cs = image.getColorModel().getColorSpace();
    if (usesColourManagement(image)) {
      new ColorConvertOp(cs, ColorSpace.getInstance(ColorSpace.CS_sRGB), null).filter(image, out);
      return out;
    }
    fill(image, ((DataBufferInt) out.getRaster().getDataBuffer()).getData());
    return out;
  }

  /** Packed 0xRRGGBB pixels, row by row from the top, by the rules above. */
  public static int[] pixels(BufferedImage image) {
    BufferedImage rgb = image.getType() == BufferedImage.TYPE_INT_RGB ? image : toRgb(image);
    int[] out = rgb.getRGB(0, 0, rgb.getWidth(), rgb.getHeight(), null, 0, rgb.getWidth());
    for (int i = 0; i < out.length; i++) {
      out[i] &= 0xFFFFFF; // getRGB adds an opaque alpha
    }
    return out;
  }

  /**
   * The image with colours not multiplied by alpha (decoders never premultiply; a caller might).
   */
  private static BufferedImage straightAlpha(BufferedImage image) {
    if (!image.getColorModel().isAlphaPremultiplied()) {
      return image;
    }
    WritableRaster copy = image.copyData(null);
    return new BufferedImage(image.getColorModel().coerceData(copy, false), copy, false, null);
  }

  private static boolean usesColourManagement(BufferedImage image) {
    ColorSpace cs = image.getColorModel().getColorSpace();
    return !cs.isCS_sRGB()
            && cs.getType() != ColorSpace.TYPE_GRAY
            && cs.getType() != ColorSpace.TYPE_CMYK
        || !(image.getColorModel() instanceof ComponentColorModel) && !storedAsSrgb(image);
  }

  /**
   * Palettes, packed sRGB pixels and 8-bit sRGB components: getRGB returns the stored colours
   * exactly.
   */
  private static boolean storedAsSrgb(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    return cm instanceof IndexColorModel
        || cm instanceof DirectColorModel && cm.getColorSpace().isCS_sRGB()
        || cm instanceof ComponentColorModel
            && cm.getColorSpace().isCS_sRGB()
            && cm.getTransferType() == DataBuffer.TYPE_BYTE;
  }

  private static void fill(BufferedImage image, int[] out) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (storedAsSrgb(image)) {
      image.getRGB(0, 0, w, h, out, 0, w);
      for (int i = 0; i < out.length; i++) {
        out[i] &= 0xFFFFFF; // alpha ignored
      }
      return;
    }
    ComponentColorModel cm = (ComponentColorModel) image.getColorModel();
    int type = cm.getColorSpace().getType();
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    float[] scale = scales(cm);
    float[] row = new float[w * bands];
    float[] c = new float[bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
      for (int x = 0; x < w; x++) {
        for (int b = 0; b < bands; b++) {
          c[b] = row[x * bands + b] * scale[b];
        }
        out[y * w + x] =
            type == ColorSpace.TYPE_GRAY
                ? rgb(c[0], c[0], c[0])
                : type == ColorSpace.TYPE_CMYK
                    ? rgb((1 - c[0]) * (1 - c[3]), (1 - c[1]) * (1 - c[3]), (1 - c[2]) * (1 - c[3]))
                    : rgb(c[0], c[1], c[2]);
      }
    }
  }

  /**
   * What turns each band's sample into [0, 1]: 1 / (2^bits - 1) for whole numbers, 1 for floats.
   */
  private static float[] scales(ComponentColorModel cm) {
    int transfer = cm.getTransferType();
    boolean floating = transfer == DataBuffer.TYPE_FLOAT || transfer == DataBuffer.TYPE_DOUBLE;
    float[] scale = new float[cm.getNumComponents()];
    for (int b = 0; b < scale.length; b++) {
      scale[b] = floating ? 1f : 1f / ((1L << cm.getComponentSize(b)) - 1);
    }
    return scale;
  }

  private static int rgb(float r, float g, float b) {
    return byteOf(r) << 16 | byteOf(g) << 8 | byteOf(b);
  }

  private static int byteOf(float unit) {
    return Math.max(0, Math.min(255, Math.round(unit * 255)));
  }
}
