package org.netvlad.jobs.evaluation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * evaluation/report.html, one self-contained file (pictures as data: URIs): Recall@N of this and
 * the compared evaluations, Recall@N per condition when metrics.json has it, the map of queries by
 * first correct rank, example retrievals, and what was evaluated. Every label, id, path and reason
 * is escaped; a Content-Security-Policy lets only the page's own script run, in case one is not.
 */
public final class ReportPage {
  /**
   * metrics.json's Recall@N per condition: {grouping: {value: {queries, recall_at: {N: recall}}}}.
   */
  static final String BY_CONDITION = "recall_by_condition";

  /**
   * Counts images that did not load and says so on the page, where a user and the browser test see
   * it.
   */
  static final String IMAGE_CHECK_SCRIPT =
      "window.addEventListener('load',function(){var all=document.images,failed=0;for(var"
          + " i=0;i<all.length;i++){if(!all[i].complete||all[i].naturalWidth===0){failed++;}}var"
          + " c=document.getElementById('image-check');c.setAttribute('data-images',all.length);c.setAttribute('data-failed',failed);if(failed>0){c.textContent=failed+'"
          + " images failed to load';c.hidden=false;}});";

  private static final String STYLE =
      "body{font-family:sans-serif;margin:2em;max-width:1150px}table{border-collapse:collapse;margin:.5em"
          + " 0}td,th{border:1px solid #999;padding:4px"
          + " 10px;text-align:right}th{background:#eee}.facts th,.facts"
          + " td{text-align:left}.warning{background:#d62728;color:#fff;padding:.5em"
          + " 1em;font-weight:bold}.chart{max-width:100%}.example{border:1px solid"
          + " #ccc;padding:.5em 1em;margin:1em 0}.example h3{margin:.2em 0 .5em;font-size:1em}"
          + ".row{display:flex;flex-wrap:wrap;gap:10px}figure{margin:0;width:156px;font-size:12px}figure"
          + " img{width:148px;height:auto;border:4px solid #555;display:block}figure.correct"
          + " img{border-color:#2ca02c}figure.wrong"
          + " img{border-color:#d62728}figure.query{margin-right:14px}figcaption{overflow-wrap:anywhere}.missing{width:140px;min-height:80px;border:4px"
          + " dashed #999;background:#f4f4f4;color:#555;padding:4px;overflow-wrap:anywhere}.correct"
          + " .verdict{color:#2ca02c;font-weight:bold}.wrong"
          + " .verdict{color:#d62728;font-weight:bold}";

  private ReportPage() {}

  /**
   * @param metrics what metrics.json holds, less the settings and whole curves: shown as facts
   * @param recallPng the Recall@N curves of {@code entries}
   */
  public static String html(
      List<EvaluationReport.Entry> entries,
      int[] ns,
      Map<String, Object> metrics,
      byte[] recallPng,
      ReportDetails details) {
    StringBuilder b = new StringBuilder(64 * 1024);
    head(b);
    b.append("<h1>Place recognition: Recall@N</h1>\n");
    lead(b, metrics, details);
    b.append("<p id=\"image-check\" class=\"warning\" hidden></p>\n");
    recallTable(b, entries, ns);
    b.append("<p><img class=\"chart\" src=\"")
        .append(Html.dataUri("image/png", recallPng))
        .append("\" alt=\"Recall@N curves\"></p>\n");
    byCondition(b, metrics.get(BY_CONDITION));
    map(b, details);
    examples(b, details);
    evaluated(b, entries, metrics);
    b.append("<script>").append(IMAGE_CHECK_SCRIPT).append("</script>\n</body></html>\n");
    return b.toString();
  }

