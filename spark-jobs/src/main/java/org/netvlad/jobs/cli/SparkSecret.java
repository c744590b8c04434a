package org.netvlad.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's shared-secret authentication ({@code spark.authenticate}) for a standalone cluster, with
 * the secret from a file ({@code NETVLAD_SPARK_SECRET_FILE}) or the environment ({@code
 * NETVLAD_SPARK_SECRET}): set on the session here, so it is on no command line and in no file the
 * jobs write (Spark redacts it from its logs and UI).
 */
public final class SparkSecret {
  public static final String FILE_VARIABLE = "NETVLAD_SPARK_SECRET_FILE";
  public static final String VARIABLE = "NETVLAD_SPARK_SECRET";

  private SparkSecret() {}

  /**
   * Turns authentication on with the secret, when one is given; the builder as it was otherwise.
   */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    String secret = secret(System.getenv());
    return secret == null
        ? builder
        : builder.config("spark.authenticate", "true").config("spark.authenticate.secret", secret);
  }

  /**
   * The secret the environment names, or null.
   *
   * @throws JobFailure naming the file (never its content) when it cannot be read or is empty
   */
  static String secret(Map<String, String> env) {
    String file = env.get(FILE_VARIABLE);
    if (file != null && !file.isEmpty()) {
      Path path = Path.of(file);
      String secret;
      try {
        secret = Files.readString(path, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new JobFailure(
            FILE_VARIABLE
                + " names "
                + file
                + ", which cannot be read: "
                + e.getClass().getSimpleName());
      }
      warnIfOthersCanRead(path);
      if (secret.isEmpty()) {
        throw new JobFailure(FILE_VARIABLE + " names " + file + ", which is empty");
      }
      return secret;
    }
    String value = env.get(VARIABLE);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static void warnIfOthersCanRead(Path path) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(path);
      if (p.contains(PosixFilePermission.GROUP_READ)
          || p.contains(PosixFilePermission.OTHERS_READ)) {
        System.err.println(
            "warning: "
                + path
                + " ("
                + FILE_VARIABLE
                + ") can be read by other users than its owner; chmod 600 it");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system, or its attributes unreadable: nothing to check
    }
  }
}
