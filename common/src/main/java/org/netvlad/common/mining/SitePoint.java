package org.netvlad.common.mining;

import java.io.Serializable;

/**
 * A database image or a query as mining sees it.
 *
 * @param imageId the image's id
 * @param dbIndex dense 0-based index within its split's database; -1 for a query
 * @param xM mining-frame easting, metres
 * @param yM mining-frame northing, metres
 * @param captureEpochDay capture date as days since 1970-01-01, or {@link #NO_DATE}
 */
public record SitePoint(String imageId, long dbIndex, double xM, double yM, int captureEpochDay)
    implements Serializable {
  public static final int NO_DATE = Integer.MIN_VALUE;
}
