package org.netvlad.common.render;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.netvlad.common.hash.Hash;

/**
 * Renders a {@link City} from a {@link Capture} by 2.5-D ray casting: one horizontal ray per image
 * column walks the block grid and collects what it passes (facades, sidewalk trees), nearest first
 * and only what shows above the nearer things (so the skyline is right); each pixel then takes the
 * ground, the first layer its elevation falls on, or the sky. Lighting, season, lit windows and
 * transient occluders (cars, people) follow the capture date, hour and seed. Deterministic: the
 * same city and capture give the same pixels. Not thread-safe: one instance per thread.
 */
public final class Renderer {
  private static final int MAX_LAYERS = 5;
  private static final double MAX_DISTANCE_M = 400;
  private static final double TREE_RADIUS_M = 2.2;
  private static final double TRUNK_TOP_M = 2.5;

  private final City city;
  private final Map<Long, FacadeLook> looks = new HashMap<>();

  // Per-column layers, nearest first.
  private final double[] layerT = new double[MAX_LAYERS];
  private final double[] layerTop = new double[MAX_LAYERS];
  private final double[] layerU = new double[MAX_LAYERS];
  private final double[] layerNx = new double[MAX_LAYERS];
  private final double[] layerNy = new double[MAX_LAYERS];
  private final long[] layerId = new long[MAX_LAYERS];
  private final boolean[] layerTree = new boolean[MAX_LAYERS];
  private int layers;
  private final Hit[] blockHits = new Hit[64];
  private int blockHitCount;

  private static final class Hit {
    double t;
    double top;
    double u;
    double nx;
    double ny;
    long id;
    boolean tree;
  }

  public Renderer(City city) {
    this.city = city;
    for (int i = 0; i < blockHits.length; i++) {
      blockHits[i] = new Hit();
    }
  }

  /** Renders a capture; returns packed 0xRRGGBB pixels, row by row from the top. */
  public int[] render(Capture c) {
    looks.clear(); // a facade's look depends on the capture date: cache within one image only
    int w = c.width();
    int h = c.height();
    int[] pixels = new int[w * h];
    double[] firstT = new double[w];
    Lighting light = new Lighting(c.date(), c.hour());
    double tanH = Math.tan(Math.toRadians(Capture.HORIZONTAL_FOV_DEG / 2));
    double tanV = tanH * h / w;
    double heading = Math.toRadians(c.headingDeg());
    double fx = Math.sin(heading);
    double fy = Math.cos(heading);
    double rx = Math.cos(heading);
    double ry = -Math.sin(heading);
    double pitch = Math.toRadians(c.pitchDeg());
    double sinP = Math.sin(pitch);
    double cosP = Math.cos(pitch);
    long litSeed = Hash.of(c.imageSeed(), c.date().toEpochDay());
    float[] rgb = new float[3];
    for (int col = 0; col < w; col++) {
      double sx = ((col + 0.5) / w * 2 - 1) * tanH;
      double dx = fx + rx * sx;
      double dy = fy + ry * sx;
      double norm = Math.hypot(dx, dy);
      dx /= norm;
      dy /= norm;
      cast(c.eastM(), c.northM(), dx, dy, c.heightM());
      firstT[col] = layers > 0 ? layerT[0] : Double.POSITIVE_INFINITY;
      for (int row = 0; row < h; row++) {
        double sy = (1 - (row + 0.5) / h * 2) * tanV;
        // The pixel's ray is sx·right + sy·up + forward, pitched: its elevation's tangent.
        double tanE = (sinP + sy * cosP) / Math.hypot(sx, cosP - sy * sinP);
        shadePixel(c, light, litSeed, dx, dy, tanE, rgb);
        pixels[row * w + col] = pack(rgb);
      }
    }
    drawTransients(c, light, pixels, firstT, tanH, tanV, sinP, cosP);
    return pixels;
  }

