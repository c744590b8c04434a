package org.netvlad.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.netvlad.common.layout.StreetLayout;
import org.netvlad.common.render.Captures;
import org.netvlad.common.render.City;
import org.netvlad.common.render.Renderer;
import org.netvlad.jobs.cli.JobMain;

/**
 * {@code submit/bench render [IMAGES]}: images per second per core at the default 160 x 120, in one
 * thread in process (render + PNG encoding), and for the render-city job in local[2] (render,
 * encode, write files), whose figure is divided by its 2 cores.
 */
public final class RenderBench {
  private RenderBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    StreetLayout layout = StreetLayout.squareFor(images, 100, 1);
    Renderer renderer = new Renderer(new City(1, 100, 20));
    List<StreetLayout.LayoutImage> sample = new java.util.ArrayList<>();
    for (int s = 0; s < layout.streetCount() && sample.size() < 3000; s++) {
      sample.addAll(layout.street(s));
    }
    for (int i = 0; i < 500; i++) { // warm-up
      Renderer.png(
          renderer.render(Captures.of(sample.get(i % sample.size()), 1, 160, 120)), 160, 120);
    }
    long t0 = System.nanoTime();
    for (StreetLayout.LayoutImage image : sample) {
      Renderer.png(renderer.render(Captures.of(image, 1, 160, 120)), 160, 120);
    }
    double inProcess = sample.size() / ((System.nanoTime() - t0) / 1e9);

    Path run = root.resolve("tests/target/bench-render");
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                root.resolve("submit/render-city").toString(),
                "--master",
                "local[2]",
                "--",
                "--run",
                run.toString(),
                "--overwrite",
                "--set",
                "render.images=" + images)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().remove("SPARK_HOME");
    if (pb.start().waitFor() != 0) {
      throw new IllegalStateException("render-city failed");
    }
    Map<String, Object> summary =
        JobMain.fromJson(Files.readString(run.resolve("summary/render-city.json")));
    double job = ((Number) summary.get("images_per_second")).doubleValue();
    System.out.println("render benchmark: 160x120 PNG");
    System.out.printf(
        Locale.ROOT,
        "in process, 1 thread (render + encode): %6.0f images/s per core (%d images)%n",
        inProcess,
        sample.size());
    System.out.printf(
        Locale.ROOT,
        "render-city, local[2] (render + encode + write): %6.0f images/s, %6.0f per core (%s"
            + " images)%n",
        job,
        job / 2,
        summary.get("images"));
  }
}
