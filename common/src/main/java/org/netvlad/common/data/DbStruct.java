package org.netvlad.common.data;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sources;
import us.hebi.matlab.mat.types.Struct;

/**
 * A dataset spec in the {@code dbStruct} .mat form that Pittsburgh 30k/250k and Tokyo TM / 24/7
 * ship: database and query image file names with their UTM positions (2 x N, easting then northing,
 * metres), the split ({@code whichSet}) and, for Time Machine data, capture time stamps.
 *
 * @param whichSet the split the file describes (train, val or test)
 * @param dbImageFns database image file names
 * @param dbUtm database positions, {easting, northing} per image
 * @param dbTimeStamps database capture dates, or null when the file has none
 * @param qImageFns query image file names
 * @param qUtm query positions
 * @param qTimeStamps query capture dates, or null
 */
public record DbStruct(
    String whichSet,
    List<String> dbImageFns,
    double[][] dbUtm,
    List<LocalDate> dbTimeStamps,
    List<String> qImageFns,
    double[][] qUtm,
    List<LocalDate> qTimeStamps) {

  /**
   * Reads a dbStruct .mat file (MATLAB v5, as the datasets ship).
   *
   * @param source the file's name for messages
   * @throws ManifestFormatException when the bytes are not such a file, naming what is wrong
   */
  public static DbStruct read(String source, byte[] bytes) {
    if (bytes.length < 128) {
      throw new ManifestFormatException(
          source + ": not a MATLAB v5 .mat file (" + bytes.length + " bytes, empty or truncated)");
    }
    MatFile mat;
    try {
      mat = Mat5.newReader(Sources.wrap(bytes)).readMat();
    } catch (IOException | RuntimeException e) {
      throw new ManifestFormatException(
          source + ": not a readable MATLAB v5 .mat file (truncated or corrupt?): " + e, e);
    }
    Struct s;
    try {
      s = mat.getStruct("dbStruct");
    } catch (RuntimeException e) {
      List<String> names = new ArrayList<>();
      mat.getEntries().forEach(entry -> names.add(entry.getName()));
      throw new ManifestFormatException(
          source + ": no struct variable 'dbStruct'; variables found: " + names, e);
    }
    List<String> fields = s.getFieldNames();
    for (String required : List.of("whichSet", "dbImageFns", "utmDb", "qImageFns", "utmQ")) {
      if (!fields.contains(required)) {
        throw new ManifestFormatException(
            source + ": dbStruct has no field '" + required + "'; fields found: " + fields);
      }
    }
    String whichSet = string(source, "whichSet", s.get("whichSet"));
    List<String> dbFns = names(source, "dbImageFns", s.get("dbImageFns"));
    List<String> qFns = names(source, "qImageFns", s.get("qImageFns"));
    double[][] dbUtm = positions(source, "utmDb", s.get("utmDb"), dbFns.size());
    double[][] qUtm = positions(source, "utmQ", s.get("utmQ"), qFns.size());
    List<LocalDate> dbDates =
        fields.contains("dbTimeStamp")
            ? dates(source, "dbTimeStamp", s.get("dbTimeStamp"), dbFns.size())
            : null;
    List<LocalDate> qDates =
        fields.contains("qTimeStamp")
            ? dates(source, "qTimeStamp", s.get("qTimeStamp"), qFns.size())
            : null;
    return new DbStruct(whichSet, dbFns, dbUtm, dbDates, qFns, qUtm, qDates);
  }

  /**
   * The rows of this spec in manifest form: first the database images (source {@code file#db}, row
   * = 1-based index), then the queries ({@code file#q}). Paths are the file names under the given
   * folders; image ids are the role and the file name ({@code database/000/x.jpg}, {@code
   * query/000/y.jpg}), unique even where, as in Tokyo Time Machine, a query is also a database
   * image.
   */
  public List<RawRow> toRawRows(
      String source, String utmZone, String databaseFolder, String queryFolder) {
    List<RawRow> rows = new ArrayList<>(dbImageFns.size() + qImageFns.size());
    addRows(
        rows, source + "#db", "database", databaseFolder, dbImageFns, dbUtm, dbTimeStamps, utmZone);
    addRows(rows, source + "#q", "query", queryFolder, qImageFns, qUtm, qTimeStamps, utmZone);
    return rows;
  }

  /**
   * The query folder of the NetVLAD reference layout for a spec file: see
   * ingest.dbstruct-query-folder.
   */
  public static String referenceQueryFolder(String fileName) {
    String name = fileName.substring(fileName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return name.startsWith("tokyotm") ? "images/" : "queries/";
  }

  /**
   * This spec as a MATLAB v5 .mat file with one struct variable {@code dbStruct}, as the datasets
   * ship it ({@link #read} reads it back). Capture dates are written as yyyymmdd time stamps.
   */
  public byte[] toMatBytes() {
    Struct s = Mat5.newStruct();
    s.set("whichSet", Mat5.newString(whichSet));
    s.set("dbImageFns", cellOf(dbImageFns));
    s.set("utmDb", matrixOf(dbUtm));
    s.set("qImageFns", cellOf(qImageFns));
    s.set("utmQ", matrixOf(qUtm));
    s.set("numImages", Mat5.newScalar(dbImageFns.size()));
    s.set("numQueries", Mat5.newScalar(qImageFns.size()));
    s.set("posDistThr", Mat5.newScalar(25));
    s.set("posDistSqThr", Mat5.newScalar(625));
    s.set("nonTrivPosDistSqThr", Mat5.newScalar(100));
    if (dbTimeStamps != null) {
      s.set("dbTimeStamp", stampsOf(dbTimeStamps));
    }
    if (qTimeStamps != null) {
      s.set("qTimeStamp", stampsOf(qTimeStamps));
    }
    MatFile file = Mat5.newMatFile().addArray("dbStruct", s);
    java.nio.ByteBuffer buffer =
        java.nio.ByteBuffer.allocate((int) file.getUncompressedSerializedSize() + 1024);
    try {
      file.writeTo(us.hebi.matlab.mat.types.Sinks.wrap(buffer));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    buffer.flip();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static Cell cellOf(List<String> names) {
    Cell c = Mat5.newCell(names.size(), 1);
    for (int i = 0; i < names.size(); i++) {
      c.set(i, Mat5.newString(names.get(i)));
    }
    return c;
  }

  private static Matrix matrixOf(double[][] positions) {
    Matrix m = Mat5.newMatrix(2, positions.length);
    for (int i = 0; i < positions.length; i++) {
      m.setDouble(0, i, positions[i][0]);
      m.setDouble(1, i, positions[i][1]);
    }
    return m;
  }

  private static Matrix stampsOf(List<LocalDate> dates) {
    Matrix m = Mat5.newMatrix(dates.size(), 1);
    for (int i = 0; i < dates.size(); i++) {
      LocalDate d = dates.get(i);
      m.setDouble(
          i, d == null ? 0 : d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth());
    }
    return m;
  }

  /** The UTM zone of the datasets that ship dbStruct files, guessed from a file name; or null. */
  public static String knownZone(String fileName) {
    String name = fileName.substring(fileName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (name.startsWith("pitts")) {
      return "17T";
    }
    if (name.startsWith("tokyo")) {
      return "54S";
    }
    return null;
  }

  private void addRows(
      List<RawRow> rows,
      String source,
      String role,
      String prefix,
      List<String> fns,
      double[][] utm,
      List<LocalDate> dates,
      String utmZone) {
    for (int i = 0; i < fns.size(); i++) {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("image_id", role + "/" + fns.get(i));
      f.put("path", prefix + fns.get(i));
      f.put("utm_easting", Double.toString(utm[i][0]));
      f.put("utm_northing", Double.toString(utm[i][1]));
      f.put("utm_zone", utmZone);
      f.put("role", role);
      f.put("split", whichSet);
      if (dates != null && dates.get(i) != null) {
        f.put("captured_at", dates.get(i).toString());
      }
      rows.add(RawRow.of(source, i + 1, f));
    }
  }

  private static String string(String source, String field, Array a) {
    if (a instanceof Char c) {
      return c.getString().trim();
    }
    if (a instanceof Cell cell && cell.getNumElements() == 1 && cell.get(0) instanceof Char c) {
      return c.getString().trim();
    }
    throw new ManifestFormatException(source + ": dbStruct." + field + " is not text");
  }

  private static List<String> names(String source, String field, Array a) {
    if (!(a instanceof Cell cell)) {
      throw new ManifestFormatException(source + ": dbStruct." + field + " is not a cell array");
    }
    List<String> out = new ArrayList<>(cell.getNumElements());
    for (int i = 0; i < cell.getNumElements(); i++) {
      Array item = cell.get(i);
      if (!(item instanceof Char c)) {
        throw new ManifestFormatException(
            source + ": dbStruct." + field + "{" + (i + 1) + "} is not a file name");
      }
      out.add(c.getString().trim());
    }
    return out;
  }

  private static double[][] positions(String source, String field, Array a, int expected) {
    if (!(a instanceof Matrix m) || m.getNumRows() != 2 && m.getNumElements() > 0) {
      throw new ManifestFormatException(
          source + ": dbStruct." + field + " is not a 2 x N matrix of UTM positions");
    }
    if (m.getNumCols() != expected) {
      throw new ManifestFormatException(
          source
              + ": dbStruct."
              + field
              + " holds "
              + m.getNumCols()
              + " positions but there are "
              + expected
              + " file names");
    }
    double[][] out = new double[expected][2];
    for (int i = 0; i < expected; i++) {
      out[i][0] = m.getDouble(0, i);
      out[i][1] = m.getDouble(1, i);
    }
    return out;
  }

  private static List<LocalDate> dates(String source, String field, Array a, int expected) {
    if (!(a instanceof Matrix m) || m.getNumElements() != expected) {
      throw new ManifestFormatException(
          source
              + ": dbStruct."
              + field
              + " does not hold one time stamp per image ("
              + expected
              + ")");
    }
    List<LocalDate> out = new ArrayList<>(expected);
    for (int i = 0; i < expected; i++) {
      out.add(timeStampToDate(m.getDouble(i)));
    }
    return out;
  }

  /**
   * A Time Machine time stamp as a date: {@code yyyymm} (first of the month), {@code yyyymmdd}, or
   * a MATLAB datenum (days since year 0); null when it is none of these.
   */
  static LocalDate timeStampToDate(double stamp) {
    if (!Double.isFinite(stamp) || stamp <= 0) {
      return null;
    }
    long v = (long) Math.floor(stamp);
    if (v >= 190001 && v <= 210012 && v % 100 >= 1 && v % 100 <= 12) {
      return LocalDate.of((int) (v / 100), (int) (v % 100), 1);
    }
    if (v >= 19000101 && v <= 21001231) {
      try {
        return LocalDate.of((int) (v / 10000), (int) (v / 100 % 100), (int) (v % 100));
      } catch (java.time.DateTimeException e) {
        return null;
      }
    }
    if (v >= 693962 && v <= 767376) { // 1900-01-01 .. 2100-12-31 as datenum
      return LocalDate.of(0, 1, 1).plusDays(v - 1);
    }
    return null;
  }
}
