package org.netvlad.common.layout;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;

/**
 * Writes a {@link StreetLayout} as a CSV manifest in the input contract, with WGS84 lat/lon
 * positions around an origin. Used by {@code submit/demo} until the renderer draws the images.
 *
 * <p>Usage: {@code LayoutManifestWriter OUT.csv IMAGES [WIDTH_M HEIGHT_M SEED [ORIGIN_LAT ORIGIN_LON]]}
 */
public final class LayoutManifestWriter {
  private LayoutManifestWriter() {}

  /**
   * Writes the manifest; returns the number of rows written.
   *
   * @param originLatDeg latitude of the layout's south-west corner
   * @param originLonDeg longitude of the layout's south-west corner
   */
  public static long write(Path out, StreetLayout layout, double originLatDeg, double originLonDeg)
      throws IOException {
    UtmZone zone = UtmZone.containing(originLatDeg, originLonDeg);
    UtmProjection projection = new UtmProjection(zone);
    double[] origin = projection.toGrid(originLatDeg, originLonDeg);
    long rows = 0;
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write("image_id,path,lat,lon,captured_at,heading_deg,role,split\n");
      for (int s = 0; s < layout.streetCount(); s++) {
        for (StreetLayout.LayoutImage image : layout.street(s)) {
          double[] latLon = projection.toLatLon(origin[0] + image.eastM(), origin[1] + image.northM());
          w.write(
              String.format(
                  Locale.ROOT,
                  "%s,images/%s.png,%.8f,%.8f,%s,%.1f,%s,%s%n",
                  image.imageId(),
                  image.imageId(),
                  latLon[0],
                  latLon[1],
                  image.capturedAt(),
                  image.headingDeg(),
                  image.role().text(),
                  image.split().text()));
          rows++;
        }
      }
    }
    Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return rows;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println(
          "usage: LayoutManifestWriter OUT.csv IMAGES [WIDTH_M HEIGHT_M SEED [ORIGIN_LAT ORIGIN_LON]]");
      System.exit(2);
    }
    long images = Long.parseLong(args[1]);
    double widthM = args.length > 2 ? Double.parseDouble(args[2]) : 1000;
    double heightM = args.length > 3 ? Double.parseDouble(args[3]) : 1000;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
    double lat = args.length > 6 ? Double.parseDouble(args[5]) : 40.4406;
    double lon = args.length > 6 ? Double.parseDouble(args[6]) : -79.9959;
    StreetLayout layout = StreetLayout.sizedFor(images, widthM, heightM, 12, seed);
    long rows = write(Path.of(args[0]), layout, lat, lon);
    System.err.printf(Locale.ROOT, "wrote %,d images of a %.0f x %.0f m street layout to %s%n", rows, widthM, heightM, args[0]);
  }
}
