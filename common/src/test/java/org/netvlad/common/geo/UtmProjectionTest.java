package org.netvlad.common.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.sf.geographiclib.Geodesic;
import org.junit.jupiter.api.Test;

class UtmProjectionTest {

  @Test
  void cnTowerMatchesThePublishedUtmPosition() {
    // Wikipedia, "Universal Transverse Mercator coordinate system": the CN Tower at
    // 43°38′33.24″N 79°23′13.7″W is in zone 17 at 630084 m E, 4833438 m N.
    double lat = 43 + 38 / 60.0 + 33.24 / 3600;
    double lon = -(79 + 23 / 60.0 + 13.7 / 3600);
    UtmZone zone = UtmZone.containing(lat, lon);
    assertEquals("17T", zone.toString());
    double[] en = new UtmProjection(zone).toGrid(lat, lon);
    assertEquals(630084, en[0], 1.0);
    assertEquals(4833438, en[1], 1.0);
  }

  @Test
  void matchesGeographicLibGeoConvertExample() {
    // GeographicLib's GeoConvert documentation: "33.3 44.4" converts to "38n 444140.54 3684706.36".
    UtmZone zone = UtmZone.containing(33.3, 44.4);
    assertEquals(38, zone.number());
    double[] en = new UtmProjection(zone).toGrid(33.3, 44.4);
    assertEquals(444140.54, en[0], 0.01);
    assertEquals(3684706.36, en[1], 0.01);
  }

  @Test
  void southernHemisphereMirrorsTheNorthernOne() {
    // By symmetry of the ellipsoid, (-lat, lon) lies as far south of the equator as (lat, lon)
    // lies north: southern northing = 10,000,000 m - northern northing, same easting.
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 200; i++) {
      double lat = random.nextDouble(0.5, 79);
      int number = 1 + random.nextInt(60);
      double lon = -183 + 6 * number + random.nextDouble(-3, 3);
      double[] north = new UtmProjection(new UtmZone(number, 'N')).toGrid(lat, lon);
      double[] south = new UtmProjection(new UtmZone(number, 'M')).toGrid(-lat, lon);
      assertEquals(north[0], south[0], 1e-6);
      assertEquals(10_000_000 - north[1], south[1], 1e-6);
    }
  }

  @Test
  void roundTripsWithinAMillimetreAcrossZonesAndOutsideThem() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 500; i++) {
      double lat = random.nextDouble(-79.9, 83.9);
      double lon = random.nextDouble(-180, 180);
      UtmZone own = UtmZone.containing(lat, lon);
      // Also project 5 degrees beyond the zone's edge: the extended grid must stay invertible.
      UtmZone neighbour = new UtmZone(own.number() % 60 + 1, own.band());
      for (UtmZone zone : new UtmZone[] {own, neighbour}) {
        UtmProjection p = new UtmProjection(zone);
        double[] en = p.toGrid(lat, lon);
        double[] back = p.toLatLon(en[0], en[1]);
        double errorM = Geodesic.WGS84.Inverse(lat, lon, back[0], back[1]).s12;
        double offset = Math.abs(((lon - zone.centralMeridianDeg()) % 360 + 540) % 360 - 180);
        if (offset < 12) {
          assertTrue(errorM < 1e-3, "round trip error " + errorM + " m at " + lat + "," + lon);
        }
      }
    }
  }

  @Test
  void gridDistancesMatchGeodesicsUpToTheUtmScaleFactor() {
    // Within a zone the UTM scale factor lies in [0.9996, 1.0010]: 25 m stays 25 m to 3 cm.
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 300; i++) {
      double lat = random.nextDouble(-70, 70);
      double lon = random.nextDouble(-179, 179);
      UtmZone zone = UtmZone.containing(lat, lon);
      UtmProjection p = new UtmProjection(zone);
      double azimuth = random.nextDouble(0, 360);
      var end = Geodesic.WGS84.Direct(lat, lon, azimuth, 25.0);
      double[] a = p.toGrid(lat, lon);
      double[] b = p.toGrid(end.lat2, end.lon2);
      double gridM = Math.hypot(a[0] - b[0], a[1] - b[1]);
      assertEquals(25.0, gridM, 25.0 * 0.0011, "at " + lat + "," + lon);
    }
  }

  @Test
  void zonesFollowTheNorwayAndSvalbardExceptionsAndTheAntimeridian() {
    assertEquals("32V", UtmZone.containing(60, 5).toString()); // south-west Norway
    assertEquals("31V", UtmZone.containing(60, 2.9).toString());
    assertEquals("33X", UtmZone.containing(78, 10).toString()); // Svalbard
    assertEquals("31X", UtmZone.containing(78, 8.9).toString());
    assertEquals(60, UtmZone.containing(0, 180).number());
    assertEquals(1, UtmZone.containing(0, -180).number());
    assertEquals(60, UtmZone.containing(0, 179.999).number());
    assertEquals('N', UtmZone.containing(0, 10).band());
    assertEquals('M', UtmZone.containing(-0.0001, 10).band());
    assertThrows(IllegalArgumentException.class, () -> UtmZone.containing(85, 0));
  }

  @Test
  void bandLettersDecideTheHemisphere() {
    assertTrue(UtmZone.parse("17T").isNorth());
    assertTrue(UtmZone.parse("33s").isNorth()); // band S: 32-40 degrees north, not "south"
    assertFalse(UtmZone.parse("56H").isNorth());
    assertEquals(-81, UtmZone.parse("17T").centralMeridianDeg());
    assertThrows(IllegalArgumentException.class, () -> UtmZone.parse("61T"));
    assertThrows(IllegalArgumentException.class, () -> UtmZone.parse("17I"));
    assertThrows(IllegalArgumentException.class, () -> UtmZone.parse("17"));
    assertThrows(IllegalArgumentException.class, () -> UtmZone.parse(""));
  }
}
