package org.netvlad.common.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The capture condition the manifest records is the light the image is drawn in. */
class CapturesTest {
  @Test
  void daytimeRunsAreDayAndEveningRunsDuskOrNight() {
    int day = 0;
    int dates = 0;
    for (LocalDate date = LocalDate.of(2015, 1, 1); date.getYear() == 2015; date = date.plusDays(1), dates++) {
      double hour = Captures.hourOf(date, 7);
      String condition = Captures.condition(date, 7);
      if (hour <= 18) {
        assertEquals("day", condition, date + " " + hour + "h"); // the sun is at least 12 degrees up from 8h to 18h all year
        day++;
      } else {
        assertNotEquals("day", condition, date + " " + hour + "h"); // 19.5h and later: at most 8 degrees, even at midsummer
      }
    }
    assertEquals(0.8, (double) day / dates, 0.05, "four fifths of the capture runs are in the day");
  }

  @Test
  void darkRunsAreNightAndTheLateDuskOfSummerIsDusk() {
    boolean sawNight = false;
    boolean sawDusk = false;
    for (LocalDate date = LocalDate.of(2015, 1, 1); date.getYear() == 2015; date = date.plusDays(1)) {
      double hour = Captures.hourOf(date, 11);
      String condition = Captures.condition(date, 11);
      double elevationDeg = (47 + 23 * Math.cos(2 * Math.PI * (date.getDayOfYear() - 172) / 365.0)) * Math.sin(Math.PI * (hour - 6) / 12);
      assertEquals(elevationDeg < -4 ? "night" : elevationDeg < 8 ? "dusk" : "day", condition, date + " " + hour + "h");
      sawNight |= condition.equals("night");
      sawDusk |= condition.equals("dusk");
    }
    assertTrue(sawNight && sawDusk, "a year of capture runs has both");
  }
}
