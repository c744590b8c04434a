package org.netvlad.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.netvlad.common.config.IngestSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.RenderSettings;
import org.netvlad.common.config.RunSettings;
import org.netvlad.common.data.DbStruct;
import org.netvlad.common.data.ImageNames;
import org.netvlad.common.geo.UtmProjection;
import org.netvlad.common.geo.UtmZone;
import org.netvlad.common.hash.Hash;
import org.netvlad.common.layout.StreetLayout;
import org.netvlad.common.render.Captures;
import org.netvlad.common.render.City;
import org.netvlad.common.render.Renderer;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.ManifestReader;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.render.CityImage;

/**
 * {@code render-city}: renders the synthetic Time Machine city in parallel, either on its own
 * street grid or at the positions and headings of a dbStruct spec. Writes {@code city/images/}
 * (PNG), {@code city/manifest.csv} (the input contract, ready for mine-tuples) and {@code
 * summary/render-city.json}, committed atomically. Every image is a function of the seed and the
 * image alone, so the output does not depend on the partitioning.
 */
public final class RenderCityJob {
  public static final String NAME = "render-city";

  static final List<JobArgs.Option> OPTIONS =
      List.of(
          new JobArgs.Option(
              "--input",
              "URI",
              false,
              false,
              "a dbStruct .mat whose positions and headings to render (default: the city's own"
                  + " street grid)"));

  /** The validated settings of one run of this job. */
  public record Config(
      String runUri, String dbStructUri, PipelineConfig settings, boolean overwrite) {}

  private RenderCityJob() {}

  public static void main(String[] args) {
    JobMain.main(NAME, OPTIONS, RenderCityJob::config, RenderCityJob::run, args);
  }

  /** Builds the job's config from parsed arguments; settings are checked here, before any work. */
  public static Config config(JobArgs args, SparkSession spark) {
    return new Config(
        args.value("--run"),
        args.value("--input"),
        JobConfigs.load(args, spark.sparkContext().hadoopConfiguration()),
        args.overwrite());
  }

