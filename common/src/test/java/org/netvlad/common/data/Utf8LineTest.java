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
    // 2-, 3- and 4-byte characters, and a real U+FFFD
    String text = "b,caf\u00e9/\u5bfa/\ud83d\ude00.jpg,\ufffd";
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

  /**
   * Random lines, mostly ASCII, some not UTF-8: the same text as the JDK's strict decoder, or none.
   */
  @Test
  void decodesAsTheJdksStrictDecoder() {
    java.util.Random random = new java.util.Random(3);
    for (int trial = 0; trial < 20_000; trial++) {
      byte[] line = new byte[random.nextInt(40)];
      for (int i = 0; i < line.length; i++) {
        line[i] = (byte) (random.nextInt(10) == 0 ? random.nextInt(256) : 32 + random.nextInt(95));
      }
      int length = line.length == 0 ? 0 : random.nextInt(line.length + 1);
      String expected;
      try {
        expected =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(line, 0, length))
                .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        expected = null;
      }
      Utf8Line decoded = Utf8Line.decode(line, length);
      assertEquals(expected, decoded.text());
      assertEquals(expected == null, decoded.problem() != null);
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
