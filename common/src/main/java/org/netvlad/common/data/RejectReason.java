package org.netvlad.common.data;

import java.util.Locale;

/** Why an input row was not accepted. The lower-case name is what {@code rejected/} stores. */
public enum RejectReason {
  MALFORMED_ROW,
  NOT_UTF8,
  MISSING_IMAGE_ID,
  MISSING_PATH,
  PATH_OUTSIDE_IMAGE_ROOT,
  MISSING_COORDINATES,
  NOT_A_NUMBER,
  NAN_COORDINATE,
  LATITUDE_OUT_OF_RANGE,
  LONGITUDE_OUT_OF_RANGE,
  BAD_UTM_ZONE,
  UTM_OUT_OF_RANGE,
  UTM_BAND_MISMATCH,
  CONFLICTING_COORDINATES,
  OUTSIDE_FRAME,
  UNKNOWN_ROLE,
  UNKNOWN_SPLIT,
  BAD_CAPTURE_DATE,
  BAD_CONDITION,
  BAD_HEADING,
  DUPLICATE_IMAGE_ID;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