  /** Runs the job under the run folder's lock; returns its summary. */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    RunFolder run = new RunFolder(config.runUri(), spark.sparkContext().hadoopConfiguration());
    try (RunLock lock =
        run.lock(NAME, RunSettings.lockStaleAfter(config.settings()), progress::say)) {
      Map<String, Object> finished =
          Lineage.alreadyFinished(
              run,
              NAME,
              config.overwrite(),
              "redo",
              f ->
                  Lineage.requireUpToDate(
                      NAME,
                      run.root(),
                      f,
                      Map.of(),
                      Map.of("layout", layout(config)),
                      config.settings().asText(),
                      key -> key.startsWith("render.")),
              progress::say);
      if (finished != null) {
        return finished;
      }
      return render(spark, config, run, progress);
    }
  }

  private static String layout(Config config) {
    return config.dbStructUri() == null ? "street-grid" : config.dbStructUri();
  }

  private static Map<String, Object> render(
      SparkSession spark, Config config, RunFolder run, Progress progress) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PipelineConfig s = config.settings();
    long seed = s.get(RenderSettings.SEED);
    int width = s.get(RenderSettings.WIDTH_PX).intValue();
    int height = s.get(RenderSettings.HEIGHT_PX).intValue();
    City city = new City(seed, s.get(RenderSettings.BLOCK_M), s.get(RenderSettings.STREET_WIDTH_M));
    List<CityImage> images;
    String header;
    if (config.dbStructUri() == null) {
      header = "image_id,path,lat,lon,captured_at,condition,heading_deg,role,split";
      images = streetGrid(s, seed);
    } else {
      header =
          "image_id,path,utm_easting,utm_northing,utm_zone,captured_at,condition,heading_deg,role,split";
      images = dbStructImages(spark, config.dbStructUri(), s, seed);
    }
    // A Time Machine query is a database image: one file, rendered once, listed in both roles.
    Map<String, CityImage> byPath = new LinkedHashMap<>();
    images.forEach(i -> byPath.putIfAbsent(i.path, i));
    List<CityImage> toRender = new ArrayList<>(byPath.values());
    progress.say(
        String.format("rendering %,d images of %dx%d pixels", toRender.size(), width, height));

    Path staging = run.newStaging(NAME);
    Path imagesRoot = new Path(staging, "city");
    SerializableConfiguration conf = new SerializableConfiguration(hadoop);
    String root = imagesRoot.toString();
    int slices =
        (int)
            Math.max(
                1,
                (toRender.size() + s.get(RenderSettings.IMAGES_PER_TASK) - 1)
                    / s.get(RenderSettings.IMAGES_PER_TASK));
    long t0 = System.nanoTime();
    long bytes =
        IoFailures.writingResult(
            imagesRoot,
            () ->
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(toRender, slices)
                    .mapPartitions(
                        part ->
                            List.of(renderAll(part, city, seed, width, height, root, conf.value()))
                                .iterator())
                    .fold(0L, Long::sum));
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder manifest = new StringBuilder(header).append('\n');
    images.forEach(i -> manifest.append(i.manifestLine).append('\n'));
    run.writeText(new Path(imagesRoot, "manifest.csv"), manifest.toString());

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("job", NAME);
    summary.put(Lineage.ID, Lineage.newId());
    summary.put("run", run.root().toString());
    summary.put("layout", layout(config));
    summary.put("images", toRender.size());
    summary.put("manifest_rows", images.size());
    summary.put("manifest", run.resolve("city/manifest.csv").toString());
    summary.put("image_root", run.resolve("city").toString());
    summary.put("png_bytes", bytes);
    summary.put("render_seconds", Math.round(seconds * 100) / 100.0);
    summary.put("images_per_second", Math.round(toRender.size() / seconds));
    summary.put("settings", s.asText());
    run.writeText(new Path(staging, RunFolder.summaryPath(NAME)), JobMain.toJson(summary));
    run.commit(NAME, staging, List.of("city"));
    progress.say(
        String.format(
            Locale.ROOT,
            "done: %,d images in %.1f s (%.0f images/s); manifest %s",
            toRender.size(),
            seconds,
            toRender.size() / seconds,
            summary.get("manifest")));
    return summary;
  }

  /** Renders a partition's images into PNG files; returns the bytes written. */
  private static long renderAll(
      java.util.Iterator<CityImage> images,
      City city,
      long seed,
      int width,
      int height,
      String root,
      Configuration hadoop)
      throws IOException {
    Renderer renderer = new Renderer(city);
    FileSystem fs = new Path(root).getFileSystem(hadoop);
    // On local disks write with java.nio: Hadoop's local file system forks a chmod process and
    // writes a .crc file for every file it creates, which cost more than rendering the image.
    java.nio.file.Path localRoot =
        fs instanceof org.apache.hadoop.fs.LocalFileSystem
            ? java.nio.file.Path.of(new Path(root).toUri().getPath())
            : null;
    long bytes = 0;
    while (images.hasNext()) {
      CityImage image = images.next();
      byte[] png =
          Renderer.png(
              renderer.render(
                  Captures.of(
                      image.imageId,
                      image.cameraEastM,
                      image.cameraNorthM,
                      image.headingDeg,
                      image.pitchDeg,
                      image.date,
                      seed,
                      width,
                      height)),
              width,
              height);
      if (localRoot != null) {
        java.nio.file.Path file = localRoot.resolve(image.path);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, png);
      } else {
        try (OutputStream out = fs.create(new Path(root, image.path), true)) {
          out.write(png);
        }
      }
      bytes += png.length;
    }
    return bytes;
  }

  /** The city's own street grid around the configured origin. */
  private static List<CityImage> streetGrid(PipelineConfig s, long seed) {
    StreetLayout layout =
        StreetLayout.squareFor(s.get(RenderSettings.IMAGES), s.get(RenderSettings.BLOCK_M), seed);
    double lat = s.get(RenderSettings.ORIGIN_LAT);
    double lon = s.get(RenderSettings.ORIGIN_LON);
    UtmProjection projection = new UtmProjection(UtmZone.containing(lat, lon));
    double[] origin = projection.toGrid(lat, lon);
    List<CityImage> out = new ArrayList<>();
    for (int street = 0; street < layout.streetCount(); street++) {
      for (StreetLayout.LayoutImage i : layout.street(street)) {
        double[] latLon = projection.toLatLon(origin[0] + i.eastM(), origin[1] + i.northM());
        String path = "images/" + i.imageId() + ".png";
        String line =
            CityImage.csv(
                i.imageId(),
                path,
                String.format(Locale.ROOT, "%.8f", latLon[0]),
                String.format(Locale.ROOT, "%.8f", latLon[1]),
                i.capturedAt().toString(),
                Captures.condition(i.capturedAt(), seed),
                CityImage.num(i.headingDeg()),
                i.role().text(),
                i.split().text());
        out.add(
            new CityImage(
                i.imageId(),
                path,
                i.cameraEastM(),
                i.cameraNorthM(),
                i.headingDeg(),
                3.0,
                i.capturedAt(),
                line));
      }
    }
    return out;
  }

  /**
   * The images a dbStruct spec names, at their UTM positions (used directly as city metres) and the
   * headings and pitches their names give; database images from one period, queries from a later
   * one, as Pittsburgh's queries were taken years after its database.
   */
  private static List<CityImage> dbStructImages(
      SparkSession spark, String uri, PipelineConfig s, long seed) {
    Path file = new Path(uri);
    DbStruct spec;
    try {
      spec =
          DbStruct.read(
              uri,
              RunFolder.readBytes(
                  file.getFileSystem(spark.sparkContext().hadoopConfiguration()), file));
    } catch (IOException | org.netvlad.common.data.ManifestFormatException e) {
      throw new JobFailure(e.getMessage(), e);
    }
    String zone = ManifestReader.dbStructZone(uri, s.get(IngestSettings.DBSTRUCT_UTM_ZONE));
    String dbFolder = s.get(IngestSettings.DBSTRUCT_DATABASE_FOLDER);
    String qFolder =
        ManifestReader.dbStructQueryFolder(uri, s.get(IngestSettings.DBSTRUCT_QUERY_FOLDER));
    List<CityImage> out = new ArrayList<>();
    addSpecImages(
        out,
        spec.dbImageFns(),
        spec.dbUtm(),
        spec.dbTimeStamps(),
        dbFolder,
        "database",
        spec.whichSet(),
        zone,
        LocalDate.of(2009, 1, 1),
        seed);
    addSpecImages(
        out,
        spec.qImageFns(),
        spec.qUtm(),
        spec.qTimeStamps(),
        qFolder,
        "query",
        spec.whichSet(),
        zone,
        LocalDate.of(2013, 1, 1),
        seed);
    return out;
  }

  private static void addSpecImages(
      List<CityImage> out,
      List<String> fns,
      double[][] utm,
      List<LocalDate> stamps,
      String folder,
      String role,
      String split,
      String zone,
      LocalDate period,
      long seed) {
    for (int i = 0; i < fns.size(); i++) {
      String fn = fns.get(i);
      if (fn.startsWith("/") || fn.contains("..") || fn.contains(",") || fn.contains("\"")) {
        throw new JobFailure(
            "dbStruct "
                + role
                + " image "
                + (i + 1)
                + " has a file name render-city cannot write: "
                + fn);
      }
      Double heading = ImageNames.headingDeg(fn);
      Integer pitch = ImageNames.pitchIndex(fn);
      // The spec's time stamp where it has one (Time Machine); else one date per panorama (all
      // its crops), spread over two years.
      String panorama = fn.replaceAll("_pitch\\d+_yaw\\d+", "");
      LocalDate date =
          stamps != null && stamps.get(i) != null
              ? stamps.get(i)
              : period.plusDays(
                  Math.floorMod(Hash.of(seed, panorama.hashCode(), role.length()), 730));
      String id = role + "/" + fn;
      String line =
          CityImage.csv(
              id,
              folder + fn,
              CityImage.num(utm[i][0]),
              CityImage.num(utm[i][1]),
              zone,
              date.toString(),
              Captures.condition(date, seed),
              heading == null ? "" : CityImage.num(heading),
              role,
              split);
      out.add(
          new CityImage(
              id,
              folder + fn,
              utm[i][0],
              utm[i][1],
              heading == null ? 0 : heading,
              pitch != null && pitch == 2 ? 20.0 : 3.0,
              date,
              line));
    }
  }
}
