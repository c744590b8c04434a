package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.RenderCityJob;

/** render-city on Spark: byte-identical whatever the partitioning, and ready for mine-tuples. */
class RenderCityIT extends SparkTestBase {
  @TempDir Path dir;

  private Map<String, Object> render(Path run, String input, String... settings) {
    return RenderCityJob.run(
        spark,
        new RenderCityJob.Config(
            run.toUri().toString(),
            input,
            PipelineConfig.load("", "test", List.of(settings)),
            false));
  }

  @Test
  void theSameSeedGivesByteIdenticalImagesWhateverThePartitioning() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    render(a, null, "render.images=300", "render.images-per-task=1000");
    Map<String, Object> summary = render(b, null, "render.images=300", "render.images-per-task=7");
    List<Path> images;
    try (Stream<Path> files = Files.list(a.resolve("city/images"))) {
      images = files.sorted().toList();
    }
    assertEquals(((Number) summary.get("images")).intValue(), images.size());
    assertTrue(images.size() > 250, "about the images asked for: " + images.size());
    for (Path image : images) {
      assertArrayEquals(
          Files.readAllBytes(image),
          Files.readAllBytes(b.resolve("city/images").resolve(image.getFileName())),
          image.toString());
    }
    assertEquals(
        Files.readString(a.resolve("city/manifest.csv")),
        Files.readString(b.resolve("city/manifest.csv")));

    // The manifest is the input contract: mine-tuples takes it whole and finds positives.
    Map<String, Object> mined =
        Jobs.mine(spark, dir.resolve("mined"), List.of(a.resolve("city/manifest.csv").toString()));
    assertEquals(0L, mined.get("rows_rejected"));
    assertTrue(((Number) mined.get("queries_kept")).longValue() > 0);
    assertEquals(
        mined.get("queries_in"),
        mined.get("queries_kept"),
        "every query stands at a place with database images");
  }

  @Test
  void aFinishedRenderIsLeftAloneAndBadSpecsFailNamingTheFile() throws Exception {
    Path run = dir.resolve("again");
    Map<String, Object> first = render(run, null, "render.images=40");
    Path anImage;
    try (Stream<Path> files = Files.list(run.resolve("city/images"))) {
      anImage = files.findFirst().orElseThrow();
    }
    java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(anImage);
    Map<String, Object> second = render(run, null, "render.images=40");
    assertEquals(first.get("images"), second.get("images"));
    assertEquals(written, Files.getLastModifiedTime(anImage), "nothing is rendered again");

    Path missing = dir.resolve("nope/pitts30k_x.mat");
    org.netvlad.jobs.cli.JobFailure e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.netvlad.jobs.cli.JobFailure.class,
            () -> render(dir.resolve("r1"), missing.toString()));
    assertTrue(e.getMessage().contains("pitts30k_x.mat"), e.getMessage());
    Path truncated = Files.write(dir.resolve("pitts30k_cut.mat"), new byte[300]);
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.netvlad.jobs.cli.JobFailure.class,
            () -> render(dir.resolve("r2"), truncated.toString()));
    assertTrue(e.getMessage().contains("pitts30k_cut.mat"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("r2/city")), "nothing committed");
  }

  @Test
  void theRenderedManifestCanBeEditedAndMinedAsEdited() throws Exception {
    Path run = dir.resolve("edit");
    render(run, null, "render.images=40");
    try (Stream<Path> files = Files.walk(run)) {
      List<String> sidecars =
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList();
      assertEquals(List.of(), sidecars, "no checksum sidecar that an edit would contradict");
    }
    Path manifest = run.resolve("city/manifest.csv");
    List<String> lines = Files.readAllLines(manifest);
    Files.write(manifest, lines.subList(0, lines.size() - 5));
    Map<String, Object> mined =
        Jobs.mine(spark, dir.resolve("edit-mined"), List.of(manifest.toString()));
    assertEquals(
        (long) lines.size() - 1 - 5, mined.get("rows_in"), "the edited manifest, as edited");
  }

  @Test
  void rendersADbStructSpecWhereMineTuplesExpectsItsImages() throws Exception {
    String[] db = new String[24];
    double[][] dbUtm = new double[24][];
    for (int i = 0; i < 24; i++) {
      db[i] = String.format("000/000%03d_pitch%d_yaw%d.jpg", i / 24, 1 + i / 12, 1 + i % 12);
      dbUtm[i] = new double[] {585088.3, 4477425.2};
    }
    String[] q = {"000/000777_pitch1_yaw3.jpg"};
    double[][] qUtm = {{585090.3, 4477426.2}};
    byte[] spec =
        TimeMachineSpecIT.dbStruct("test", db, dbUtm, new double[24], q, qUtm, new double[1]);
    Path mat = Files.write(dir.resolve("pitts30k_test.mat"), spec);
    Path run = dir.resolve("spec");
    Map<String, Object> summary = render(run, mat.toString());
    assertEquals(25, summary.get("images"));
    assertTrue(Files.isRegularFile(run.resolve("city/images/000/000000_pitch2_yaw12.jpg")));
    assertTrue(Files.isRegularFile(run.resolve("city/queries/000/000777_pitch1_yaw3.jpg")));
    Map<String, Object> mined =
        Jobs.mine(
            spark, dir.resolve("spec-mined"), List.of(run.resolve("city/manifest.csv").toString()));
    assertEquals(0L, mined.get("rows_rejected"));
    assertEquals(1L, mined.get("queries_kept"));
  }
}
