package org.netvlad.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every setting of the pipeline, in the order {@code conf/pipeline.conf} documents them.
 *
 * <p>Cross-setting rules live in {@link #checkConsistency(PipelineConfig)} so that an inconsistent
 * configuration is refused before any job touches data.
 */
public final class Settings {
  private static final Pattern ZONE = Pattern.compile("auto|([1-9]|[1-5][0-9]|60)[C-HJ-NP-X]");

  public static final Setting<Long> LOCK_STALE_AFTER_S =
      Setting.whole(
          "run.lock-stale-after-s",
          600,
          1,
          604_800,
          "seconds",
          "A job locks its run folder (<run>/_lock/) and refuses to start while another job holds the"
              + " lock. A lock whose holder ran on this host is taken over as soon as that process has"
              + " ended; one held from another host when its holder has given no sign of life (it"
              + " renews the lock every tenth of this time) for this long.");

  public static final Setting<Double> MAX_REJECTED_FRACTION =
      Setting.decimal(
          "ingest.max-rejected-fraction",
          0.01,
          0,
          1,
          "fraction of input rows",
          "The job fails when more than this share of input rows is rejected. Rejected rows are"
              + " always written to <run>/rejected/ with their reason.");

  public static final Setting<String> ALLOWED_IMAGE_ROOTS =
      Setting.text(
          "ingest.allowed-image-roots",
          "",
          "empty, or absolute paths, URI prefixes or bare schemes (https:) separated by ;",
          text -> String.join(";", org.netvlad.common.data.ImagePaths.allowedRoots(text)),
          "A manifest path is read only inside the image root (--images): a relative path must stay"
              + " in it after resolving . and .., and an absolute path or URI must lie under it. List"
              + " here the other roots manifests may point into, written as the manifests write them"
              + " (/srv/img and file:/srv/img differ); a bare scheme such as https: allows all of it."
              + " Other rows are rejected (path_outside_image_root), and the jobs that read images"
              + " check the rule again with the roots mine-tuples recorded.");

  public static final Setting<Long> MAX_IMAGE_PIXELS =
      Setting.whole(
          "ingest.max-image-pixels",
          50_000_000,
          1,
          Integer.MAX_VALUE,
          "pixels (width x height)",
          "Images larger than this are not decoded (their size is read from the file's header)"
              + " and are set aside as unreadable by train-netvlad and extract-and-evaluate: a small"
              + " file can claim a huge image. 50 million lets through 8192x4096 panoramas and 24"
              + " MP photographs and bounds a decode at about 600 MB (16-bit RGBA raster plus the RGB"
              + " copy); full 16384x8192 Street View panoramas need 134 million.");

  public static final Setting<String> DEFAULT_ROLE =
      Setting.choice(
          "ingest.default-role",
          "database",
          List.of("database", "query"),
          "Role of manifest rows that have no role column (or an empty role).");

  public static final Setting<String> DEFAULT_SPLIT =
      Setting.choice(
          "ingest.default-split",
          "train",
          List.of("train", "val", "test"),
          "Split of manifest rows that have no split column (or an empty split). A dbStruct .mat"
              + " file names its own split (whichSet).");

  public static final Setting<String> DBSTRUCT_UTM_ZONE =
      Setting.text(
          "ingest.dbstruct-utm-zone",
          "auto",
          "auto, or a UTM zone with its latitude band such as 17T",
          Settings::zoneOrAuto,
          "UTM zone of the positions in dbStruct .mat files, which do not store it. auto knows"
              + " Pittsburgh (pitts*.mat: 17T) and Tokyo (tokyo*.mat: 54S).");

  public static final Setting<String> DBSTRUCT_DATABASE_FOLDER =
      Setting.text(
          "ingest.dbstruct-database-folder",
          "images/",
          "a relative folder ending in /, or empty",
          Settings::relativeFolder,
          "Folder, under the image root, of the database images a dbStruct .mat names (images/ in"
              + " the NetVLAD reference layout).");

  public static final Setting<String> CONDITIONS =
      Setting.text(
          "ingest.conditions",
          "",
          "empty, or the path or URI of a CSV file",
          String::trim,
          "Capture conditions kept apart from the inputs: a CSV file with a header naming path (the"
              + " image's path as the input writes it; for a dbStruct, the query or database folder"
              + " and the file name, e.g. queries/00001.jpg) or image_id, and condition (e.g. day,"
              + " sunset, night). Evaluation reports Recall@N per condition; a listed condition wins"
              + " over a row's own. Every listed image must be in the inputs.");

  public static final Setting<String> DBSTRUCT_QUERY_FOLDER =
      Setting.text(
          "ingest.dbstruct-query-folder",
          "auto",
          "auto, a relative folder ending in /, or empty",
          text -> "auto".equals(text.trim()) ? "auto" : relativeFolder(text),
          "Folder, under the image root, of the query images a dbStruct .mat names. auto follows the"
              + " NetVLAD reference layout: queries/ for Pittsburgh (pitts*.mat), images/ for Tokyo"
              + " Time Machine (tokyoTM*.mat, whose queries are database panoramas), else queries/.");

  public static final Setting<String> FRAME_ZONE =
      Setting.text(
          "geo.frame-zone",
          "auto",
          "auto, or a UTM zone with its latitude band such as 17T",
          Settings::zoneOrAuto,
          "The UTM zone whose (extended) transverse Mercator grid all distances are measured in."
              + " auto takes the zone most accepted rows lie in. Rows given in another zone are"
              + " re-projected into it, so a city that straddles a zone border loses no pair.");

  public static final Setting<Double> MAX_FRAME_OFFSET_DEG =
      Setting.decimal(
          "geo.max-frame-offset-deg",
          9,
          0.5,
          30,
          "degrees of longitude",
          "Rows farther than this from the frame zone's central meridian are rejected"
              + " (outside_frame): far from it the projected distances stretch. Mine each region on"
              + " its own when a data set spans continents.");

  public static final Setting<Double> POSITIVE_RADIUS_M =
      Setting.decimal(
          "mining.positive-radius-m",
          10,
          0.001,
          10_000,
          "metres",
          "Potential positives of a query: database images at most this far from it.");

  public static final Setting<Double> NEGATIVE_RADIUS_M =
      Setting.decimal(
          "mining.negative-radius-m",
          25,
          0.001,
          10_000,
          "metres",
          "Definite negatives of a query: database images farther than this. Images between the"
              + " two radii are neither (soft positives). Also the Recall@N success radius.");

  public static final Setting<String> POSITIVE_NEEDS_OTHER_DATE =
      Setting.choice(
          "mining.positive-needs-other-date",
          "auto",
          List.of("auto", "true", "false"),
          "Time Machine supervision: a positive must have another capture date than its query."
              + " Same-date images within the positive radius are then neither positive nor"
              + " negative, and rows without a capture date cannot be positives. auto turns it on"
              + " when an input is a dbStruct spec with time stamps (Tokyo Time Machine, whose"
              + " queries are database panoramas: without it a query's own picture is its"
              + " positive).");

  public static final Setting<Double> TILE_SIZE_M =
      Setting.decimal(
          "mining.tile-size-m",
          500,
          1,
          1_000_000,
          "metres",
          "Side of the square tiles that geo-bucketed mining works on; database images within the"
              + " negative radius of a tile's edge are copied into it. Must be at least twice the"
              + " negative radius.");

  public static final Setting<Long> ROWS_PER_PARTITION =
      Setting.whole(
          "mining.rows-per-partition",
          250_000,
          1_000,
          100_000_000,
          "rows",
          "Target number of panoramas per Spark partition when mining and when looking for"
              + " repeated image ids; more rows give fewer, larger tasks.");

  public static final Setting<Long> RENDER_SEED =
      Setting.whole("render.seed", 1, 0, Long.MAX_VALUE, "", "Seed of the synthetic city: the same seed renders the same images.");

  public static final Setting<Long> RENDER_IMAGES =
      Setting.whole(
          "render.images",
          5_000,
          10,
          100_000_000,
          "images",
          "About how many images render-city lays out on its own street grid (the area grows to hold"
              + " them at one place every 12 m of street, two database dates looking both ways and"
              + " half the places with a query from a third date).");

  public static final Setting<Long> RENDER_WIDTH_PX =
      Setting.whole("render.width-px", 160, 16, 4096, "pixels", "Width of rendered images.");

  public static final Setting<Long> RENDER_HEIGHT_PX =
      Setting.whole("render.height-px", 120, 12, 4096, "pixels", "Height of rendered images.");

  public static final Setting<Double> RENDER_BLOCK_M =
      Setting.decimal("render.block-m", 100, 30, 1000, "metres", "Distance between the synthetic city's street centre lines.");

  public static final Setting<Double> RENDER_STREET_WIDTH_M =
      Setting.decimal(
          "render.street-width-m", 20, 5, 200, "metres", "Width between facing building lines; must be 10 m below render.block-m.");

  public static final Setting<Double> RENDER_ORIGIN_LAT =
      Setting.decimal("render.origin-lat", 40.4406, -79, 83, "degrees", "WGS84 latitude of the rendered street grid's south-west corner.");

  public static final Setting<Double> RENDER_ORIGIN_LON =
      Setting.decimal("render.origin-lon", -79.9959, -180, 180, "degrees", "WGS84 longitude of the rendered street grid's south-west corner.");

  public static final Setting<Long> RENDER_IMAGES_PER_TASK =
      Setting.whole(
          "render.images-per-task",
          2_000,
          1,
          10_000_000,
          "images",
          "Images one Spark task renders; the output does not depend on it.");

  private static final List<Setting<?>> ALL = concat(List.of(
          LOCK_STALE_AFTER_S,
          MAX_REJECTED_FRACTION,
          ALLOWED_IMAGE_ROOTS,
          MAX_IMAGE_PIXELS,
          DEFAULT_ROLE,
          DEFAULT_SPLIT,
          DBSTRUCT_UTM_ZONE,
          DBSTRUCT_DATABASE_FOLDER,
          DBSTRUCT_QUERY_FOLDER,
          CONDITIONS,
          FRAME_ZONE,
          MAX_FRAME_OFFSET_DEG,
          POSITIVE_RADIUS_M,
          NEGATIVE_RADIUS_M,
          POSITIVE_NEEDS_OTHER_DATE,
          TILE_SIZE_M,
          ROWS_PER_PARTITION,
          RENDER_SEED,
          RENDER_IMAGES,
          RENDER_WIDTH_PX,
          RENDER_HEIGHT_PX,
          RENDER_BLOCK_M,
          RENDER_STREET_WIDTH_M,
          RENDER_ORIGIN_LAT,
          RENDER_ORIGIN_LON,
          RENDER_IMAGES_PER_TASK), ModelSettings.ALL, TrainSettings.ALL, EvalSettings.ALL, NightlySettings.ALL);

  @SafeVarargs
  private static List<Setting<?>> concat(List<Setting<?>>... lists) {
    List<Setting<?>> all = new ArrayList<>();
    for (List<Setting<?>> l : lists) {
      all.addAll(l);
    }
    return List.copyOf(all);
  }

  private static final Map<String, Setting<?>> BY_KEY = index();

  private Settings() {}

  /** Every setting, in documentation order. */
  public static List<Setting<?>> all() {
    return ALL;
  }

  /** How long a lock held from another host may stay silent before it is taken over. */
  public static java.time.Duration lockStaleAfter(PipelineConfig config) {
    return java.time.Duration.ofSeconds(config.get(LOCK_STALE_AFTER_S));
  }

  /** The setting with this key, or a {@link ConfigException} that names the key. */
  public static Setting<?> byKey(String key, String origin) {
    Setting<?> setting = BY_KEY.get(key);
    if (setting == null) {
      throw new ConfigException(
          "unknown setting '" + key + "' (" + origin + "); see conf/pipeline.conf for the list");
    }
    return setting;
  }

  /**
   * Refuses settings that are each valid but do not make sense together.
   *
   * @throws ConfigException naming every setting involved
   */
  public static void checkConsistency(PipelineConfig config) {
    List<String> problems = new ArrayList<>();
    double positive = config.get(POSITIVE_RADIUS_M);
    double negative = config.get(NEGATIVE_RADIUS_M);
    if (!(positive < negative)) {
      problems.add(
          POSITIVE_RADIUS_M.key()
              + " ("
              + positive
              + ") must be below "
              + NEGATIVE_RADIUS_M.key()
              + " ("
              + negative
              + ")");
    }
    double tile = config.get(TILE_SIZE_M);
    if (tile < 2 * negative) {
      problems.add(
          TILE_SIZE_M.key()
              + " ("
              + tile
              + ") must be at least twice "
              + NEGATIVE_RADIUS_M.key()
              + " ("
              + negative
              + ")");
    }
    double block = config.get(RENDER_BLOCK_M);
    double street = config.get(RENDER_STREET_WIDTH_M);
    if (!(street + 10 < block)) {
      problems.add(
          RENDER_STREET_WIDTH_M.key() + " (" + street + ") must be 10 m below " + RENDER_BLOCK_M.key() + " (" + block + ")");
    }
    problems.addAll(modelProblems(config));
    long watched = config.get(NightlySettings.RECALL_AT);
    if (java.util.Arrays.stream(TrainSettings.recallAt(config)).noneMatch(n -> n == watched)) {
      problems.add(NightlySettings.RECALL_AT.key() + " (" + watched + ") must be one of " + TrainSettings.RECALL_AT.key() + " ("
          + config.get(TrainSettings.RECALL_AT) + ")");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException("inconsistent settings: " + String.join("; ", problems));
    }
  }

  private static List<String> modelProblems(PipelineConfig config) {
    List<String> problems = new ArrayList<>();
    try {
      modelSpec(config);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage() + " (model.backbone, model.height-px, model.width-px, model.train-from)");
    }
    if (config.get(ModelSettings.BACKBONE).equals("vgg16") && config.get(ModelSettings.BACKBONE_WEIGHTS).isEmpty()) {
      problems.add("model.backbone = vgg16 needs model.backbone-weights (a DL4J model zip or a Keras HDF5 file of VGG16; nothing is downloaded)");
    }
    return problems;
  }

  /** The network the model.* settings describe. */
  public static org.netvlad.common.model.ModelSpec modelSpec(PipelineConfig config) {
    return new org.netvlad.common.model.ModelSpec(
        org.netvlad.common.model.Backbone.parse(config.get(ModelSettings.BACKBONE)),
        org.netvlad.common.model.Pooling.parse(config.get(ModelSettings.POOLING)),
        Math.toIntExact(config.get(ModelSettings.CLUSTERS)),
        Math.toIntExact(config.get(ModelSettings.HEIGHT_PX)),
        Math.toIntExact(config.get(ModelSettings.WIDTH_PX)),
        config.get(ModelSettings.MARGIN),
        config.get(ModelSettings.TRAIN_FROM),
        config.get(ModelSettings.INTRA_NORM_EPS));
  }

  private static String zoneOrAuto(String text) {
    if (!ZONE.matcher(text.trim()).matches()) {
      throw new IllegalArgumentException("not a UTM zone");
    }
    return text.trim();
  }

  private static String relativeFolder(String text) {
    String t = text.trim();
    if (t.startsWith("/") || t.contains("..") || !t.isEmpty() && !t.endsWith("/")) {
      throw new IllegalArgumentException("not a relative folder ending in /");
    }
    return t;
  }

  private static Map<String, Setting<?>> index() {
    Map<String, Setting<?>> map = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      if (map.put(s.key(), s) != null) {
        throw new IllegalStateException("setting declared twice: " + s.key());
      }
    }
    return Collections.unmodifiableMap(map);
  }
}
