package org.netvlad.common.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The capture condition the manifest records is the light the image is drawn in. */
class CapturesTest {
  @Test
  void middayRunsAreDayAndEveningRunsDuskOrNight() {
    int day = 0;
    int dates = 0;
    for (LocalDate date = LocalDate.of(2015, 1, 1);
        date.getYear() == 2015;
        date = date.plusDays(1), dates++) {
      double hour = Captures.hourOf(date, 7);
      String condition = Captures.condition(date, 7);
      day += condition.equals("day") ? 1 : 0;
      if (hour >= 9 && hour <= 15) {
        assertEquals(
            "day",
            condition,
            date + " " + hour + "h"); // the sun is at least 17 degrees up from 9h to 15h all year
      } else if (hour >= 19.5) {
        assertNotEquals(
            "day",
            condition,
            date + " " + hour + "h"); // 19.5h and later: at most 8 degrees, even at midsummer
      }
    }
    assertEquals(
        0.75,
        (double) day / dates,
        0.07,
        "four fifths of the runs are between 8h and 18h, winter's late afternoons dusk");
  }

  @Test
  void darkRunsAreNightAndTheLateDuskOfSummerIsDusk() {
    boolean sawNight = false;
    boolean sawDusk = false;
    for (LocalDate date = LocalDate.of(2015, 1, 1);
        date.getYear() == 2015;
        date = date.plusDays(1)) {
      double hour = Captures.hourOf(date, 11);
      String condition = Captures.condition(date, 11);
      double elevationDeg =
          (47 + 23 * Math.cos(2 * Math.PI * (date.getDayOfYear() - 172) / 365.0))
              * Math.sin(Math.PI * (hour - 6) / 12);
      assertEquals(
          elevationDeg < -4 ? "night" : elevationDeg < 8 ? "dusk" : "day",
          condition,
          date + " " + hour + "h");
      sawNight |= condition.equals("night");
      sawDusk |= condition.equals("dusk");
    }
    assertTrue(sawNight && sawDusk, "a year of capture runs has both");
  }
}