  /** Encodes pixels as PNG bytes. */
  public static byte[] png(int[] pixels, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, width, height, pixels, 0, width);
    ByteArrayOutputStream out = new ByteArrayOutputStream(width * height);
    ImageIO.setUseCache(false); // encode in memory, not through a temporary file per image
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void shadePixel(
      Capture c, Lighting light, long litSeed, double dx, double dy, double tanE, float[] rgb) {
    double camH = c.heightM();
    double groundT = tanE < 0 ? camH / -tanE : Double.POSITIVE_INFINITY;
    for (int i = 0; i < layers; i++) {
      if (layerT[i] > groundT) {
        break;
      }
      double z = camH + layerT[i] * tanE;
      if (layerTree[i]) {
        if (treeColour(i, z, light, rgb)) {
          fog(rgb, layerT[i], light);
          return;
        }
        continue;
      }
      if (z <= layerTop[i]) {
        FacadeLook look =
            looks.computeIfAbsent(layerId[i], id -> new FacadeLook(city.seed(), id, c.date()));
        int emitted = look.colour(layerU[i], z, layerTop[i], light.night, litSeed, rgb);
        if (emitted == 0) {
          scale(rgb, light.shade(layerNx[i], layerNy[i]));
        }
        fog(rgb, layerT[i], light);
        return;
      }
    }
    if (groundT < MAX_DISTANCE_M) {
      groundColour(c.eastM() + dx * groundT, c.northM() + dy * groundT, light, rgb);
      fog(rgb, groundT, light);
      return;
    }
    double k = Math.min(1, Math.max(0, tanE * 2.5));
    for (int j = 0; j < 3; j++) {
      rgb[j] = (float) (light.skyHorizon[j] * (1 - k) + light.skyZenith[j] * k);
    }
  }

  private boolean treeColour(int i, double z, Lighting light, float[] rgb) {
    double u = layerU[i];
    if (z >= 0 && z < TRUNK_TOP_M) {
      if (Math.abs(u) < 0.22) {
        rgb[0] = 0.30f;
        rgb[1] = 0.22f;
        rgb[2] = 0.15f;
        scale(rgb, light.ambient + light.sunStrength * 0.5);
        return true;
      }
      return false;
    }
    double mid = (TRUNK_TOP_M + layerTop[i]) / 2;
    double half = (layerTop[i] - TRUNK_TOP_M) / 2;
    double q = (z - mid) / half;
    if (q < -1 || q > 1 || Math.abs(u) > TREE_RADIUS_M * Math.sqrt(1 - q * q)) {
      return false;
    }
    if (Hash.unit(Hash.of(layerId[i], (long) Math.floor(u * 3), (long) Math.floor(z * 3)))
        < light.foliageHoles) {
      return false;
    }
    double shade =
        0.75
            + 0.5
                * Hash.unit(
                    Hash.of(layerId[i], (long) Math.floor(u * 5), (long) Math.floor(z * 5), 7));
    rgb[0] = light.vegetation[0];
    rgb[1] = light.vegetation[1];
    rgb[2] = light.vegetation[2];
    scale(rgb, shade * (light.ambient + light.sunStrength * 0.7));
    return true;
  }

  private void groundColour(double x, double y, Lighting light, float[] rgb) {
    double b = city.blockM();
    long bx = (long) Math.floor(x / b);
    long by = (long) Math.floor(y / b);
    double ox = x - Math.rint(x / b) * b; // offset from the nearest street centre lines
    double oy = y - Math.rint(y / b) * b;
    double roadHalf = city.streetWidthM() / 2 - 3;
    boolean onRoad = Math.abs(ox) < roadHalf || Math.abs(oy) < roadHalf;
    if (onRoad) {
      boolean marking =
          (Math.abs(ox) < 0.12 && Math.floorMod((long) Math.floor(y / 3), 2) == 0)
              || (Math.abs(oy) < 0.12 && Math.floorMod((long) Math.floor(x / 3), 2) == 0);
      float v = marking ? 0.85f : 0.28f;
      rgb[0] = v;
      rgb[1] = v;
      rgb[2] = marking ? 0.75f : 0.30f;
    } else if (city.isPark(bx, by)) {
      rgb[0] = light.vegetation[0] * 0.8f;
      rgb[1] = light.vegetation[1] * 0.8f + 0.05f;
      rgb[2] = light.vegetation[2] * 0.8f;
    } else {
      float tile =
          Math.floorMod((long) Math.floor(x * 2) + (long) Math.floor(y * 2), 2) == 0
              ? 0.62f
              : 0.58f;
      rgb[0] = tile;
      rgb[1] = tile;
      rgb[2] = tile - 0.02f;
    }
    scale(
        rgb,
        light.ambient
            + light.sunStrength * Math.max(0, Math.sin(Math.toRadians(light.sunElevationDeg)))
            + 0.1);
  }

