package org.netvlad.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.netvlad.common.layout.StreetLayout;
import org.netvlad.common.model.ClusterInit;
import org.netvlad.common.model.ImageTensors;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.NetVladMath;
import org.netvlad.common.model.NetVladParams;
import org.netvlad.common.model.Networks;
import org.netvlad.common.model.TripletRankingLoss;
import org.netvlad.common.model.TupleBatch;
import org.netvlad.common.render.Captures;
import org.netvlad.common.render.City;
import org.netvlad.common.render.Renderer;

/**
 * {@code submit/bench model}: the default network (small backbone + NetVLAD K=64, 3x120x160 input)
 * on rendered images. For each setting (OpenMP threads; glibc malloc as submit/lib/common.sh sets
 * it by default, plain glibc, or tcmalloc preloaded when installed) a child JVM measures
 *
 * <ul>
 *   <li>forward (descriptor extraction) images/s, batches of 48;
 *   <li>training images/s: one step = 4 tuples of 1 query + 1 positive + 10 negatives (48 images);
 *   <li>the share of a training step taken by the NetVLAD layer (forward + backward, the same calls
 *       the network makes) and the loss;
 *   <li>raw ND4J float GEMM GFLOP/s on the same threads, as the machine's yardstick.
 * </ul>
 *
 * <p>PyTorch runs the same network and step when a Python with torch is found. With {@code
 * -Dbench.rounds=N} all settings run in N interleaved rounds; the table gives medians, and for each
 * thread count the ratio of ours (default malloc) to PyTorch's best, round by round.
 */
public final class ModelBench {
  private static final int TUPLES = 4;
  private static final int NEGATIVES = 10;
  private static final int BATCH = TUPLES * TupleBatch.rowsPerTuple(1, NEGATIVES);

  /** OpenMP thread counts measured: -Dbench.threads=1,2 (the default). */
  private static final List<String> THREADS =
      List.of(System.getProperty("bench.threads", "1,2").split(","));

