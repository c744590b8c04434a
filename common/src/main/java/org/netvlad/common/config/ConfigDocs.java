package org.netvlad.common.config;

/**
 * The text of {@code conf/pipeline.conf}: every setting with its meaning, unit, allowed values and
 * default. A test keeps the committed file equal to this text.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  public static String pipelineConf() {
    StringBuilder b = new StringBuilder();
    b.append("# netvlad-spark pipeline settings.\n");
    b.append("#\n");
    b.append("# Every setting, its default, unit and meaning. Jobs read this file by default\n");
    b.append(
        "# (--config FILE for another); --set key=value on a job's command line overrides one.\n");
    b.append(
        "# Lines are 'key = value'; '#' starts a comment. Unknown keys, and keys given twice,\n");
    b.append("# are refused.\n");
    String section = "";
    for (Setting<?> s : Settings.all()) {
      String prefix = s.key().substring(0, s.key().indexOf('.'));
      if (!prefix.equals(section)) {
        section = prefix;
        b.append("\n# ---- ").append(section).append(" ----\n");
      }
      b.append("\n");
      for (String line : wrap(s.meaning(), 88)) {
        b.append("# ").append(line).append("\n");
      }
      b.append("# Unit: ").append(s.unit().isEmpty() ? "-" : s.unit());
      b.append(". Allowed: ").append(s.allowed()).append(".\n");
      b.append(s.key()).append(" = ").append(s.defaultText()).append("\n");
    }
    return b.toString();
  }

  private static java.util.List<String> wrap(String text, int width) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    if (line.length() > 0) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** Prints the file's text; {@code submit/} does not need this, developers regenerate with it. */
  public static void main(String[] args) {
    System.out.print(pipelineConf());
  }
}
