package org.netvlad.common.data;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * One accepted image with its position in three forms: WGS84, its own UTM zone, and the mining
 * frame (one UTM grid shared by the whole data set, see {@code geo.frame-zone}).
 *
 * @param imageId unique id
 * @param path image path relative to the image root, or a URI
 * @param role database or query
 * @param split train, val or test
 * @param capturedAt capture date, or null when unknown
 * @param condition capture condition (e.g. day, dusk, night) evaluation reports Recall@N by, or
 *     null
 * @param headingDeg camera heading in degrees [0, 360), or null when unknown
 * @param pitchIndex the Pittsburgh-style pitch index from the file name, or null
 * @param latDeg WGS84 latitude in degrees
 * @param lonDeg WGS84 longitude in degrees
 * @param utmZone the image's own UTM zone and band, e.g. 17T
 * @param utmEastingM easting in its own zone, metres
 * @param utmNorthingM northing in its own zone, metres
 * @param frameEastingM easting in the mining frame, metres (NaN until projected)
 * @param frameNorthingM northing in the mining frame, metres (NaN until projected)
 * @param source the input file it came from
 * @param rowNumber its row in that file, 1-based
 */
public record Panorama(
    String imageId,
    String path,
    Role role,
    Split split,
    LocalDate capturedAt,
    String condition,
    Double headingDeg,
    Integer pitchIndex,
    double latDeg,
    double lonDeg,
    String utmZone,
    double utmEastingM,
    double utmNorthingM,
    double frameEastingM,
    double frameNorthingM,
    String source,
    long rowNumber)
    implements Serializable {

  /** This panorama with its mining-frame coordinates set. */
  public Panorama withFrame(double eastingM, double northingM) {
    return new Panorama(
        imageId,
        path,
        role,
        split,
        capturedAt,
        condition,
        headingDeg,
        pitchIndex,
        latDeg,
        lonDeg,
        utmZone,
        utmEastingM,
        utmNorthingM,
        eastingM,
        northingM,
        source,
        rowNumber);
  }
}