  private ModelBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      StringBuilder line = new StringBuilder("RESULT");
      measure(Integer.parseInt(args[1]))
          .forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
      System.out.println(line);
      return;
    }
    int seconds = Integer.parseInt(System.getProperty("bench.seconds", "20"));
    int rounds = Integer.parseInt(System.getProperty("bench.rounds", "1"));
    String python = PythonPeer.find("torch");
    List<Setting> settings = new ArrayList<>();
    for (String allocator :
        TCMALLOC == null ? List.of("default", "plain") : List.of("default", "plain", "tcmalloc")) {
      for (String threads : THREADS) {
        settings.add(new Setting(false, Integer.parseInt(threads), allocator));
      }
    }
    if (python != null) {
      for (String allocator : TCMALLOC == null ? List.of("plain") : List.of("plain", "tcmalloc")) {
        for (String threads : THREADS) {
          settings.add(new Setting(true, Integer.parseInt(threads), allocator));
        }
      }
    }
    // Rounds interleave all settings, so that a slow spell of a shared machine hits each of them.
    Map<Setting, List<Map<String, Double>>> results = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (Setting setting : settings) {
        Map<String, Double> r =
            setting.torch()
                ? torchChild(python, setting, seconds)
                : child(setting.threads(), setting.allocator(), seconds);
        results.computeIfAbsent(setting, k -> new ArrayList<>()).add(r);
        System.err.println("round " + round + " " + setting + ": " + r);
      }
    }

    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-8s %-14s %8s %10s %9s %9s %11s %9s",
            "threads",
            "malloc",
            "forward/s",
            "train/s",
            "netvlad%",
            "loss%",
            "gemm_gflops",
            "step_ms"));
    for (Setting setting : settings) {
      List<Map<String, Double>> r = results.get(setting);
      if (setting.torch()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %-14s %8.1f %10.1f   (PyTorch %s, same network and step)",
                setting.threads(),
                "torch/" + setting.allocator(),
                median(r, "forward_images_per_s"),
                median(r, "train_images_per_s"),
                python));
      } else {
        lines.add(
            String.format(
                Locale.ROOT,
                "%-8s %-14s %8.1f %10.1f %9.1f %9.1f %11.1f %9.1f",
                setting.threads(),
                setting.allocator(),
                median(r, "forward_images_per_s"),
                median(r, "train_images_per_s"),
                median(r, "netvlad_share_pct"),
                median(r, "loss_share_pct"),
                median(r, "gemm_gflops"),
                median(r, "step_ms")));
      }
    }
    if (python == null) {
      lines.add("pytorch: not measured (no python3 with torch found; set NETVLAD_TORCH_PYTHON)");
    } else {
      for (String threads : THREADS) {
        lines.add(
            ratioLine(
                results, Integer.parseInt(threads), "train_images_per_s", "training", rounds));
        lines.add(
            ratioLine(
                results, Integer.parseInt(threads), "forward_images_per_s", "forward", rounds));
      }
    }
    System.out.println(BenchMachine.describe());
    System.out.println(
        "model benchmark: small backbone + NetVLAD K=64, 3x120x160, training step = "
            + TUPLES
            + " tuples x (1 query + 1 positive + "
            + NEGATIVES
            + " negatives) = "
            + BATCH
            + " images; "
            + (rounds == 1 ? "one round" : "medians of " + rounds + " interleaved rounds"));
    lines.forEach(System.out::println);
  }

  /** One measured configuration: ours or PyTorch's, OpenMP threads, allocator. */
  private record Setting(boolean torch, int threads, String allocator) {
    @Override
    public String toString() {
      return (torch ? "torch" : "ours") + " threads=" + threads + " malloc=" + allocator;
    }
  }

  /**
   * Ours with our default allocator settings against PyTorch's best allocator, at the same thread
   * count: the ratio in each round (both measured minutes apart at most), and its median.
   */
  private static String ratioLine(
      Map<Setting, List<Map<String, Double>>> results,
      int threads,
      String key,
      String what,
      int rounds) {
    List<Double> ratios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double torchBest = 0;
      double ours = Double.NaN;
      for (Map.Entry<Setting, List<Map<String, Double>>> e : results.entrySet()) {
        if (e.getKey().threads() != threads) {
          continue;
        }
        double value = e.getValue().get(round).getOrDefault(key, Double.NaN);
        if (e.getKey().torch()) {
          torchBest = Math.max(torchBest, Double.isNaN(value) ? 0 : value);
        } else if (e.getKey().allocator().equals("default")) {
          ours = value;
        }
      }
      ratios.add(torchBest > 0 ? ours / torchBest : Double.NaN);
    }
    StringBuilder perRound = new StringBuilder();
    ratios.forEach(r -> perRound.append(String.format(Locale.ROOT, " %.2f", r)));
    return String.format(
        Locale.ROOT,
        "%s, %d thread(s): ours (default malloc) / PyTorch's best = %.2f (median; rounds:%s)",
        what,
        threads,
        medianOf(ratios),
        perRound);
  }

  private static double median(List<Map<String, Double>> results, String key) {
    List<Double> values = new ArrayList<>();
    results.forEach(r -> values.add(r.getOrDefault(key, Double.NaN)));
    return medianOf(values);
  }

  /** The median of values (the mean of the middle two for an even count). */
  static double medianOf(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** The same network and step in PyTorch; empty values (NaN) if its run fails. */
  private static Map<String, Double> torchChild(String python, Setting setting, int seconds)
      throws Exception {
    ProcessBuilder pb =
        PythonPeer.script(
            python,
            "torch_model_bench.py",
            setting.threads(),
            String.valueOf(setting.threads()),
            String.valueOf(seconds / 2.0));
    allocator(pb, setting.allocator());
    return PythonPeer.run(pb);
  }

  /** tcmalloc, when installed (Debian: libtcmalloc-minimal4) or named by NETVLAD_TCMALLOC. */
  private static final String TCMALLOC = findTcmalloc();

  private static String findTcmalloc() {
    String named = System.getenv("NETVLAD_TCMALLOC");
    String path = named != null ? named : "/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4";
    return java.nio.file.Files.isRegularFile(Path.of(path)) ? path : null;
  }

  /**
   * glibc malloc's settings that submit/lib/common.sh sets by default, as environment variables.
   */
  private static final List<String> MALLOC_SETTINGS =
      List.of(
          "MALLOC_ARENA_MAX",
          "MALLOC_MMAP_THRESHOLD_",
          "MALLOC_TRIM_THRESHOLD_",
          "MALLOC_TOP_PAD_");

  /**
   * Sets the allocator of a child process: glibc with the settings submit/ starts this benchmark
   * with ("default"), glibc without them ("plain"), or tcmalloc preloaded.
   */
  private static void allocator(ProcessBuilder pb, String allocator) {
    if (allocator.equals("default")) {
      for (String name : MALLOC_SETTINGS) {
        if (System.getenv(name) == null) {
          throw new IllegalStateException(
              name + " is not set: run this benchmark through submit/bench");
        }
      }
      return;
    }
    MALLOC_SETTINGS.forEach(pb.environment()::remove);
    if (allocator.equals("tcmalloc")) {
      pb.environment().put("LD_PRELOAD", TCMALLOC);
    }
  }

  /** Runs the measurement in a fresh JVM: OpenMP and malloc settings only take effect at start. */
  private static Map<String, Double> child(int threads, String allocator, int seconds)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-Dbench.seconds=" + seconds);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ModelBench.class.getName());
    cmd.add("--child");
    cmd.add(String.valueOf(seconds));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
    allocator(pb, allocator);
    Process p = pb.start();
    String result = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          result = line.substring(7);
        }
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException(
          "benchmark child (threads " + threads + ") failed with exit code " + p.exitValue());
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (String pair : result.trim().split(" ")) {
      String[] kv = pair.split("=");
      values.put(kv[0], Double.parseDouble(kv[1]));
    }
    return values;
  }

  private static Map<String, Object> measure(int seconds) {
    ModelSpec spec = ModelSpec.defaults();
    MultiLayerNetwork net =
        Networks.create(
            spec, new Networks.Training(new Nesterovs(1e-3, 0.9), 1e-3, 1), DataType.FLOAT);
    INDArray images = renderedImages(BATCH, spec);
    ClusterInit.initialise(
        net,
        ClusterInit.sampleFeatures(net, images, 100, new Random(1)),
        ClusterInit.Variant.V1,
        30,
        1);
    INDArray labels = TupleBatch.labels(TUPLES, 1, NEGATIVES, DataType.FLOAT);
    DataSet step = new DataSet(images, labels);

    double budget = seconds / 3.0;
    double forwardPerS = BATCH * rate(budget, () -> net.output(images, false));
    double stepS = 1 / rate(budget, () -> net.fit(step));

    int pool = Networks.descriptorLayerIndex(net);
    INDArray features = net.feedForwardToLayer(pool - 1, images, true).get(pool);
    Layer layer = net.getLayer(pool);
    INDArray w = layer.getParam(NetVladParams.ASSIGN_WEIGHTS);
    INDArray b = layer.getParam(NetVladParams.ASSIGN_BIAS);
    INDArray c = layer.getParam(NetVladParams.CENTRES);
    INDArray dOut = Nd4j.randn(DataType.FLOAT, BATCH, spec.descriptorLength()).muli(1e-3);
    // What the layer computes in fit: one forward pass, kept for the backward pass, with the
    // intermediates in a reused workspace as DL4J's (not freshly allocated memory each call).
    double layerS =
        1
            / rate(
                budget / 2,
                () -> {
                  try (MemoryWorkspace ws =
                      Nd4j.getWorkspaceManager()
                          .getAndActivateWorkspace(LAYER_WORKSPACE, "bench-netvlad")) {
                    NetVladMath.backward(
                        NetVladMath.forward(features, w, b, c, false), w, c, false, dOut);
                  }
                });
    INDArray descriptors = net.output(images, false);
    TripletRankingLoss loss = new TripletRankingLoss(0.1);
    double lossS =
        1
            / rate(
                budget / 4,
                () ->
                    loss.computeGradientAndScore(
                        labels, descriptors, new ActivationIdentity(), null, false));
    double gemm = gemmGflops(budget / 4);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("forward_images_per_s", forwardPerS);
    out.put("train_images_per_s", BATCH / stepS);
    out.put("step_ms", stepS * 1000);
    out.put("netvlad_share_pct", 100 * layerS / stepS);
    out.put("loss_share_pct", 100 * lossS / stepS);
    out.put("gemm_gflops", gemm);
    return out;
  }

  private static final WorkspaceConfiguration LAYER_WORKSPACE =
      WorkspaceConfiguration.builder()
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyAllocation(AllocationPolicy.STRICT)
          .policyReset(ResetPolicy.BLOCK_LEFT)
          .build();

  /** Calls per second of {@code body} over about {@code seconds}, after two warm-up calls. */
  private static double rate(double seconds, Runnable body) {
    body.run();
    body.run();
    long t0 = System.nanoTime();
    int calls = 0;
    do {
      body.run();
      calls++;
    } while (System.nanoTime() - t0 < seconds * 1e9);
    return calls / ((System.nanoTime() - t0) / 1e9);
  }

  private static double gemmGflops(double seconds) {
    int n = 1024;
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    return 2.0 * n * n * n * rate(seconds, () -> a.mmuli(b, c)) / 1e9;
  }

  static INDArray renderedImages(int count, ModelSpec spec) {
    StreetLayout layout = StreetLayout.squareFor(count * 4L, 100, 3);
    Renderer renderer = new Renderer(new City(3, 100, 20));
    List<float[]> images = new ArrayList<>();
    for (int s = 0; s < layout.streetCount() && images.size() < count; s++) {
      for (StreetLayout.LayoutImage image : layout.street(s)) {
        if (images.size() < count) {
          images.add(
              ImageTensors.fromPixels(
                  renderer.render(Captures.of(image, 3, spec.widthPx(), spec.heightPx())),
                  spec.widthPx(),
                  spec.heightPx()));
        }
      }
    }
    return ImageTensors.batch(images, spec.widthPx(), spec.heightPx());
  }
}
