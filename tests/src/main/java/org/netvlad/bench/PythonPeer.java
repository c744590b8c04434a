package org.netvlad.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A peer benchmark in Python (tests/bench/*.py) that prints one line "RESULT key=value ...". */
final class PythonPeer {
  private PythonPeer() {}

  /**
   * A Python that imports {@code module}: NETVLAD_TORCH_PYTHON, else python3 on the PATH, else
   * /usr/bin/python3; null if none does.
   */
  static String find(String module) throws InterruptedException {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("NETVLAD_TORCH_PYTHON") != null) {
      candidates.add(System.getenv("NETVLAD_TORCH_PYTHON"));
    }
    candidates.add("python3");
    candidates.add("/usr/bin/python3");
    for (String candidate : candidates) {
      try {
        if (new ProcessBuilder(candidate, "-c", "import " + module)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor()
            == 0) {
          return candidate;
        }
      } catch (IOException e) {
        // not this one
      }
    }
    return null;
  }

  /** A script of tests/bench/ run with its arguments, OMP_NUM_THREADS set to threads. */
  static ProcessBuilder script(String python, String name, int threads, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                python,
                Path.of(System.getProperty("project.root", "."))
                    .resolve("tests/bench")
                    .resolve(name)
                    .toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
    return pb;
  }

  /**
   * The script's RESULT values; empty (with a line on stderr) if it fails. Its stderr goes to ours.
   */
  static Map<String, Double> run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Double> r = new LinkedHashMap<>();
    String result =
        out.lines().filter(l -> l.startsWith("RESULT")).reduce((a, b) -> b).orElse(null);
    if (p.waitFor() != 0 || result == null) {
      System.err.println(pb.command() + ": failed with exit code " + p.exitValue());
      return r;
    }
    for (String pair : result.substring(6).trim().split(" ")) {
      if (!pair.isEmpty()) {
        String[] kv = pair.split("=");
        r.put(kv[0], Double.parseDouble(kv[1]));
      }
    }
    return r;
  }
}
