package org.netvlad.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** What a benchmark ran on: speed ratios depend on the processor (AVX2 only, AVX-512, AMX). */
final class BenchMachine {
  private static final List<String> EXTENSIONS =
      List.of("avx2", "avx512f", "avx512_bf16", "amx_tile");

  private BenchMachine() {}

  /** "cpu: <model>, <n> cores, vector extensions: avx2 avx512f ..." from /proc/cpuinfo. */
  static String describe() {
    String model = "unknown";
    TreeSet<String> found = new TreeSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name") && model.equals("unknown")) {
          model = line.substring(line.indexOf(':') + 1).trim();
        } else if (line.startsWith("flags")) {
          for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (EXTENSIONS.contains(flag)) {
              found.add(flag);
            }
          }
        }
      }
    } catch (IOException e) {
      return "cpu: unknown (" + e.getMessage() + ")";
    }
    String limits =
        System.getenv("ONEDNN_MAX_CPU_ISA") == null
            ? ""
            : ", ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA");
    return String.format(
        Locale.ROOT,
        "cpu: %s, %d cores, vector extensions: %s%s",
        model,
        Runtime.getRuntime().availableProcessors(),
        found.isEmpty() ? "none of " + EXTENSIONS : String.join(" ", found),
        limits);
  }
}
