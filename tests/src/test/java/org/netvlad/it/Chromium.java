package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Headless Chromium as a user's browser: the page's DOM once it has loaded and its scripts ran. */
final class Chromium {
  private Chromium() {}

  /** Skips the calling test, saying why, when there is no Chromium to look with. */
  static Path require() {
    Optional<Path> found = onPath();
    Assumptions.assumeTrue(
        found.isPresent(),
        "no chromium on the PATH (Debian: apt-get install chromium; .ci/run installs it): the"
            + " report is not checked in a browser");
    return found.get();
  }

  static Optional<Path> onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The DOM of {@code page} serialised after its load handlers ran ({@code --dump-dom}). */
  static String dom(Path chromium, Path page, Path scratch) throws Exception {
    Path out = scratch.resolve("dom.html");
    run(chromium, scratch, out, "--dump-dom", page.toUri().toString());
    return Files.readString(out);
  }

  private static void run(Path chromium, Path scratch, Path stdout, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + Files.createDirectories(scratch.resolve("profile"))));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(scratch.resolve("chromium.log").toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium took over 120 s on " + String.join(" ", args));
    }
    assertEquals(
        0,
        p.exitValue(),
        "chromium "
            + String.join(" ", args)
            + ": "
            + Files.readString(scratch.resolve("chromium.log")));
  }
}
