package org.netvlad.common.data;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One line of a text manifest decoded strictly as UTF-8: bytes that are not UTF-8 are reported (the
 * row is rejected), not replaced by U+FFFD in ids and paths.
 *
 * <p>A plain class rather than a record: Spark ships these between JVMs with Kryo.
 */
public final class Utf8Line implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String text;
  private final String problem;

  private Utf8Line(String text, String problem) {
    this.text = text;
    this.problem = problem;
  }

  /** Decodes the first {@code length} bytes. */
  public static Utf8Line decode(byte[] bytes, int length) {
    if (isAscii(bytes, length)) {
      return new Utf8Line(new String(bytes, 0, length, StandardCharsets.US_ASCII), null);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    CharBuffer out = CharBuffer.allocate(length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int at = in.position();
      return new Utf8Line(
          null,
          String.format("not UTF-8: byte 0x%02X at byte %d of the line", bytes[at] & 0xFF, at + 1));
    }
    decoder.flush(out);
    return new Utf8Line(out.flip().toString(), null);
  }

  // Most manifests are ASCII, which is UTF-8 as it is: no decoder to make for each line.
  private static boolean isAscii(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** The line's text; null when it is not UTF-8. */
  public String text() {
    return text;
  }

  /** Why the line is not UTF-8 (which byte, where); null when it is. */
  public String problem() {
    return problem;
  }

  /** True for a line of white space only (a line that is not UTF-8 is not blank). */
  public boolean isBlank() {
    return text != null && text.isBlank();
  }
}
