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
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Sinks;

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
          assertThrows(
              ManifestFormatException.class,
              () -> DbStruct.read("cut.mat", cut),
              "length " + length);
      assertTrue(e.getMessage().startsWith("cut.mat: "), e.getMessage());
    }
    MatFile other = Mat5.newMatFile().addArray("weights", Mat5.newScalar(3));
    ByteBuffer buffer = ByteBuffer.allocate((int) other.getUncompressedSerializedSize() + 1024);
    other.writeTo(Sinks.wrap(buffer));
    byte[] otherBytes = Arrays.copyOf(buffer.array(), buffer.position());
    ManifestFormatException e =
        assertThrows(ManifestFormatException.class, () -> DbStruct.read("net.mat", otherBytes));
    assertTrue(
        e.getMessage().contains("no struct variable 'dbStruct'")
            && e.getMessage().contains("weights"));
    byte[] text = "image_id,path,lat,lon\n".repeat(20).getBytes();
    assertThrows(ManifestFormatException.class, () -> DbStruct.read("renamed.mat", text));
  }

  @Test
  void writesWhatItReadsAndReadsTimeMachineTimeStamps() throws IOException {
    DbStruct real = DbStruct.read("pitts30k_val.mat", Files.readAllBytes(spec("pitts30k_val.mat")));
    DbStruct again = DbStruct.read("copy.mat", real.toMatBytes());
    assertEquals(real.dbImageFns(), again.dbImageFns());
    assertEquals(real.qImageFns(), again.qImageFns());
    assertTrue(Arrays.deepEquals(real.dbUtm(), again.dbUtm()));
    assertTrue(Arrays.deepEquals(real.qUtm(), again.qUtm()));

    DbStruct tm =
        new DbStruct(
            "train",
            List.of("a.jpg", "b.jpg"),
            new double[][] {{381000, 3950000}, {381010, 3950000}},
            List.of(LocalDate.of(2008, 3, 1), LocalDate.of(2009, 12, 31)),
            List.of("q.jpg"),
            new double[][] {{381005, 3950000}},
            List.of(LocalDate.of(2012, 5, 11)));
    DbStruct read = DbStruct.read("tokyoTM_train.mat", tm.toMatBytes());
    assertEquals(tm.dbTimeStamps(), read.dbTimeStamps());
    assertEquals(tm.qTimeStamps(), read.qTimeStamps());
    assertEquals("54S", DbStruct.knownZone("tokyoTM_train.mat"));
    List<RawRow> tmRows =
        read.toRawRows(
            "t.mat", "54S", "images/", DbStruct.referenceQueryFolder("tokyoTM_train.mat"));
    assertEquals("2008-03-01", tmRows.get(0).field("captured_at"));
    assertEquals("images/q.jpg", tmRows.get(2).field("path"));
    assertEquals("queries/", DbStruct.referenceQueryFolder("/data/pitts250k_test.mat"));
  }

  @Test
  void timeStampsInEachFormTheDatasetsUse() {
    assertEquals(LocalDate.of(2008, 3, 1), DbStruct.timeStampToDate(200803));
    assertEquals(LocalDate.of(2009, 12, 31), DbStruct.timeStampToDate(20091231));
    assertEquals(
        LocalDate.of(1970, 1, 1),
        DbStruct.timeStampToDate(719529)); // MATLAB datenum of the POSIX epoch
    assertEquals(null, DbStruct.timeStampToDate(0));
    assertEquals(null, DbStruct.timeStampToDate(Double.NaN));
  }

  @Test
  void refusesPositionsThatDoNotMatchTheFileNames() {
    DbStruct bad =
        new DbStruct(
            "train",
            List.of("a.jpg"),
            new double[][] {{1, 2}},
            null,
            List.of("q.jpg"),
            new double[][] {{1, 2}, {3, 4}},
            null);
    ManifestFormatException e =
        assertThrows(
            ManifestFormatException.class, () -> DbStruct.read("bad.mat", bad.toMatBytes()));
    assertTrue(
        e.getMessage().contains("utmQ holds 2 positions but there are 1 file names"),
        e.getMessage());
  }
}
