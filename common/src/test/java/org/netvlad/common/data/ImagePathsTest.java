package org.netvlad.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every form of path that could leave the image root, and the opt-in allow-list. */
class ImagePathsTest {
  private final ImagePaths local = new ImagePaths("/data/images", List.of());

  @Test
  void relativePathsStayInsideTheRootAfterResolvingDots() {
    assertEquals("000/a.jpg", local.locate("000/a.jpg").relative());
    assertEquals("000/a.jpg", local.locate("./000//./a.jpg").relative());
    assertEquals("b/a.jpg", local.locate("000/../b/a.jpg").relative());
    assertEquals(
        "dir/a:b.png",
        local.locate("dir/a:b.png").relative(),
        "a colon after the first slash is part of a name");
    assertEquals(
        "%2e%2e/x.png",
        local.locate("%2e%2e/x.png").relative(), "percent escapes are names, as Hadoop opens them");
    assertTrue(local.locate("a.jpg").underImageRoot());
  }

  @Test
  void everyEscapeIsRefusedNamingThePath() {
    for (String escape :
        List.of(
            "../../../../etc/passwd",
            "..",
            ".", // the root itself is not a file inside it
            "a/..",
            "000/../../etc/passwd",
            "a/b/../../../x.png",
            "./../x.png",
            "a\\..\\..\\x.png",
            "/srv/elsewhere/secret.png",
            "/data/images/../secret.png", // absolute and inside by prefix, outside after
            // normalisation
            "/data/images", // the root itself is not an image inside it
            "/data/images-private/x.png", // a prefix of the name is not a parent folder
            "//evil-host/data/images/x.png", // an authority, as Hadoop reads '//'
            "file:///etc/hostname",
            "file:/data/images/x.png", // another form of the root: allowed only when listed as such
            "http://127.0.0.1:8765/secret.png",
            "HTTPS://example.com/x.png",
            "hdfs://namenode/data/images/x.png",
            "c:x.png", // a colon before the first slash is a scheme to Hadoop
            "/../etc/passwd")) {
      ImagePaths.OutsideRootException e =
          assertThrows(ImagePaths.OutsideRootException.class, () -> local.locate(escape), escape);
      assertTrue(e.getMessage().contains("'" + escape + "'"), e.getMessage());
      assertEquals(e.getMessage(), local.problem(escape));
    }
    assertEquals(
        "path '../x.png' leaves the image root /data/images with '..'", local.problem("../x.png"));
    assertEquals(
        "path '/../etc/passwd' climbs above the top of its file system with '..'",
        local.problem("/../etc/passwd"));
  }

  @Test
  void absolutePathsUnderTheImageRootAreInside() {
    assertEquals("/data/images/000/a.jpg", local.locate("/data/images/000/a.jpg").absolute());
    assertEquals(
        "/data/images/./000/../a.jpg", local.locate("/data/images/./000/../a.jpg").absolute());
    ImagePaths hdfs = new ImagePaths("hdfs://NameNode:8020/data/images/", List.of());
    assertNull(
        hdfs.problem("hdfs://namenode:8020/data/images/x.png"),
        "scheme and host compare case-insensitively");
    assertTrue(
        hdfs.problem("hdfs://other:8020/data/images/x.png")
            .contains("outside the image root hdfs://NameNode:8020/data/images/"));
    assertTrue(hdfs.problem("s3a://namenode:8020/data/images/x.png") != null);
    assertNull(
        new ImagePaths("/data/x/../images", List.of()).problem("/data/images/a.jpg"),
        "the root's own '..' is resolved");
    ImagePaths relativeRoot = new ImagePaths("in", List.of());
    assertEquals("x.png", relativeRoot.locate("x.png").relative());
    assertTrue(
        relativeRoot.problem("/in/x.png") != null,
        "an absolute path cannot lie under a relative root");
  }

  @Test
  void theAllowListOpensRootsAndSchemesAndNothingElse() {
    ImagePaths paths =
        new ImagePaths(
            "/data/images",
            ImagePaths.allowedRoots(" /srv/elsewhere/ ; s3a://bucket/photos;https: "));
    assertNull(paths.problem("/srv/elsewhere/secret.png"));
    assertNull(paths.problem("/srv/elsewhere/a/../b.png"));
    assertTrue(paths.problem("/srv/elsewhere/../secret.png") != null);
    assertTrue(paths.problem("/srv/elsewhere-too/x.png") != null);
    assertNull(paths.problem("s3a://bucket/photos/2015/x.jpg"));
    assertTrue(paths.problem("s3a://bucket/other/x.jpg") != null);
    assertNull(paths.problem("https://cdn.example.com/x.jpg"), "a bare scheme allows all of it");
    assertTrue(paths.problem("http://cdn.example.com/x.jpg") != null, "but not another scheme");
    assertTrue(
        paths
            .problem("file:///etc/hostname")
            .endsWith("ingest.allowed-image-roots (/srv/elsewhere/; s3a://bucket/photos; https:)"));
    assertTrue(paths.problem("../x.png") != null, "relative paths still may not climb");
  }

  @Test
  void allowedRootsMustBeAbsoluteWithoutDots() {
    assertEquals(List.of(), ImagePaths.allowedRoots(" ; "));
    for (String bad : List.of("images/", "/srv/../etc", "s3a://bucket/..", "c:\\..\\x")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> ImagePaths.allowedRoots("/ok;" + bad), bad);
      assertTrue(e.getMessage().contains(bad.trim()), e.getMessage());
    }
  }

  /**
   * Random relative paths resolve as an independent segment walk says (the plain ones unchanged).
   */
  @Test
  void relativePathsResolveAsASegmentWalkDoes() {
    String[] pieces = {"a", "b.jpg", "..", ".", "", "x\\..", "c\\d", "..x", ".e"};
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    int plain = 0;
    for (int n = 0; n < 20_000; n++) {
      int segments = 1 + r.nextInt(5);
      StringBuilder path = new StringBuilder(pieces[r.nextInt(pieces.length)]);
      for (int i = 1; i < segments; i++) {
        path.append('/').append(pieces[r.nextInt(pieces.length)]);
      }
      String p = path.toString();
      if (p.startsWith("/")) {
        continue; // absolute: another rule
      }
      String expected = walk(p);
      String actual;
      try {
        actual = local.locate(p).relative();
      } catch (ImagePaths.OutsideRootException e) {
        actual = null;
      }
      assertEquals(expected, actual, p);
      plain += ImagePaths.isPlainRelative(p) ? 1 : 0;
    }
    assertTrue(plain > 1000, "too few plain paths drawn: " + plain);
  }

  /** The normal form of a relative path, or null when it leaves the root or names it. */
  private static String walk(String path) {
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (List.of(segment.split("\\\\", -1)).contains("..") && segment.contains("\\")) {
        return null;
      }
      if (segment.equals("..")) {
        if (kept.pollLast() == null) {
          return null;
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        kept.addLast(segment);
      }
    }
    return kept.isEmpty() ? null : String.join("/", kept);
  }
}
