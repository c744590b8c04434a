package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sinks;
import us.hebi.matlab.mat.types.Struct;

/**
 * A Tokyo Time Machine-style spec, whose queries are database panoramas, with capture time stamps:
 * no query is refused as a duplicate of its database copy, and with the Time Machine rule a
 * query's positives are the same place's other dates, never itself.
 */
class TimeMachineSpecIT extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void positivesComeFromOtherDatesAndQueriesAreNotDuplicates() throws Exception {
    // Two places 100 m apart, each captured on three dates (yyyymm); two queries taken from them.
    // Query 1 sits on p1_2010: p1_2008 is 1 m away, p1_2012 2.24 m. Query 2 sits on p2_2012:
    // p2_2008 is 2 m away, p2_2010 2.24 m.
    String[] db = {"p1_2008.jpg", "p1_2010.jpg", "p1_2012.jpg", "p2_2008.jpg", "p2_2010.jpg", "p2_2012.jpg"};
    double[][] dbUtm = {{381000, 3950000}, {381001, 3950000}, {381000, 3950002}, {381100, 3950000}, {381100, 3950001}, {381102, 3950000}};
    double[] dbStamps = {200805, 201005, 201205, 200805, 201005, 201205};
    String[] q = {"p1_2010.jpg", "p2_2012.jpg"};
    double[][] qUtm = {dbUtm[1], dbUtm[5]};
    double[] qStamps = {201005, 201205};
    Path mat = dir.resolve("tokyoTM_val.mat");
    Files.write(mat, dbStruct("val", db, dbUtm, dbStamps, q, qUtm, qStamps));

    String run = dir.resolve("run").toUri().toString();
    Map<String, Object> summary = Jobs.mine(spark, run, List.of(mat.toString()), false, "mining.positive-needs-other-date=true");
    assertEquals(0L, summary.get("rows_rejected"));
    assertEquals("54S", summary.get("frame_zone"));
    Map<String, Row> tuples = Jobs.tuples(spark, run, "val");
    assertEquals(List.of("database/p1_2008.jpg", "database/p1_2012.jpg"), Jobs.ids(tuples.get("query/p1_2010.jpg"), "positive_ids"));
    assertEquals(List.of("database/p2_2008.jpg", "database/p2_2010.jpg"), Jobs.ids(tuples.get("query/p2_2012.jpg"), "positive_ids"));
    // Queries live with the database images in the reference layout.
    assertEquals(
        "images/p1_2010.jpg",
        spark.read().parquet(run + "/panoramas").filter("image_id = 'query/p1_2010.jpg'").first().getAs("path"));
  }

  static byte[] dbStruct(String which, String[] db, double[][] dbUtm, double[] dbStamps, String[] q, double[][] qUtm, double[] qStamps)
      throws Exception {
    Struct s = Mat5.newStruct();
    s.set("whichSet", Mat5.newString(which));
    s.set("dbImageFns", names(db));
    s.set("utmDb", utm(dbUtm));
    s.set("qImageFns", names(q));
    s.set("utmQ", utm(qUtm));
    s.set("dbTimeStamp", column(dbStamps));
    s.set("qTimeStamp", column(qStamps));
    MatFile file = Mat5.newMatFile().addArray("dbStruct", s);
    ByteBuffer buffer = ByteBuffer.allocate((int) file.getUncompressedSerializedSize() + 1024);
    file.writeTo(Sinks.wrap(buffer));
    buffer.flip();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  private static Cell names(String[] names) {
    Cell c = Mat5.newCell(names.length, 1);
    for (int i = 0; i < names.length; i++) {
      c.set(i, Mat5.newString(names[i]));
    }
    return c;
  }

  private static Matrix utm(double[][] positions) {
    Matrix m = Mat5.newMatrix(2, positions.length);
    for (int i = 0; i < positions.length; i++) {
      m.setDouble(0, i, positions[i][0]);
      m.setDouble(1, i, positions[i][1]);
    }
    return m;
  }

  private static Matrix column(double[] values) {
    Matrix m = Mat5.newMatrix(values.length, 1);
    for (int i = 0; i < values.length; i++) {
      m.setDouble(i, values[i]);
    }
    return m;
  }
}