  /** Walks the block grid along a horizontal ray and fills the column's layers. */
  private void cast(double x, double y, double dx, double dy, double camH) {
    layers = 0;
    double b = city.blockM();
    long bx = (long) Math.floor(x / b);
    long by = (long) Math.floor(y / b);
    int stepX = dx > 0 ? 1 : -1;
    int stepY = dy > 0 ? 1 : -1;
    double tMaxX = dx == 0 ? Double.POSITIVE_INFINITY : (((dx > 0 ? bx + 1 : bx) * b) - x) / dx;
    double tMaxY = dy == 0 ? Double.POSITIVE_INFINITY : (((dy > 0 ? by + 1 : by) * b) - y) / dy;
    double tDeltaX = dx == 0 ? Double.POSITIVE_INFINITY : b / Math.abs(dx);
    double tDeltaY = dy == 0 ? Double.POSITIVE_INFINITY : b / Math.abs(dy);
    double maxTan = Double.NEGATIVE_INFINITY;
    double t = 0;
    while (t < MAX_DISTANCE_M && layers < MAX_LAYERS) {
      blockHitCount = 0;
      collectBlock(bx, by, x, y, dx, dy);
      sortBlockHits();
      for (int i = 0; i < blockHitCount && layers < MAX_LAYERS; i++) {
        Hit hit = blockHits[i];
        double topTan = (hit.top - camH) / hit.t;
        if (topTan <= maxTan) {
          continue; // hidden behind something nearer and taller
        }
        if (!hit.tree) {
          maxTan = topTan;
        }
        layerT[layers] = hit.t;
        layerTop[layers] = hit.top;
        layerU[layers] = hit.u;
        layerNx[layers] = hit.nx;
        layerNy[layers] = hit.ny;
        layerId[layers] = hit.id;
        layerTree[layers] = hit.tree;
        layers++;
      }
      if (tMaxX < tMaxY) {
        t = tMaxX;
        tMaxX += tDeltaX;
        bx += stepX;
      } else {
        t = tMaxY;
        tMaxY += tDeltaY;
        by += stepY;
      }
    }
  }

