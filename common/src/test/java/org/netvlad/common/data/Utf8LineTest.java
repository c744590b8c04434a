package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Strict UTF-8: what Java's own encoder writes decodes back; bytes that are not UTF-8 are named by
 * place.
 */
class Utf8LineTest {
  @Test
  void utf8DecodesAsWrittenAndAnythingElseIsReportedWithItsFirstBadByte() {
    String text =
        "b,caf\u00e9/\u5bfa/\ud83d\ude00.jpg,\ufffd"; // 2-, 3- and 4-byte characters, and a real
    // U+FFFD
    byte[] utf8 = (text + "trailing bytes beyond the length").getBytes(StandardCharsets.UTF_8);
    Utf8Line ok = Utf8Line.decode(utf8, text.getBytes(StandardCharsets.UTF_8).length);
    assertEquals(text, ok.text());
    assertNull(ok.problem());

    assertEquals(
        "not UTF-8: byte 0xE9 at byte 4 of the line",
        Utf8Line.decode(bytes(0x63, 0x61, 0x66, 0xE9), 4).problem());
    assertEquals(
        "not UTF-8: byte 0xC0 at byte 2 of the line",
        Utf8Line.decode(bytes(0x61, 0xC0, 0xAF), 3).problem(),
        "overlong '/'");
    assertEquals(
        "not UTF-8: byte 0xED at byte 1 of the line",
        Utf8Line.decode(bytes(0xED, 0xA0, 0x80), 3).problem(),
        "a lone surrogate");
    assertEquals(
        "not UTF-8: byte 0xE5 at byte 2 of the line",
        Utf8Line.decode(bytes(0x61, 0xE5, 0xAF), 3).problem(),
        "cut short");
    Utf8Line bad = Utf8Line.decode(bytes(0xFF), 1);
    assertNull(bad.text());
    assertFalse(bad.isBlank());
    assertTrue(Utf8Line.decode(bytes(0x20, 0x09), 2).isBlank());
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
