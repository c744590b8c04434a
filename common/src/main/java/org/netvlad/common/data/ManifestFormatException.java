package org.netvlad.common.data;

/** An input file that cannot be read as a manifest or dbStruct at all (not one bad row). */
public class ManifestFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ManifestFormatException(String message) {
    super(message);
  }

  public ManifestFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
