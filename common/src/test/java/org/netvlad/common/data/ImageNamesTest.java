package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ImageNamesTest {
  /** The independent answer: the expression the names are read as, applied by java.util.regex. */
  private static final Pattern PITTSBURGH =
      Pattern.compile("_pitch(\\d{1,3})_yaw(\\d{1,3})\\.[A-Za-z]+$");

  private static Double regexHeading(String path) {
    Matcher m = PITTSBURGH.matcher(path);
    if (m.find()) {
      int yaw = Integer.parseInt(m.group(2));
      return yaw >= 1 && yaw <= 12 ? (yaw - 1) * 30.0 : null;
    }
    return null;
  }

  private static Integer regexPitch(String path) {
    Matcher m = PITTSBURGH.matcher(path);
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  @Test
  void readsPittsburghNames() {
    assertEquals(330.0, ImageNames.headingDeg("000/000001_pitch1_yaw12.jpg"));
    assertEquals(0.0, ImageNames.headingDeg("queries_real/000/000001_pitch2_yaw1.JPG"));
    assertEquals(2, ImageNames.pitchIndex("a_pitch2_yaw3.jpg"));
    assertEquals(7, ImageNames.pitchIndex("a_pitch007_yaw3.png"));
    assertNull(ImageNames.headingDeg("a_pitch1_yaw13.jpg"), "yaw 13 is no heading");
    assertEquals(1, ImageNames.pitchIndex("a_pitch1_yaw13.jpg"), "but the pitch is read");
    assertNull(ImageNames.pitchIndex("a_pitch1_yaw1234.jpg"));
    assertNull(ImageNames.pitchIndex("a_pitch1_yaw1.jpg.bak1"));
    assertNull(ImageNames.pitchIndex("a_pitch_yaw1.jpg"));
    assertNull(ImageNames.pitchIndex("a_pitch1_yaw1."));
    assertNull(ImageNames.pitchIndex("_yaw1.jpg"));
    assertNull(ImageNames.pitchIndex(""));
  }

  /** Random names built from the pattern's own pieces, against the regular expression. */
  @Test
  void agreesWithTheRegularExpressionOnRandomNames() {
    String[] pieces = {
      "_pitch", "_yaw", "_pit", "yaw", "_", ".", "jpg", "J", "x", "/", "0", "1", "2", "12", "9",
      "007", "1234", "é", "٣"
    };
    Random random = new Random(20261207);
    int named = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder name = new StringBuilder();
      for (int n = random.nextInt(9); n > 0; n--) {
        name.append(pieces[random.nextInt(pieces.length)]);
      }
      if (random
          .nextBoolean()) { // most real names have the full pattern; vary its numbers and ending
        name.append("_pitch")
            .append(random.nextInt(1500))
            .append("_yaw")
            .append(random.nextInt(1500))
            .append(random.nextBoolean() ? ".jpg" : "." + pieces[random.nextInt(pieces.length)]);
      }
      String path = name.toString();
      assertEquals(regexPitch(path), ImageNames.pitchIndex(path), path);
      assertEquals(regexHeading(path), ImageNames.headingDeg(path), path);
      named += regexPitch(path) == null ? 0 : 1;
    }
    assertEquals(true, named > 10_000, "enough names carry a pitch and yaw: " + named);
  }
}
