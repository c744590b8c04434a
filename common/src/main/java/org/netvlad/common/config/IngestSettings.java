package org.netvlad.common.config;

import java.util.List;

/**
 * Settings of reading the inputs: rejected rows, image roots and sizes, manifest and dbStruct
 * defaults, conditions.
 */
public final class IngestSettings {
  private IngestSettings() {}

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
              + " in it after resolving . and .., and an absolute path or URI must lie under it."
              + " List here the other roots manifests may point into, written as the manifests"
              + " write them (/srv/img and file:/srv/img differ); a bare scheme such as https:"
              + " allows all of it. Other rows are rejected (path_outside_image_root), and the jobs"
              + " that read images check the rule again with the roots mine-tuples recorded.");

  public static final Setting<Long> MAX_IMAGE_PIXELS =
      Setting.whole(
          "ingest.max-image-pixels",
          50_000_000,
          1,
          Integer.MAX_VALUE,
          "pixels (width x height)",
          "Images larger than this are not decoded (their size is read from the file's header) and"
              + " are set aside as unreadable by train-netvlad and extract-and-evaluate: a small"
              + " file can claim a huge image. 50 million lets through 8192x4096 panoramas and 24"
              + " MP photographs and bounds a decode at about 600 MB (16-bit RGBA raster plus the"
              + " RGB copy); full 16384x8192 Street View panoramas need 134 million.");

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
          GeoSettings::zoneOrAuto,
          "UTM zone of the positions in dbStruct .mat files, which do not store it. auto knows"
              + " Pittsburgh (pitts*.mat: 17T) and Tokyo (tokyo*.mat: 54S).");

  public static final Setting<String> DBSTRUCT_DATABASE_FOLDER =
      Setting.text(
          "ingest.dbstruct-database-folder",
          "images/",
          "a relative folder ending in /, or empty",
          IngestSettings::relativeFolder,
          "Folder, under the image root, of the database images a dbStruct .mat names (images/ in"
              + " the NetVLAD reference layout).");

  public static final Setting<String> DBSTRUCT_QUERY_FOLDER =
      Setting.text(
          "ingest.dbstruct-query-folder",
          "auto",
          "auto, a relative folder ending in /, or empty",
          text -> "auto".equals(text.trim()) ? "auto" : relativeFolder(text),
          "Folder, under the image root, of the query images a dbStruct .mat names. auto follows"
              + " the NetVLAD reference layout: queries/ for Pittsburgh (pitts*.mat), images/ for"
              + " Tokyo Time Machine (tokyoTM*.mat, whose queries are database panoramas), else"
              + " queries/.");

  public static final Setting<String> CONDITIONS =
      Setting.text(
          "ingest.conditions",
          "",
          "empty, or the path or URI of a CSV file",
          String::trim,
          "Capture conditions kept apart from the inputs: a CSV file with a header naming path (the"
              + " image's path as the input writes it; for a dbStruct, the query or database folder"
              + " and the file name, e.g. queries/00001.jpg) or image_id, and condition (e.g. day,"
              + " sunset, night). Evaluation reports Recall@N per condition; a listed condition"
              + " wins over a row's own. Every listed image must be in the inputs.");

  static final List<Setting<?>> ALL =
      List.of(
          MAX_REJECTED_FRACTION,
          ALLOWED_IMAGE_ROOTS,
          MAX_IMAGE_PIXELS,
          DEFAULT_ROLE,
          DEFAULT_SPLIT,
          DBSTRUCT_UTM_ZONE,
          DBSTRUCT_DATABASE_FOLDER,
          DBSTRUCT_QUERY_FOLDER,
          CONDITIONS);

  private static String relativeFolder(String text) {
    String t = text.trim();
    if (t.startsWith("/") || t.contains("..") || !t.isEmpty() && !t.endsWith("/")) {
      throw new IllegalArgumentException("not a relative folder ending in /");
    }
    return t;
  }
}
