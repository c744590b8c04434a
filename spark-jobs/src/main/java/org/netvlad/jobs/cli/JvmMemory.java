package org.netvlad.jobs.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Peak memory of this JVM (the driver; in local mode also the executor), for job summaries. */
public final class JvmMemory {
  private JvmMemory() {}

  /** {@code peak_heap_mb} (sum of the heap pools' peaks) and, on Linux, {@code peak_rss_mb}. */
  public static Map<String, Long> peaks() {
    Map<String, Long> out = new LinkedHashMap<>();
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        heap += pool.getPeakUsage().getUsed();
      }
    }
    out.put("peak_heap_mb", heap >> 20);
    out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          out.put("peak_rss_mb", Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: no resident-set figure.
    }
    return out;
  }

  /** Heap in use after a full collection: what this JVM retains, in MB. */
  public static double heapAfterGcMb() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return (r.totalMemory() - r.freeMemory()) / (double) (1 << 20);
  }
}
