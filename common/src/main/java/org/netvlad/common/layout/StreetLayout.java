package org.netvlad.common.layout;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.netvlad.common.data.Role;
import org.netvlad.common.data.Split;

/**
 * A synthetic Time Machine street layout: a grid of streets over a rectangle, panoramas every few
 * metres along them, each place captured on several dates. Used by the demo, the tests and the
 * benchmarks when no real dataset is at hand.
 *
 * <p>Everything is a deterministic function of the settings and the street number, so streets can
 * be generated in parallel in any order. Positions are local metres east and north of the layout's
 * south-west corner; {@link LayoutImage} carries them.
 *
 * @param widthM east-west extent in metres
 * @param heightM north-south extent in metres
 * @param blockM distance between parallel streets in metres
 * @param spacingM distance between consecutive places along a street in metres
 * @param databaseDates database captures per place (two images each: both ways along the street)
 * @param queryShare probability that a place also has a query image, captured on another date
 * @param gpsNoiseM standard deviation of the GPS error added to each image's position, metres
 * @param seed the layout's seed
 */
public record StreetLayout(
    double widthM,
    double heightM,
    double blockM,
    double spacingM,
    int databaseDates,
    double queryShare,
    double gpsNoiseM,
    long seed)
    implements Serializable {

  /**
   * One image of the layout.
   *
   * @param eastM reported (GPS) position east, metres from the layout's south-west corner
   * @param northM reported (GPS) position north
   * @param cameraEastM true camera position east (the GPS position without its error)
   * @param cameraNorthM true camera position north
   * @param headingDeg camera heading, degrees clockwise from north
   */
  public record LayoutImage(
      String imageId,
      double eastM,
      double northM,
      double cameraEastM,
      double cameraNorthM,
      double headingDeg,
      LocalDate capturedAt,
      Role role,
      Split split)
      implements Serializable {}

  private static final LocalDate FIRST_DATE = LocalDate.of(2008, 6, 1);

  public StreetLayout {
    if (!(widthM > 0 && heightM > 0 && blockM > 0 && spacingM > 0)) {
      throw new IllegalArgumentException("layout sizes must be positive");
    }
    if (databaseDates < 1 || !(queryShare >= 0 && queryShare <= 1) || !(gpsNoiseM >= 0)) {
      throw new IllegalArgumentException("bad dates, query share or GPS noise");
    }
  }

  /** A layout sized to hold about {@code images} images at the given density settings. */
  public static StreetLayout sizedFor(
      long images, double widthM, double heightM, double spacingM, long seed) {
    int dates = 2;
    double queryShare = 0.5;
    double perPlace = 2 * dates + queryShare;
    double places = images / perPlace;
    double streetLengthM = places * spacingM;
    // Street length of a grid with block b over W x H is about W*H*2/b.
    double blockM = 2 * widthM * heightM / streetLengthM;
    return new StreetLayout(widthM, heightM, blockM, spacingM, dates, queryShare, 2.0, seed);
  }

  /**
   * A square layout on streets {@code blockM} apart, sized to hold about {@code images} images: one
   * place every 12 m, two database dates looking both ways, a query at half the places.
   */
  public static StreetLayout squareFor(long images, double blockM, long seed) {
    int dates = 2;
    double queryShare = 0.5;
    double spacingM = 12;
    double places = images / (2 * dates + queryShare);
    // A square of side s on a grid of block b holds about 2 s² / b metres of street.
    double sideM = Math.max(blockM, Math.sqrt(places * spacingM * blockM / 2));
    return new StreetLayout(sideM, sideM, blockM, spacingM, dates, queryShare, 2.0, seed);
  }

  /** Streets running east-west come first, then those running north-south. */
  public int streetCount() {
    return eastWestStreets() + northSouthStreets();
  }

  private int eastWestStreets() {
    return (int) Math.floor(heightM / blockM) + 1;
  }

  private int northSouthStreets() {
    return (int) Math.floor(widthM / blockM) + 1;
  }

  /** The images along one street, in a fixed order. */
  public List<LayoutImage> street(int street) {
    if (street < 0 || street >= streetCount()) {
      throw new IndexOutOfBoundsException("street " + street + " of " + streetCount());
    }
    boolean eastWest = street < eastWestStreets();
    int line = eastWest ? street : street - eastWestStreets();
    double lengthM = eastWest ? widthM : heightM;
    SplittableRandom random = new SplittableRandom(seed * 1_000_003L + street);
    double offsetM = random.nextDouble() * spacingM;
    List<LayoutImage> out = new ArrayList<>();
    int place = 0;
    for (double along = offsetM; along < lengthM; along += spacingM, place++) {
      double eastM = eastWest ? along : line * blockM;
      double northM = eastWest ? line * blockM : along;
      double streetHeading = eastWest ? 90 : 0;
      Split split = splitAt(eastM);
      // Each database capture looks both ways along the street; a query looks one way.
      for (int d = 0; d < databaseDates; d++) {
        LocalDate date = captureDate(street, d);
        for (int way = 0; way < 2; way++) {
          out.add(
              image(
                  random,
                  "s" + street + "_p" + place + "_d" + d + (way == 0 ? "f" : "b"),
                  eastM,
                  northM,
                  streetHeading + 180 * way,
                  date,
                  Role.DATABASE,
                  split));
        }
      }
      if (random.nextDouble() < queryShare) {
        out.add(
            image(
                random,
                "s" + street + "_p" + place + "_q",
                eastM,
                northM,
                streetHeading + (random.nextBoolean() ? 0 : 180),
                captureDate(street, databaseDates),
                Role.QUERY,
                split));
      }
    }
    return out;
  }

  private LayoutImage image(
      SplittableRandom random,
      String id,
      double eastM,
      double northM,
      double headingDeg,
      LocalDate date,
      Role role,
      Split split) {
    return new LayoutImage(
        id,
        clamp(eastM + random.nextGaussian() * gpsNoiseM, widthM),
        clamp(northM + random.nextGaussian() * gpsNoiseM, heightM),
        eastM,
        northM,
        (headingDeg % 360 + 360) % 360,
        date,
        role,
        split);
  }

  /**
   * The date of capture run {@code run} (0..databaseDates-1 for the database, databaseDates for the
   * queries) along a street: runs are months to years apart, in varied seasons.
   */
  private LocalDate captureDate(int street, int run) {
    long h = new SplittableRandom(seed * 7919 + run).nextLong();
    long streetShift = new SplittableRandom(h + street).nextInt(40);
    return FIRST_DATE.plusDays(300L * run + Math.floorMod(h, 365) + streetShift);
  }

  /** West 70% train, next 15% val, east 15% test: geographically disjoint splits, as Pittsburgh. */
  private Split splitAt(double eastM) {
    double f = eastM / widthM;
    return f < 0.7 ? Split.TRAIN : f < 0.85 ? Split.VAL : Split.TEST;
  }

  private static double clamp(double v, double max) {
    return Math.max(0, Math.min(max, v));
  }
}
