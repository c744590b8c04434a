package org.netvlad.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared secret comes from a file or the environment, and errors name the file, never the
 * secret.
 */
class SparkSecretTest {
  @TempDir Path dir;

  private Path privateFile(String name) throws Exception {
    return Files.createFile(
        dir.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  @Test
  void fromAFileFirstThenTheVariableElseNone() throws Exception {
    Path file = Files.writeString(privateFile("secret"), "s3cr3t-from-file\n");
    assertEquals(
        "s3cr3t-from-file",
        SparkSecret.secret(
            Map.of(SparkSecret.FILE_VARIABLE, file.toString(), SparkSecret.VARIABLE, "other")));
    assertEquals("from-env", SparkSecret.secret(Map.of(SparkSecret.VARIABLE, " from-env ")));
    assertNull(SparkSecret.secret(Map.of()));
  }

  @Test
  void anEmptyOrMissingFileIsRefusedNamingItWithoutItsContent() throws Exception {
    Path empty = Files.writeString(privateFile("empty"), " \n");
    JobFailure e =
        assertThrows(
            JobFailure.class,
            () -> SparkSecret.secret(Map.of(SparkSecret.FILE_VARIABLE, empty.toString())));
    assertEquals("NETVLAD_SPARK_SECRET_FILE names " + empty + ", which is empty", e.getMessage());
    Path missing = dir.resolve("missing");
    e =
        assertThrows(
            JobFailure.class,
            () ->
                SparkSecret.secret(
                    Map.of(
                        SparkSecret.FILE_VARIABLE, missing.toString(), SparkSecret.VARIABLE, "x")));
    assertEquals(
        "NETVLAD_SPARK_SECRET_FILE names "
            + missing
            + ", which cannot be read: NoSuchFileException",
        e.getMessage());
    assertFalse(e.getMessage().contains("x\""));
  }
}
