package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sinks;
import us.hebi.matlab.mat.types.Struct;

class DbStructTest {
  static Path spec(String name) {
    return Path.of(System.getProperty("datasets.dir", "../tests/data"), "pitts30k", name);
  }

  @Test
  void readsTheRealPittsburgh30kValidationSpec() throws IOException {
    DbStruct s = DbStruct.read("pitts30k_val.mat", Files.readAllBytes(spec("pitts30k_val.mat")));
    // Values as scipy.io.loadmat reads the same file.
    assertEquals("val", s.whichSet());
    assertEquals(10_000, s.dbImageFns().size());
    assertEquals(7_608, s.qImageFns().size());
    assertEquals("000/000000_pitch1_yaw1.jpg", s.dbImageFns().get(0));
    assertEquals("003/003423_pitch2_yaw12.jpg", s.dbImageFns().get(9_999));
    assertEquals("000/000015_pitch1_yaw1.jpg", s.qImageFns().get(0));
    assertEquals(585200.9108896797, s.dbUtm()[0][0], 1e-9);
    assertEquals(4477241.39349531, s.dbUtm()[0][1], 1e-7);
    assertEquals(585001.4133505075, s.qUtm()[0][0], 1e-9);
    assertNull(s.dbTimeStamps());

    List<RawRow> rows = s.toRawRows("pitts30k_val.mat", "17T", "images/", "queries/");
    assertEquals(17_608, rows.size());
    assertEquals("images/000/000000_pitch1_yaw1.jpg", rows.get(0).field("path"));
    assertEquals("database/000/000000_pitch1_yaw1.jpg", rows.get(0).field("image_id"));
    RawRow firstQuery = rows.get(10_000);
    assertEquals("queries/000/000015_pitch1_yaw1.jpg", firstQuery.field("path"));
    assertEquals("query/000/000015_pitch1_yaw1.jpg", firstQuery.field("image_id"));
    assertEquals("query", firstQuery.field("role"));
    assertEquals("val", firstQuery.field("split"));
    assertEquals("pitts30k_val.mat#q:1", firstQuery.where());
    assertEquals("17T", DbStruct.knownZone("hdfs://x/pitts30k_val.mat"));
  }

  @Test
  void truncatedEmptyAndUnrelatedFilesAreClearErrorsNamingTheFile() throws IOException {
    byte[] real = Files.readAllBytes(spec("pitts30k_train.mat"));
    for (int length : new int[] {0, 100, 128, 2_000, real.length / 2, real.length - 10}) {
      byte[] cut = Arrays.copyOf(real, length);
      ManifestFormatException e =
          assertThrows(ManifestFormatException.class, () -> DbStruct.read("cut.mat", cut), "length " + length);
      assertTrue(e.getMessage().startsWith("cut.mat: "), e.getMessage());
    }
    MatFile other = Mat5.newMatFile().addArray("weights", Mat5.newScalar(3));
    ManifestFormatException e =
        assertThrows(ManifestFormatException.class, () -> DbStruct.read("net.mat", bytes(other)));
    assertTrue(e.getMessage().contains("no struct variable 'dbStruct'") && e.getMessage().contains("weights"));
    byte[] text = "image_id,path,lat,lon\n".repeat(20).getBytes();
    assertThrows(ManifestFormatException.class, () -> DbStruct.read("renamed.mat", text));
  }

  @Test
  void readsTimeMachineTimeStampsAndRefusesInconsistentSizes() throws IOException {
    Struct s = Mat5.newStruct();
    s.set("whichSet", Mat5.newString("train"));
    s.set("dbImageFns", names("a.jpg", "b.jpg"));
    s.set("qImageFns", names("q.jpg"));
    s.set("utmDb", utm(new double[][] {{381000, 3950000}, {381010, 3950000}}));
    s.set("utmQ", utm(new double[][] {{381005, 3950000}}));
    Matrix dbStamps = Mat5.newMatrix(2, 1);
    dbStamps.setDouble(0, 200803);
    dbStamps.setDouble(1, 20091231);
    s.set("dbTimeStamp", dbStamps);
    Matrix qStamps = Mat5.newMatrix(1, 1);
    qStamps.setDouble(0, 719529); // MATLAB datenum of 1970-01-01 (the POSIX epoch)
    s.set("qTimeStamp", qStamps);
    DbStruct tm = DbStruct.read("tokyoTM_train.mat", bytes(Mat5.newMatFile().addArray("dbStruct", s)));
    assertEquals(List.of(LocalDate.of(2008, 3, 1), LocalDate.of(2009, 12, 31)), tm.dbTimeStamps());
    assertEquals(LocalDate.of(1970, 1, 1), tm.qTimeStamps().get(0));
    assertEquals("54S", DbStruct.knownZone("tokyoTM_train.mat"));
    List<RawRow> tmRows = tm.toRawRows("t.mat", "54S", "images/", DbStruct.referenceQueryFolder("tokyoTM_train.mat"));
    assertEquals("2008-03-01", tmRows.get(0).field("captured_at"));
    assertEquals("images/q.jpg", tmRows.get(2).field("path"));
    assertEquals("queries/", DbStruct.referenceQueryFolder("/data/pitts250k_test.mat"));

    s.set("utmQ", utm(new double[][] {{1, 2}, {3, 4}}));
    ManifestFormatException e =
        assertThrows(ManifestFormatException.class, () -> DbStruct.read("bad.mat", bytes(Mat5.newMatFile().addArray("dbStruct", s))));
    assertTrue(e.getMessage().contains("utmQ holds 2 positions but there are 1 file names"), e.getMessage());
  }

  private static Cell names(String... names) {
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

  private static byte[] bytes(MatFile mat) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) mat.getUncompressedSerializedSize() + 1024);
    mat.writeTo(Sinks.wrap(buffer));
    buffer.flip();
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

}
