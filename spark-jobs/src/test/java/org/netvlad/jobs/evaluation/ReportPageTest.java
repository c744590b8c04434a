package org.netvlad.jobs.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page: labels, ids, paths and reasons holding markup come out as text; Recall@N per condition
 * is a table per grouping; thumbnails and placeholders are where the examples say; the one script
 * is the one the Content-Security-Policy allows.
 */
class ReportPageTest {
  static final String SCRIPT = "<script>alert(1)</script>";
  static final String ATTRIBUTE = "\"><img src=x onerror=alert(2)>";
  static final String THUMB = "data:image/jpeg;base64,AAAA";

  /**
   * A page whose every label, id and path carries markup, with two examples and a table by
   * condition.
   */
  static String page() {
    List<EvaluationReport.Entry> entries =
        List.of(
            new EvaluationReport.Entry(
                SCRIPT, new double[] {0.25, 0.5, 0.625, 0.75, 0.875}, "about " + ATTRIBUTE),
            new EvaluationReport.Entry("untrained", new double[] {0.125, 0.25}, "the baseline"));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("label", SCRIPT);
    metrics.put("split", "test");
    metrics.put("queries", 8);
    metrics.put("database_images", 40);
    metrics.put(
        ReportPage.BY_CONDITION,
        Map.of(
            "condition",
            byCondition(),
            "capture_" + SCRIPT,
            Map.of("2015-06", entry(3, 1.0, 1.0))));
    QueryMap.Points points =
        new QueryMap.Points(
            new double[] {0, 100},
            new double[] {0, 100},
            new double[] {0},
            new double[] {0},
            new int[] {0});
    Thumbnails.Thumbnail shown = new Thumbnails.Thumbnail(THUMB, null);
    Thumbnails.Thumbnail failed =
        new Thumbnails.Thumbnail(null, "cannot read image " + SCRIPT + ".png");
    ReportExamples.Shown query =
        new ReportExamples.Shown("q" + ATTRIBUTE, "city/" + SCRIPT + ".png", shown);
    ReportExamples.Example missed =
        new ReportExamples.Example(
            query,
            0,
            List.of(
                new ReportExamples.Retrieved(
                    1, new ReportExamples.Shown("d1", "d1.png", shown), false, 180.25, 0.91234),
                new ReportExamples.Retrieved(
                    2,
                    new ReportExamples.Shown("d2" + SCRIPT, "d2.png", failed),
                    false,
                    60,
                    0.95)));
    ReportExamples.Example found =
        new ReportExamples.Example(
            new ReportExamples.Shown("q2", "q2.png", shown),
            1,
            List.of(
                new ReportExamples.Retrieved(
                    1, new ReportExamples.Shown("d3", "d3.png", shown), true, 4.5, 0.5)));
    ReportDetails details =
        new ReportDetails(QueryMap.png(points, 5), List.of(missed, found), 5, 25);
    return ReportPage.html(
        entries, new int[] {1, 5}, metrics, EvaluationReport.curvePng(entries), details);
  }

  private static Map<String, Object> byCondition() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("day", entry(5, 0.6, 0.8));
    out.put("night" + ATTRIBUTE, entry(3, 0.0, 1.0 / 3));
    return out;
  }

  private static Map<String, Object> entry(long queries, double r1, double r5) {
    return Map.of("queries", queries, "recall_at", Map.of("1", r1, "5", r5));
  }

  @Test
  void markupInLabelsIdsAndPathsIsText() {
    String html = page();
    assertFalse(html.contains(SCRIPT), "no raw <script>alert(1)</script>");
    assertFalse(html.contains("<img src=x"), "no raw injected image");
    assertFalse(html.contains("onerror=alert(2)>"), "no attribute or element broken out of");
    assertTrue(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the label is shown as text");
    assertTrue(
        html.contains("q&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"),
        "the image id is shown as text");
    assertTrue(
        html.contains("title=\"city/&lt;script&gt;alert(1)&lt;/script&gt;.png\""),
        "the path, escaped in its attribute");
    assertEquals(1, count(html, "<script"), "only the page's own script");
  }

  @Test
  void theContentSecurityPolicyAllowsExactlyThePagesScript() throws Exception {
    String html = page();
    Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
    assertTrue(script.find());
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
    assertTrue(
        html.contains("script-src 'sha256-" + hash + "'"), "the policy names the script's hash");
    assertTrue(
        html.contains("default-src 'none'; img-src data:;"), "pictures only from the page itself");
  }

  @Test
  void recallByConditionIsATablePerGrouping() {
    String html = page();
    assertEquals(2, count(html, "<table class=\"by-condition\">"));
    assertTrue(
        html.contains(
            "<tr><td"
                + " style=\"text-align:left\">day</td><td>5</td><td>60.0%</td><td>80.0%</td></tr>"),
        html);
    assertTrue(html.contains("<td>0.0%</td><td>33.3%</td>"));
    assertTrue(html.contains("<h3>by capture_&lt;script&gt;"));
    assertFalse(html.contains("<th>recall_by_condition</th>"), "not repeated as a raw fact");
  }

  @Test
  void thumbnailsPlaceholdersAndMarksAreWhereTheExamplesSay() {
    String html = page();
    assertEquals(
        4,
        count(html, "<img class=\"thumb\" src=\"" + THUMB + "\""),
        "two queries and two readable results");
    assertEquals(
        1, count(html, "<div class=\"missing\">image not shown: cannot read image &lt;script&gt;"));
    assertEquals(2, count(html, "<figure class=\"wrong\""));
    assertEquals(1, count(html, "<figure class=\"correct\""));
    assertTrue(
        html.contains(
            "#1 <span class=\"verdict\">&#10007; wrong</span><br>180.3 m away<br>descriptor"
                + " distance 0.912"),
        html);
    assertTrue(html.contains("missed: no correct image among the nearest 5"));
    assertTrue(html.contains("found at rank 1"));
    assertTrue(html.indexOf("missed:") < html.indexOf("found at rank 1"), "failures first");
    assertTrue(html.contains("<table id=\"recall\">"));
    assertTrue(
        html.contains("<tr><td>5</td><td>87.5%</td><td>&ndash;</td></tr>"),
        "a curve shorter than N shows a dash");
    assertEquals(
        2, count(html, "src=\"data:image/png;base64,"), "the curves and the map, inside the page");
  }

  @Test
  void noMapOrExamplesSectionWithoutThem() {
    String html =
        ReportPage.html(
            List.of(new EvaluationReport.Entry("a", new double[] {0.5}, "b")),
            new int[] {1},
            Map.of(),
            EvaluationReport.curvePng(
                List.of(new EvaluationReport.Entry("a", new double[] {0.5}, "b"))),
            new ReportDetails(null, List.of(), 1, 25));
    assertFalse(html.contains("Example retrievals"));
    assertFalse(html.contains("id=\"map\""));
    assertFalse(html.contains("by condition"));
  }

  static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
