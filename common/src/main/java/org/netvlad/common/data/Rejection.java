package org.netvlad.common.data;

import java.io.Serializable;

/**
 * An input row that was not accepted.
 *
 * @param source the file the row came from
 * @param rowNumber its 1-based line or row number
 * @param imageId its image id when it had one, else null
 * @param reason why
 * @param detail a human-readable detail naming the offending value
 */
public record Rejection(
    String source, long rowNumber, String imageId, RejectReason reason, String detail)
    implements Serializable {

  public static Rejection of(RawRow row, RejectReason reason, String detail) {
    return new Rejection(row.source(), row.rowNumber(), row.field("image_id"), reason, detail);
  }
}