  private void collectBlock(long bx, long by, double x, double y, double dx, double dy) {
    double[] area = city.buildable(bx, by);
    double b = city.blockM();
    if (city.isPark(bx, by)) {
      for (double tx = area[0] + 4; tx < area[2] - 2; tx += 12) {
        for (double ty = area[1] + 4; ty < area[3] - 2; ty += 12) {
          long id = Hash.of(city.seed(), Double.doubleToLongBits(tx), Double.doubleToLongBits(ty));
          if (Hash.unit(id) < 0.6) {
            tree(
                id,
                tx + 3 * (Hash.unit(Hash.of(id, 1)) - 0.5),
                ty + 3 * (Hash.unit(Hash.of(id, 2)) - 0.5),
                x,
                y,
                dx,
                dy);
          }
        }
      }
    } else {
      int nx = city.lotsX(bx, by);
      int ny = city.lotsY(bx, by);
      double w = (area[2] - area[0]) / nx;
      double h = (area[3] - area[1]) / ny;
      for (int lx = 0; lx < nx; lx++) {
        for (int ly = 0; ly < ny; ly++) {
          if (lx > 0 && lx < nx - 1 && ly > 0 && ly < ny - 1) {
            continue; // interior lots are never seen from a street
          }
          double x0 = area[0] + lx * w + 0.5;
          double y0 = area[1] + ly * h + 0.5;
          lot(bx, by, lx, ly, x0, y0, x0 + w - 1, y0 + h - 1, x, y, dx, dy);
        }
      }
    }
    // Sidewalk trees, 2.5 m in front of the building line, every 9 m where the hash says so.
    double inset = city.streetWidthM() / 2 - 2.5;
    for (int side = 0; side < 4; side++) {
      for (int k = 0; k < (int) ((b - city.streetWidthM()) / 9); k++) {
        long id = Hash.of(Hash.of(city.seed(), bx, by), side, k, 5);
        if (Hash.unit(id) >= 0.45) {
          continue;
        }
        double along = area[side % 2 == 0 ? 0 : 1] + 4.5 + 9 * k;
        double tx =
            side == 0 || side == 2 ? along : side == 1 ? (bx + 1) * b - inset : bx * b + inset;
        double ty =
            side == 1 || side == 3 ? along : side == 0 ? by * b + inset : (by + 1) * b - inset;
        tree(id, tx, ty, x, y, dx, dy);
      }
    }
  }

