package org.netvlad.common.geo;

import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.CoordinateReferenceSystem;
import org.locationtech.proj4j.CoordinateTransform;
import org.locationtech.proj4j.CoordinateTransformFactory;
import org.locationtech.proj4j.ProjCoordinate;

/**
 * The WGS84 transverse Mercator grid of one UTM zone (scale 0.9996, false easting 500 km, false
 * northing 0 or 10,000 km), computed by PROJ4J's extended transverse Mercator (Poder/Engsager),
 * which stays accurate well outside the zone's 6 degrees. Not thread-safe: one instance per thread.
 */
public final class UtmProjection {
  private static final CRSFactory CRS = new CRSFactory();
  private static final CoordinateTransformFactory TRANSFORMS = new CoordinateTransformFactory();

  private final UtmZone zone;
  private final CoordinateTransform toGrid;
  private final CoordinateTransform toGeographic;
  private final ProjCoordinate in = new ProjCoordinate();
  private final ProjCoordinate out = new ProjCoordinate();

  public UtmProjection(UtmZone zone) {
    this.zone = zone;
    CoordinateReferenceSystem wgs84 =
        CRS.createFromParameters("WGS84", "+proj=longlat +datum=WGS84 +no_defs");
    CoordinateReferenceSystem grid =
        CRS.createFromParameters(
            "UTM" + zone,
            "+proj=etmerc +lat_0=0 +lon_0="
                + zone.centralMeridianDeg()
                + " +k=0.9996 +x_0=500000 +y_0="
                + (zone.isNorth() ? "0" : "10000000")
                + " +datum=WGS84 +units=m +no_defs");
    this.toGrid = TRANSFORMS.createTransform(wgs84, grid);
    this.toGeographic = TRANSFORMS.createTransform(grid, wgs84);
  }

  public UtmZone zone() {
    return zone;
  }

  /** Projects a WGS84 position; returns {easting metres, northing metres}. */
  public double[] toGrid(double latDeg, double lonDeg) {
    in.x = lonDeg;
    in.y = latDeg;
    toGrid.transform(in, out);
    return new double[] {out.x, out.y};
  }

  /** Inverts a grid position; returns {latitude degrees, longitude degrees}. */
  public double[] toLatLon(double eastingM, double northingM) {
    in.x = eastingM;
    in.y = northingM;
    toGeographic.transform(in, out);
    return new double[] {out.y, UtmZone.normaliseLon(out.x)};
  }
}