  private static void head(StringBuilder b) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src"
                + " data:; style-src 'unsafe-inline'; script-src '")
        .append(sha256(IMAGE_CHECK_SCRIPT))
        .append("'\">\n<title>NetVLAD evaluation</title>\n<style>")
        .append(STYLE)
        .append("</style></head><body>\n");
  }

  private static void lead(StringBuilder b, Map<String, Object> m, ReportDetails d) {
    b.append("<p>")
        .append(Html.escape(m.getOrDefault("label", "this evaluation")))
        .append(" on the ")
        .append(Html.escape(m.getOrDefault("split", "?")))
        .append(" split: ")
        .append(Html.escape(m.getOrDefault("queries", "?")))
        .append(" queries against ")
        .append(Html.escape(m.getOrDefault("database_images", "?")))
        .append(" database images. A query is found at N when one of its N")
        .append(" nearest database descriptors (Euclidean) lies within ")
        .append(metres(d.radiusM()))
        .append(" of its position.</p>\n");
  }

  private static void recallTable(StringBuilder b, List<EvaluationReport.Entry> entries, int[] ns) {
    b.append("<h2>Recall@N</h2>\n<table id=\"recall\">\n<tr><th>N</th>");
    for (EvaluationReport.Entry e : entries) {
      b.append("<th>").append(Html.escape(e.label())).append("</th>");
    }
    b.append("</tr>\n");
    for (int n : ns) {
      b.append("<tr><td>").append(n).append("</td>");
      for (EvaluationReport.Entry e : entries) {
        b.append("<td>")
            .append(n <= e.curve().length ? percent(e.curve()[n - 1]) : "&ndash;")
            .append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  /**
   * One table per grouping (condition, capture date, ...): its values as rows, Recall@N as columns.
   */
  @SuppressWarnings("unchecked")
  private static void byCondition(StringBuilder b, Object byCondition) {
    if (!(byCondition instanceof Map<?, ?> groupings) || groupings.isEmpty()) {
      return;
    }
    b.append("<h2>Recall@N by condition</h2>\n");
    for (Map.Entry<?, ?> grouping : groupings.entrySet()) {
      if (!(grouping.getValue() instanceof Map<?, ?> values)) {
        continue;
      }
      TreeSet<Integer> ns = new TreeSet<>();
      values.values().forEach(v -> ns.addAll(recallAt(v).keySet()));
      b.append("<h3>by ")
          .append(Html.escape(grouping.getKey()))
          .append("</h3>\n<table class=\"by-condition\">\n<tr><th>")
          .append(Html.escape(grouping.getKey()))
          .append("</th><th>queries</th>");
      ns.forEach(n -> b.append("<th>R@").append(n).append("</th>"));
      b.append("</tr>\n");
      for (Map.Entry<?, ?> value : values.entrySet()) {
        Object queries = value.getValue() instanceof Map<?, ?> v ? v.get("queries") : null;
        Map<Integer, Object> recall = recallAt(value.getValue());
        b.append("<tr><td style=\"text-align:left\">")
            .append(Html.escape(value.getKey()))
            .append("</td><td>")
            .append(queries == null ? "&ndash;" : Html.escape(queries))
            .append("</td>");
        ns.forEach(
            n ->
                b.append("<td>")
                    .append(
                        recall.get(n) instanceof Number x ? percent(x.doubleValue()) : "&ndash;")
                    .append("</td>"));
        b.append("</tr>\n");
      }
      b.append("</table>\n");
    }
  }

  private static Map<Integer, Object> recallAt(Object value) {
    Map<Integer, Object> out = new TreeMap<>();
    if (value instanceof Map<?, ?> v && v.get("recall_at") instanceof Map<?, ?> at) {
      at.forEach(
          (n, x) -> {
            try {
              out.put(Integer.parseInt(String.valueOf(n)), x);
            } catch (NumberFormatException e) {
              // not an N: left out of the table
            }
          });
    }
    return out;
  }

  private static void map(StringBuilder b, ReportDetails d) {
    if (d.mapPng() == null) {
      return;
    }
    b.append(
            "<h2>Where queries are found</h2>\n"
                + "<p>Every query at its position (frame_easting_m, frame_northing_m), coloured by"
                + " the rank of")
        .append(
            " its first correct database image; database images faint grey behind.</p>\n"
                + "<p><img class=\"chart\" id=\"map\" src=\"")
        .append(Html.dataUri("image/png", d.mapPng()))
        .append("\" alt=\"map of queries by first correct rank\"></p>\n");
  }

  private static void examples(StringBuilder b, ReportDetails d) {
    if (d.examples().isEmpty()) {
      return;
    }
    b.append(
            "<h2>Example retrievals</h2>\n"
                + "<p>Queries drawn by train.seed, those missed at rank 1 first, each beside its ")
        .append(ReportExamples.SHOWN_RANKS)
        .append(" nearest database images: correct (green) when within ")
        .append(metres(d.radiusM()))
        .append(" of the query, with the ground distance and the descriptor distance.</p>\n");
    for (ReportExamples.Example e : d.examples()) {
      b.append("<div class=\"example\">\n<h3>Query ")
          .append(Html.escape(e.query().imageId()))
          .append(": ")
          .append(outcome(e.firstCorrectRank(), d.maxN()))
          .append("</h3>\n<div class=\"row\">\n");
      figure(b, "query", e.query(), "query");
      for (ReportExamples.Retrieved r : e.top()) {
        String verdict = r.correct() ? "&#10003; correct" : "&#10007; wrong";
        String caption =
            String.format(
                Locale.ROOT,
                "#%d <span class=\"verdict\">%s</span><br>%.1f m away<br>descriptor distance %.3f",
                r.rank(),
                verdict,
                r.groundDistanceM(),
                r.descriptorDistance());
        figure(b, r.correct() ? "correct" : "wrong", r.image(), caption);
      }
      b.append("</div>\n</div>\n");
    }
  }

  /**
   * @param caption markup made here; the image's id and path are escaped
   */
  private static void figure(StringBuilder b, String kind, ReportExamples.Shown s, String caption) {
    b.append("<figure class=\"")
        .append(kind)
        .append("\" title=\"")
        .append(Html.escape(s.path()))
        .append("\">");
    if (s.thumbnail().shown()) {
      b.append("<img class=\"thumb\" src=\"")
          .append(s.thumbnail().dataUri())
          .append("\" alt=\"")
          .append(Html.escape(s.imageId()))
          .append("\">");
    } else {
      b.append("<div class=\"missing\">image not shown: ")
          .append(Html.escape(s.thumbnail().failure()))
          .append("</div>");
    }
    b.append("<figcaption>")
        .append(caption)
        .append("<br>")
        .append(Html.escape(s.imageId()))
        .append("</figcaption></figure>\n");
  }

  private static String outcome(int firstCorrectRank, int maxN) {
    return firstCorrectRank == 1
        ? "found at rank 1"
        : firstCorrectRank == 0
            ? "missed: no correct image among the nearest " + maxN
            : "missed at rank 1, first correct at rank " + firstCorrectRank;
  }

  private static void evaluated(
      StringBuilder b, List<EvaluationReport.Entry> entries, Map<String, Object> metrics) {
    b.append("<h2>Evaluated</h2>\n<ul>\n");
    for (EvaluationReport.Entry e : entries) {
      b.append("<li><b>")
          .append(Html.escape(e.label()))
          .append("</b>: ")
          .append(Html.escape(e.about()))
          .append("</li>\n");
    }
    b.append("</ul>\n<h2>This evaluation</h2>\n<table class=\"facts\">\n");
    for (Map.Entry<String, Object> f : metrics.entrySet()) {
      if (!f.getKey().equals(BY_CONDITION)) {
        b.append("<tr><th>")
            .append(Html.escape(f.getKey()))
            .append("</th><td>")
            .append(Html.escape(f.getValue()))
            .append("</td></tr>\n");
      }
    }
    b.append("</table>\n");
  }

  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  private static String metres(double m) {
    return (m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m)) + " m";
  }

  /** The CSP source of an inline script: 'sha256-' and the base64 of its SHA-256. */
  static String sha256(String script) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