  private void lot(
      long bx,
      long by,
      int lx,
      int ly,
      double x0,
      double y0,
      double x1,
      double y1,
      double x,
      double y,
      double dx,
      double dy) {
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) {
      return; // the camera stands in this lot: treat it as open ground
    }
    double tx0 = (x0 - x) / dx;
    double tx1 = (x1 - x) / dx;
    double ty0 = (y0 - y) / dy;
    double ty1 = (y1 - y) / dy;
    double tNearX = Math.min(tx0, tx1);
    double tFarX = Math.max(tx0, tx1);
    double tNearY = Math.min(ty0, ty1);
    double tFarY = Math.max(ty0, ty1);
    double tNear = Math.max(tNearX, tNearY);
    double tFar = Math.min(tFarX, tFarY);
    if (!(tNear <= tFar) || tNear <= 0) {
      return;
    }
    Hit hit = nextHit();
    if (hit == null) {
      return;
    }
    int side;
    double hx = x + dx * tNear;
    double hy = y + dy * tNear;
    if (tNearX >= tNearY) { // entered through a vertical (east or west) face
      side = dx > 0 ? 3 : 1;
      hit.nx = dx > 0 ? -1 : 1;
      hit.ny = 0;
      hit.u = dx > 0 ? y1 - hy : hy - y0;
    } else {
      side = dy > 0 ? 0 : 2;
      hit.nx = 0;
      hit.ny = dy > 0 ? -1 : 1;
      hit.u = dy > 0 ? hx - x0 : x1 - hx;
    }
    hit.t = tNear;
    hit.top = city.lotHeightM(bx, by, lx, ly);
    hit.id = city.facadeId(bx, by, lx, ly, side);
    hit.tree = false;
  }

  private void tree(long id, double tx, double ty, double x, double y, double dx, double dy) {
    double ox = tx - x;
    double oy = ty - y;
    double along = ox * dx + oy * dy;
    if (along <= TREE_RADIUS_M) {
      return;
    }
    double lateral = ox * dy - oy * dx;
    if (Math.abs(lateral) > TREE_RADIUS_M) {
      return;
    }
    Hit hit = nextHit();
    if (hit == null) {
      return;
    }
    hit.t = along - Math.sqrt(TREE_RADIUS_M * TREE_RADIUS_M - lateral * lateral);
    hit.top = 6 + 3 * Hash.unit(Hash.of(id, 3));
    hit.u = lateral;
    hit.nx = 0;
    hit.ny = 0;
    hit.id = id;
    hit.tree = true;
  }

  private Hit nextHit() {
    return blockHitCount < blockHits.length ? blockHits[blockHitCount++] : null;
  }

  private void sortBlockHits() {
    for (int i = 1; i < blockHitCount; i++) {
      Hit h = blockHits[i];
      int j = i - 1;
      while (j >= 0 && blockHits[j].t > h.t) {
        blockHits[j + 1] = blockHits[j];
        j--;
      }
      blockHits[j + 1] = h;
    }
  }

  /** Cars and people of this capture, drawn in front of whatever is farther. */
  private void drawTransients(
      Capture c,
      Lighting light,
      int[] pixels,
      double[] firstT,
      double tanH,
      double tanV,
      double sinP,
      double cosP) {
    long seed = Hash.of(c.imageSeed(), 99);
    int count = (int) (Hash.unit(seed) * 6);
    for (int k = 0; k < count; k++) {
      long s = Hash.of(seed, k);
      boolean car = Hash.unit(Hash.of(s, 1)) < 0.55;
      double distance = 4 + 22 * Hash.unit(Hash.of(s, 2));
      double lateral = (Hash.unit(Hash.of(s, 3)) - 0.5) * 2 * distance * tanH;
      double widthM = car ? 3.5 + 1.5 * Hash.unit(Hash.of(s, 4)) : 0.55;
      double heightM = car ? 1.45 : 1.6 + 0.25 * Hash.unit(Hash.of(s, 4));
      float[] colour = {
        (float) Hash.unit(Hash.of(s, 5)),
        (float) Hash.unit(Hash.of(s, 6)),
        (float) Hash.unit(Hash.of(s, 7))
      };
      double shade = light.night ? 0.12 : light.ambient + light.sunStrength * 0.6;
      int w = c.width();
      int h = c.height();
      int colFrom = (int) Math.floor(((lateral - widthM / 2) / distance / tanH + 1) / 2 * w);
      int colTo = (int) Math.ceil(((lateral + widthM / 2) / distance / tanH + 1) / 2 * w);
      int rowTop = row(heightM - c.heightM(), distance, tanV, sinP, cosP, h);
      int rowBottom = row(-c.heightM(), distance, tanV, sinP, cosP, h);
      for (int col = Math.max(0, colFrom); col < Math.min(w, colTo); col++) {
        if (firstT[col] < distance) {
          continue;
        }
        for (int row = Math.max(0, rowTop); row < Math.min(h, rowBottom); row++) {
          double f = (double) (row - rowTop) / Math.max(1, rowBottom - rowTop);
          double band = car && f > 0.15 && f < 0.45 ? 0.35 : 1; // car windows
          float[] rgb = {
            (float) (colour[0] * band), (float) (colour[1] * band), (float) (colour[2] * band)
          };
          scale(rgb, shade);
          pixels[row * w + col] = pack(rgb);
        }
      }
    }
  }

  /** Image row of a point at height zRelM above the camera and horizontal distance d. */
  private static int row(double zRelM, double d, double tanV, double sinP, double cosP, int h) {
    double tanE = zRelM / d;
    double sy = (tanE * cosP - sinP) / (cosP + tanE * sinP);
    return (int) Math.round((1 - sy / tanV) / 2 * h);
  }

  private static void fog(float[] rgb, double t, Lighting light) {
    double k = Math.min(0.6, t / MAX_DISTANCE_M * 0.8);
    for (int j = 0; j < 3; j++) {
      rgb[j] = (float) (rgb[j] * (1 - k) + light.skyHorizon[j] * k);
    }
  }

  private static void scale(float[] rgb, double k) {
    rgb[0] *= (float) k;
    rgb[1] *= (float) k;
    rgb[2] *= (float) k;
  }

  private static int pack(float[] rgb) {
    int r = Math.max(0, Math.min(255, Math.round(rgb[0] * 255)));
    int g = Math.max(0, Math.min(255, Math.round(rgb[1] * 255)));
    int b = Math.max(0, Math.min(255, Math.round(rgb[2] * 255)));
    return (r << 16) | (g << 8) | b;
  }
}
