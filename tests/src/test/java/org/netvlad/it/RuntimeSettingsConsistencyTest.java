package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The JVM flags Spark needs on Java 17 and the glibc malloc settings are written in three files,
 * each for the JVMs it starts: the parent pom (tests), submit/lib/common.sh (the wrappers) and
 * conf/spark-defaults.conf (executors). This reads the three as text, without running any of them,
 * and names the file and the setting where they disagree.
 */
class RuntimeSettingsConsistencyTest {
  static final String POM = "pom.xml";
  static final String COMMON_SH = "submit/lib/common.sh";
  static final String SPARK_DEFAULTS = "conf/spark-defaults.conf";

  /** What one file says: its JVM flags (null when it sets none) and its malloc settings. */
  record Declared(String file, Set<String> jvmFlags, Map<String, String> malloc) {}

  @Test
  void theThreeFilesAgree() throws IOException {
    Path root = Jobs.projectRoot();
    List<String> problems =
        disagreements(
            List.of(
                fromPom(Files.readString(root.resolve(POM))),
                fromCommonSh(Files.readString(root.resolve(COMMON_SH))),
                fromSparkDefaults(Files.readString(root.resolve(SPARK_DEFAULTS)))));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void eachFileGivesWhatItDeclares() throws IOException {
    Path root = Jobs.projectRoot();
    Declared pom = fromPom(Files.readString(root.resolve(POM)));
    Declared sh = fromCommonSh(Files.readString(root.resolve(COMMON_SH)));
    Declared conf = fromSparkDefaults(Files.readString(root.resolve(SPARK_DEFAULTS)));
    assertTrue(
        pom.jvmFlags().contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
        pom.jvmFlags().toString());
    assertTrue(
        sh.jvmFlags().contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"),
        sh.jvmFlags().toString());
    for (Declared d : List.of(pom, sh, conf)) {
      assertEquals("1", d.malloc().get("MALLOC_ARENA_MAX"), d.file());
    }
  }

  @Test
  void aCopyThatDiffersIsNamed() throws IOException {
    Path root = Jobs.projectRoot();
    String pom = Files.readString(root.resolve(POM));
    String sh = Files.readString(root.resolve(COMMON_SH));
    String conf = Files.readString(root.resolve(SPARK_DEFAULTS));

    String shWithoutFlag = sh.replaceFirst(" sun\\.nio\\.cs ", " ");
    assertTrue(
        disagreements(List.of(fromPom(pom), fromCommonSh(shWithoutFlag), fromSparkDefaults(conf)))
            .stream()
            .anyMatch(
                p ->
                    p.contains(COMMON_SH)
                        && p.contains("--add-opens=java.base/sun.nio.cs=ALL-UNNAMED")));

    String confOtherArenas =
        conf.replace(
            "spark.executorEnv.MALLOC_ARENA_MAX 1", "spark.executorEnv.MALLOC_ARENA_MAX 4");
    assertTrue(
        disagreements(List.of(fromPom(pom), fromCommonSh(sh), fromSparkDefaults(confOtherArenas)))
            .stream()
            .anyMatch(p -> p.contains(SPARK_DEFAULTS) && p.contains("MALLOC_ARENA_MAX")));

    String pomWithoutTopPad = pom.replaceFirst("\\s*<MALLOC_TOP_PAD_>[^<]*</MALLOC_TOP_PAD_>", "");
    assertTrue(
        disagreements(List.of(fromPom(pomWithoutTopPad), fromCommonSh(sh), fromSparkDefaults(conf)))
            .stream()
            .anyMatch(p -> p.contains(POM) && p.contains("MALLOC_TOP_PAD_")));

    String confWithOwnOptions =
        conf + "spark.executor.extraJavaOptions -XX:+IgnoreUnrecognizedVMOptions\n";
    assertTrue(
        disagreements(
                List.of(fromPom(pom), fromCommonSh(sh), fromSparkDefaults(confWithOwnOptions)))
            .stream()
            .anyMatch(
                p ->
                    p.contains(SPARK_DEFAULTS)
                        && p.contains("--add-opens=java.base/java.lang=ALL-UNNAMED")));

    assertThrows(
        IllegalStateException.class,
        () -> fromCommonSh(sh.replace("NETVLAD_JVM_FLAGS=\"", "NETVLAD_JVM_FLAGS=\"$OTHER ")));
  }

  /**
   * Every flag or malloc setting that one file has and another lacks or sets otherwise, naming both
   * files.
   */
  static List<String> disagreements(List<Declared> files) {
    List<String> problems = new ArrayList<>();
    Set<String> flags = new TreeSet<>();
    files.stream().filter(d -> d.jvmFlags() != null).forEach(d -> flags.addAll(d.jvmFlags()));
    for (Declared d : files) {
      if (d.jvmFlags() == null) {
        continue;
      }
      for (String flag : flags) {
        if (!d.jvmFlags().contains(flag)) {
          problems.add(
              d.file() + " lacks the JVM flag " + flag + ", set in " + holders(files, flag));
        }
      }
    }
    Set<String> names = new TreeSet<>();
    files.forEach(d -> names.addAll(d.malloc().keySet()));
    for (String name : names) {
      for (Declared d : files) {
        String value = d.malloc().get(name);
        List<String> others =
            files.stream()
                .filter(o -> o != d)
                .map(o -> o.file() + " " + o.malloc().get(name))
                .toList();
        if (files.stream()
            .filter(o -> o != d)
            .noneMatch(o -> Objects.equals(o.malloc().get(name), value))) {
          problems.add(
              d.file()
                  + (value == null ? " does not set " + name : " sets " + name + " to " + value)
                  + " ("
                  + String.join(", ", others)
                  + ")");
        }
      }
    }
    return problems;
  }

  private static String holders(List<Declared> files, String flag) {
    return files.stream()
        .filter(d -> d.jvmFlags() != null && d.jvmFlags().contains(flag))
        .map(Declared::file)
        .reduce((a, b) -> a + " and " + b)
        .orElse("");
  }

  /**
   * The parent pom: the spark.jvm.flags property (which surefire's argLine must use) and surefire's
   * MALLOC_* environment.
   */
  static Declared fromPom(String text) {
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      doc =
          factory
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(POM + ": cannot be read as XML: " + e.getMessage(), e);
    }
    Element properties = child(doc.getDocumentElement(), "properties");
    Element jvmFlags = properties == null ? null : child(properties, "spark.jvm.flags");
    if (jvmFlags == null) {
      throw new IllegalStateException(POM + ": no <spark.jvm.flags> property");
    }
    Element surefire = null;
    NodeList plugins = doc.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength() && surefire == null; i++) {
      Element plugin = (Element) plugins.item(i);
      Element artifact = child(plugin, "artifactId");
      if (artifact != null
          && artifact.getTextContent().strip().equals("maven-surefire-plugin")
          && child(plugin, "configuration") != null) {
        surefire = child(plugin, "configuration");
      }
    }
    if (surefire == null
        || child(surefire, "argLine") == null
        || !child(surefire, "argLine").getTextContent().contains("${spark.jvm.flags}")) {
      throw new IllegalStateException(
          POM + ": surefire's <argLine> does not use ${spark.jvm.flags}");
    }
    Map<String, String> malloc = new LinkedHashMap<>();
    Element environment = child(surefire, "environmentVariables");
    if (environment != null) {
      for (Node n = environment.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e && e.getTagName().startsWith("MALLOC_")) {
          malloc.put(e.getTagName(), e.getTextContent().strip());
        }
      }
    }
    return new Declared(
        POM,
        new LinkedHashSet<>(Arrays.asList(jvmFlags.getTextContent().strip().split("\\s+"))),
        malloc);
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static final Pattern ASSIGN = Pattern.compile("NETVLAD_JVM_FLAGS(\\+?)=\"([^\"]*)\"");
  private static final Pattern FOR = Pattern.compile("for (\\w+) in ([^;]*); do");
  private static final Pattern MALLOC_EXPORT =
      Pattern.compile("export (MALLOC_\\w+)=\"\\$\\{\\1:-([^}]*)\\}\"");

  /**
   * submit/lib/common.sh: NETVLAD_JVM_FLAGS as its assignments build it (literal text, and one
   * for-loop variable over a word list), and the defaults of its {@code export
   * MALLOC_X="${MALLOC_X:-value}"} lines.
   */
  static Declared fromCommonSh(String text) {
    String joined = text.replace("\\\n", " ");
    StringBuilder flags = new StringBuilder();
    String loopVariable = null;
    List<String> loopWords = List.of();
    Map<String, String> malloc = new LinkedHashMap<>();
    for (String raw : joined.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#")) {
        continue;
      }
      Matcher loop = FOR.matcher(line);
      if (loop.matches()) {
        loopVariable = loop.group(1);
        loopWords = Arrays.asList(loop.group(2).strip().split("\\s+"));
        continue;
      }
      if (line.equals("done")) {
        loopVariable = null;
        continue;
      }
      Matcher assign = ASSIGN.matcher(line);
      if (assign.matches()) {
        if (assign.group(1).isEmpty()) {
          flags.setLength(0);
        }
        for (String word : loopVariable == null ? List.of("") : loopWords) {
          String value =
              loopVariable == null
                  ? assign.group(2)
                  : assign
                      .group(2)
                      .replace("${" + loopVariable + "}", word)
                      .replace("$" + loopVariable, word);
          if (value.contains("$")) {
            throw new IllegalStateException(
                COMMON_SH + ": cannot read the NETVLAD_JVM_FLAGS line " + line);
          }
          flags.append(value);
        }
        continue;
      }
      if (line.contains("NETVLAD_JVM_FLAGS=") || line.contains("NETVLAD_JVM_FLAGS+=")) {
        throw new IllegalStateException(
            COMMON_SH + ": cannot read the NETVLAD_JVM_FLAGS line " + line);
      }
      Matcher export = MALLOC_EXPORT.matcher(line);
      if (export.matches()) {
        malloc.put(export.group(1), export.group(2));
      } else if (line.contains("MALLOC_") && line.startsWith("export")) {
        throw new IllegalStateException(COMMON_SH + ": cannot read the malloc line " + line);
      }
    }
    if (flags.length() == 0) {
      throw new IllegalStateException(COMMON_SH + ": no NETVLAD_JVM_FLAGS");
    }
    return new Declared(
        COMMON_SH,
        new LinkedHashSet<>(Arrays.asList(flags.toString().strip().split("\\s+"))),
        malloc);
  }

  /**
   * conf/spark-defaults.conf: its spark.executorEnv.MALLOC_* values, and its JVM flags only when it
   * sets spark.driver.extraJavaOptions or spark.executor.extraJavaOptions (the wrappers pass them
   * otherwise).
   */
  static Declared fromSparkDefaults(String text) {
    Map<String, String> malloc = new LinkedHashMap<>();
    Set<String> flags = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("\\s+", 2);
      String value = kv.length > 1 ? kv[1].strip() : "";
      if (kv[0].startsWith("spark.executorEnv.MALLOC_")) {
        malloc.put(kv[0].substring("spark.executorEnv.".length()), value);
      } else if (kv[0].equals("spark.driver.extraJavaOptions")
          || kv[0].equals("spark.executor.extraJavaOptions")) {
        Set<String> these = new LinkedHashSet<>(Arrays.asList(value.split("\\s+")));
        if (flags == null) {
          flags = these;
        } else {
          flags.retainAll(these);
        }
      }
    }
    return new Declared(SPARK_DEFAULTS, flags, malloc);
  }
}
