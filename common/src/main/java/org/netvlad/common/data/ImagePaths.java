package org.netvlad.common.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a manifest's image path may point. A manifest is data, often from someone else, so a path
 * is read only inside the image root or under a root the user allowed:
 *
 * <ul>
 *   <li>a relative path is under the image root; after resolving {@code .} and {@code ..} it must
 *       stay inside it;
 *   <li>an absolute path ({@code /srv/x.png}) or a URI with a scheme ({@code file:}, {@code hdfs:},
 *       {@code http:}…) is accepted only when it lies under the image root itself or under one of
 *       the allowed roots ({@code ingest.allowed-image-roots}), compared segment by segment after
 *       resolving {@code .} and {@code ..}. An allowed root that is a bare scheme ({@code https:})
 *       allows every location of that scheme.
 * </ul>
 *
 * <p>Scheme, authority and path are split as Hadoop's {@code Path} splits them (a colon before the
 * first slash starts a scheme), so what is checked is what would be opened. Percent escapes are not
 * decoded: Hadoop does not decode them either ({@code %2e%2e} names a file called that).
 */
public final class ImagePaths implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String imageRoot;
  private final List<String> allowedRoots;
  private final List<Root> roots = new ArrayList<>();

  /**
   * @param imageRoot the image root relative paths are under (any Hadoop path or URI)
   * @param allowedRoots further absolute roots or URI prefixes that paths may point into
   * @throws IllegalArgumentException naming an allowed root that is not absolute or has '..'
   */
  public ImagePaths(String imageRoot, List<String> allowedRoots) {
    this.imageRoot = imageRoot;
    this.allowedRoots = List.copyOf(allowedRoots);
    if (isAbsolute(imageRoot)) {
      roots.add(
          Root.parseLocation(imageRoot)); // the user's own root: its '..' resolved, not refused
    }
    for (String allowed : allowedRoots) {
      roots.add(Root.parse(allowed));
    }
  }

  public String imageRoot() {
    return imageRoot;
  }

  /** Where a path points: under the image root (normalised, relative) or elsewhere (as given). */
  public record Location(String relative, String absolute) {
    public boolean underImageRoot() {
      return relative != null;
    }
  }

  /**
   * @throws OutsideRootException naming the path and the roots when it may not be read
   */
  public Location locate(String path) {
    if (!isAbsolute(path)) {
      return new Location(relativeInsideRoot(path), null);
    }
    Root location = Root.parseLocation(path);
    for (Root root : roots) {
      if (root.contains(location)) {
        return new Location(null, path);
      }
    }
    throw new OutsideRootException(
        "path '"
            + path
            + "' is outside the image root "
            + imageRoot
            + " and ingest.allowed-image-roots ("
            + (allowedRoots.isEmpty() ? "empty" : String.join("; ", allowedRoots))
            + ")");
  }

  /** The reason a path may not be read, or null when it may. */
  public String problem(String path) {
    try {
      locate(path);
      return null;
    } catch (OutsideRootException e) {
      return e.getMessage();
    }
  }

  /**
   * The roots of an {@code ingest.allowed-image-roots} value: separated by ';', each an absolute
   * path, a URI prefix or a bare scheme ({@code https:}), none with '..'.
   *
   * @throws IllegalArgumentException naming the first bad root
   */
  public static List<String> allowedRoots(String setting) {
    List<String> out = new ArrayList<>();
    for (String part : setting.split(";")) {
      if (!part.isBlank()) {
        Root.parse(part);
        out.add(part.trim());
      }
    }
    return out;
  }

  /**
   * Absolute: a leading slash, or a colon before the first slash (Hadoop reads that as a scheme).
   */
  public static boolean isAbsolute(String path) {
    int colon = path.indexOf(':');
    int slash = path.indexOf('/');
    return path.startsWith("/") || colon >= 0 && (slash < 0 || colon < slash);
  }

  private String relativeInsideRoot(String path) {
    if (isPlainRelative(path)) {
      return path; // what the segment walk below returns for it, without splitting (most paths)
    }
    List<String> kept = new ArrayList<>();
    for (String segment : path.split("/", -1)) {
      if (isBackslashClimb(segment)) {
        throw new OutsideRootException(
            "path '" + path + "' climbs with '..' between backslashes, a Windows separator");
      }
      if (segment.equals("..")) {
        if (kept.isEmpty()) {
          throw new OutsideRootException(
              "path '" + path + "' leaves the image root " + imageRoot + " with '..'");
        }
        kept.remove(kept.size() - 1);
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        kept.add(segment);
      }
    }
    if (kept.isEmpty()) {
      throw new OutsideRootException(
          "path '"
              + path
              + "' names the image root "
              + imageRoot
              + " itself, not a file inside it");
    }
    return String.join("/", kept);
  }

  /** A relative path with no empty, "." or ".." segment and no backslash: already normal. */
  static boolean isPlainRelative(String path) {
    return !path.isEmpty()
        && path.indexOf('\\') < 0
        && !path.startsWith("/")
        && !path.endsWith("/")
        && !path.contains("//")
        && !path.equals(".")
        && !path.equals("..")
        && !path.startsWith("./")
        && !path.startsWith("../")
        && !path.contains("/./")
        && !path.contains("/../")
        && !path.endsWith("/.")
        && !path.endsWith("/..");
  }

  // on a Windows host Hadoop turns backslashes into separators
  private static boolean isBackslashClimb(String segment) {
    return segment.contains("\\") && List.of(segment.split("\\\\", -1)).contains("..");
  }

  /** A path may not be read; the message names it. */
  public static final class OutsideRootException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    OutsideRootException(String message) {
      super(message);
    }
  }

  /** Scheme (lower case, "" for none), authority ("" for none) and normalised path segments. */
  private record Root(String scheme, String authority, List<String> segments, boolean wholeScheme)
      implements Serializable {
    /** An allowed root; refuses relative ones and '..'. */
    static Root parse(String text) {
      String t = text.trim();
      if (t.matches("[A-Za-z][A-Za-z0-9+.-]*:(//)?")) {
        return new Root(
            t.substring(0, t.indexOf(':')).toLowerCase(Locale.ROOT), "", List.of(), true);
      }
      if (!isAbsolute(t)) {
        throw new IllegalArgumentException("'" + text + "' is not an absolute path or a URI");
      }
      for (String segment : t.split("[/\\\\]")) {
        if (segment.equals("..")) {
          throw new IllegalArgumentException("'" + text + "' contains '..'");
        }
      }
      return parseLocation(t);
    }

    /** An absolute location; '..' is resolved, and refused where it climbs above the top. */
    static Root parseLocation(String text) {
      int colon = text.indexOf(':');
      int slash = text.indexOf('/');
      String scheme = "";
      int start = 0;
      if (colon >= 0 && (slash < 0 || colon < slash)) {
        scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        start = colon + 1;
      }
      String authority = "";
      if (text.startsWith("//", start) && text.length() - start > 2) {
        int next = text.indexOf('/', start + 2);
        int end = next > 0 ? next : text.length();
        authority = text.substring(start + 2, end).toLowerCase(Locale.ROOT);
        start = end;
      }
      List<String> segments = new ArrayList<>();
      for (String segment : text.substring(start).split("/", -1)) {
        if (isBackslashClimb(segment)) {
          throw new OutsideRootException(
              "path '" + text + "' climbs with '..' between backslashes, a Windows separator");
        }
        if (segment.equals("..")) {
          if (segments.isEmpty()) {
            throw new OutsideRootException(
                "path '" + text + "' climbs above the top of its file system with '..'");
          }
          segments.remove(segments.size() - 1);
        } else if (!segment.isEmpty() && !segment.equals(".")) {
          segments.add(segment);
        }
      }
      return new Root(scheme, authority, segments, false);
    }

    boolean contains(Root location) {
      if (!scheme.equals(location.scheme)) {
        return false;
      }
      if (wholeScheme) {
        return true;
      }
      return authority.equals(location.authority)
          && location.segments.size() > segments.size()
          && location.segments.subList(0, segments.size()).equals(segments);
    }
  }
}
