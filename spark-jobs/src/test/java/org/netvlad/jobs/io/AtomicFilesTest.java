package org.netvlad.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file replaced whole: a reader never sees part of it, nor no file, however often it is replaced.
 */
class AtomicFilesTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void aReaderSeesTheOldContentOrTheNewNeverAPart() throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
    java.nio.file.Path file = dir.resolve("current");
    String small = "runs/2024-05-01\n";
    String large =
        "runs/2024-05-02\n"
            + "x".repeat(300_000); // many write() calls: a plain rewrite would be seen half done
    AtomicFiles.replace(fs, new Path(file.toUri()), small);
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get()) {
                try {
                  String seen = Files.readString(file);
                  assertTrue(
                      seen.equals(small) || seen.equals(large),
                      "a partial file of " + seen.length() + " chars");
                  reads.incrementAndGet();
                } catch (java.io.IOException e) {
                  throw new AssertionError("the file was missing for a moment: " + e);
                }
              }
            });
    Throwable[] failure = new Throwable[1];
    reader.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
    reader.start();
    for (int i = 0; i < 300; i++) {
      AtomicFiles.replace(fs, new Path(file.toUri()), i % 2 == 0 ? large : small);
    }
    done.set(true);
    reader.join();
    assertEquals(null, failure[0]);
    assertTrue(reads.get() > 10, "the reader read " + reads.get() + " times");
    try (var listing = Files.list(dir)) {
      assertEquals(
          Set.of("current"),
          Set.copyOf(listing.map(p -> p.getFileName().toString()).toList()),
          "no temporary file is left");
    }
  }
}
