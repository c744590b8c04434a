package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionListTest {
  private static ConditionList parse(String text) {
    return ConditionList.parse("conditions.csv", text.getBytes(StandardCharsets.UTF_8));
  }

  private static RawRow row(String imageId, String path, String condition) {
    Map<String, String> fields = new java.util.HashMap<>(Map.of("image_id", imageId, "path", path));
    if (condition != null) {
      fields.put("condition", condition);
    }
    return RawRow.of("spec.mat#q", 1, fields);
  }

  @Test
  void labelsTheRowsItListsByPathAndWinsOverTheirOwn() {
    ConditionList list =
        parse(
            "\uFEFFPath,Condition\r\n"
                + "queries/00001.jpg,day\r\n\r\n"
                + "\"queries/00002,b.jpg\",sunset\r\n");
    assertEquals(
        Map.of("queries/00001.jpg", "day", "queries/00002,b.jpg", "sunset"), list.conditions());
    assertEquals(
        "day", list.labelled(row("query/00001.jpg", "queries/00001.jpg", null)).field("condition"));
    assertEquals(
        "sunset",
        list.labelled(row("query/00002,b.jpg", "queries/00002,b.jpg", "night")).field("condition"));
    RawRow unlisted = row("query/00003.jpg", "queries/00003.jpg", "night");
    assertSame(unlisted, list.labelled(unlisted));
    assertNull(list.listedImage(unlisted));
  }

  @Test
  void labelsByImageIdWhenTheHeaderSaysSo() {
    ConditionList list = parse("condition,image_id\nnight,query/00001.jpg\n");
    assertEquals("image_id", list.key());
    assertEquals(
        "night",
        list.labelled(row("query/00001.jpg", "queries/00001.jpg", null)).field("condition"));
    assertNull(list.listedImage(row("queries/00001.jpg", "query/00001.jpg", null)));
  }

  @Test
  void theRowItLabelsIsACopy() {
    ConditionList list = parse("path,condition\na.jpg,day\n");
    RawRow original = row("a", "a.jpg", "night");
    list.labelled(original);
    assertEquals("night", original.field("condition"));
  }

  @Test
  void badListsAreRefusedNamingTheLine() {
    assertMessage("conditions.csv: empty file", "");
    assertMessage(
        "needs a path (or image_id) column and a condition column", "file,condition\na.jpg,day\n");
    assertMessage(
        "needs a path (or image_id) column and a condition column", "path,when\na.jpg,day\n");
    assertMessage(
        "conditions.csv:3: path a.jpg is listed twice (day, night)",
        "path,condition\na.jpg,day\na.jpg,night\n");
    assertMessage(
        "conditions.csv:2: line has 3 fields, the header has 2", "path,condition\na.jpg,day,x\n");
    assertMessage(
        "conditions.csv:2: condition '<b>day</b>' is not a short label",
        "path,condition\na.jpg,<b>day</b>\n");
    assertMessage("conditions.csv:2: empty condition", "path,condition\na.jpg, \n");
    assertMessage("conditions.csv:3: empty path", "path,condition\na.jpg,day\n,day\n");
    assertMessage(
        "conditions.csv:2: not CSV: unterminated quoted field", "path,condition\n\"a.jpg,day\n");
    ManifestFormatException notUtf8 =
        assertThrows(
            ManifestFormatException.class,
            () ->
                ConditionList.parse("c.csv", new byte[] {'p', ',', '\n', 'a', (byte) 0xC3, '\n'}));
    assertEquals("c.csv:2: not UTF-8: byte 0xC3 at byte 2 of the line", notUtf8.getMessage());
  }

  private static void assertMessage(String expected, String text) {
    ManifestFormatException e = assertThrows(ManifestFormatException.class, () -> parse(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
