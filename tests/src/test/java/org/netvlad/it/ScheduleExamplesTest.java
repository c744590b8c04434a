package org.netvlad.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.nightly.NightlyJob;

/**
 * The example schedules in conf/ are valid: the cron line by a cron-line parser (field ranges,
 * steps, names, the user field of /etc/cron.d, no unescaped %), the systemd service and timer by
 * {@code systemd-analyze verify}; both run the same command at the same time, and that command's
 * options are ones submit/nightly takes.
 */
class ScheduleExamplesTest {
  private static final Path CONF = Jobs.projectRoot().resolve("conf");
  private static final String INSTALLED = "/opt/netvlad-spark";

  @TempDir Path dir;

  /** One job line of an /etc/cron.d file: five time fields, the user, the command. */
  record CronJob(
      String minute,
      String hour,
      String dayOfMonth,
      String month,
      String dayOfWeek,
      String user,
      String command) {
    private static final Pattern ITEM =
        Pattern.compile("(\\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?");
    private static final List<String> MONTHS =
        List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
    private static final List<String> DAYS =
        List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

    /**
     * Parses the file's text: comments, blank lines and VAR=value lines, then exactly one job line.
     */
    static CronJob parseFile(String text) {
      List<CronJob> jobs = new ArrayList<>();
      for (String line : text.split("\n")) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#") || t.matches("[A-Za-z_][A-Za-z0-9_]*=\\S.*")) {
          continue;
        }
        jobs.add(parse(t));
      }
      if (jobs.size() != 1) {
        throw new IllegalArgumentException("expected one job line, found " + jobs.size());
      }
      return jobs.get(0);
    }

    static CronJob parse(String line) {
      String[] f = line.strip().split("\\s+", 7);
      if (f.length < 7) {
        throw new IllegalArgumentException(
            "a job line has 5 time fields, a user and a command: " + line);
      }
      field(f[0], 0, 59, List.of(), 0);
      field(f[1], 0, 23, List.of(), 0);
      field(f[2], 1, 31, List.of(), 0);
      field(f[3], 1, 12, MONTHS, 1);
      field(f[4], 0, 7, DAYS, 0);
      if (!f[5].matches("[a-z_][a-z0-9_-]*")) {
        throw new IllegalArgumentException("not a user name: " + f[5]);
      }
      if (f[6].matches(".*(?<!\\\\)%.*")) {
        throw new IllegalArgumentException("cron turns an unescaped % into a new line: " + f[6]);
      }
      return new CronJob(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
    }

    private static void field(String text, int min, int max, List<String> names, int firstName) {
      for (String item : text.toLowerCase(java.util.Locale.ROOT).split(",", -1)) {
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
          throw new IllegalArgumentException(
              "not a cron field item: '" + item + "' in '" + text + "'");
        }
        if (m.group(2) != null && Integer.parseInt(m.group(2)) == 0) {
          throw new IllegalArgumentException("a step of 0 in '" + text + "'");
        }
        if (!m.group(1).equals("*")) {
          String[] range = m.group(1).split("-");
          int low = value(range[0], min, max, names, firstName);
          int high = range.length == 1 ? low : value(range[1], min, max, names, firstName);
          if (high < low) {
            throw new IllegalArgumentException("a range backwards in '" + text + "'");
          }
        }
      }
    }

    private static int value(String text, int min, int max, List<String> names, int firstName) {
      int v =
          names.contains(text)
              ? names.indexOf(text) + firstName
              : text.matches("[0-9]+") ? Integer.parseInt(text) : -1;
      if (v < min || v > max) {
        throw new IllegalArgumentException("'" + text + "' is outside " + min + "-" + max);
      }
      return v;
    }
  }

  @Test
  void theCronParserRefusesWhatCronRefuses() {
    assertEquals("30", CronJob.parse("30 2 * * * netvlad cmd").minute());
    assertEquals(
        "mon-fri", CronJob.parse("*/15 1,13 1-31/2 jan-dec mon-fri netvlad cmd").dayOfWeek());
    for (String bad :
        List.of(
            "60 2 * * * netvlad cmd",
            "30 24 * * * netvlad cmd",
            "30 2 0 * * netvlad cmd",
            "30 2 * 13 * netvlad cmd",
            "30 2 * * 8 netvlad cmd",
            "*/0 2 * * * netvlad cmd",
            "30 5-2 * * * netvlad cmd",
            "30 2 * * * netvlad date +%F",
            "30 2 * * netvlad cmd",
            "30 2 * * * Netvlad! cmd",
            "30,, 2 * * * netvlad cmd")) {
      assertThrows(IllegalArgumentException.class, () -> CronJob.parse(bad), bad);
    }
  }

  @Test
  void theCronExampleIsAValidLineForCronD() throws IOException {
    String text = Files.readString(CONF.resolve("netvlad-nightly.cron"));
    CronJob job = CronJob.parseFile(text);
    assertEquals(
        List.of("30", "2", "*", "*", "*"),
        List.of(job.minute(), job.hour(), job.dayOfMonth(), job.month(), job.dayOfWeek()));
    assertTrue(
        text.contains("\nCRON_TZ=UTC\n"), "the night's date is today in UTC, so is the schedule");
    assertTrue(
        job.command().startsWith(INSTALLED + "/submit/nightly " + nightlyArguments()),
        job.command());
  }

  @Test
  void theSystemdUnitsVerifyAndRunTheSameCommandAtTheSameTime() throws Exception {
    Path service = installed("systemd/netvlad-nightly.service");
    Path timer = installed("systemd/netvlad-nightly.timer");
    String execStart =
        Files.readString(CONF.resolve("systemd/netvlad-nightly.service"))
            .lines()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow()
            .substring("ExecStart=".length());
    assertEquals(
        INSTALLED + "/submit/nightly " + nightlyArguments(),
        execStart,
        "the same command as the cron line's");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))
            || Files.isExecutable(Path.of("/bin/systemd-analyze")),
        "systemd-analyze is not installed");
    String[] verified = systemdAnalyze("verify", service.toString(), timer.toString());
    assertEquals("0", verified[0], verified[1]);
    assertEquals("", verified[1].strip(), "no complaint");
    String[] calendar = systemdAnalyze("calendar", "*-*-* 02:30:00 UTC");
    assertTrue(
        Files.readString(timer).contains("\nOnCalendar=*-*-* 02:30:00 UTC\n")
            && calendar[1].contains("Normalized form: *-*-* 02:30:00 UTC"),
        calendar[1]);
    // the verifier is real: a timer with a bad time and a service whose command is missing are
    // refused
    Files.writeString(timer, Files.readString(timer).replace("02:30:00", "25:30:00"));
    assertNotEquals("0", systemdAnalyze("verify", timer.toString())[0]);
    Files.writeString(
        service,
        Files.readString(service)
            .replace(Jobs.projectRoot() + "/submit/nightly", "/nonexistent/nightly"));
    assertNotEquals("0", systemdAnalyze("verify", service.toString())[0]);
  }

  /**
   * The example's options after "--" (and spark-submit's before it), checked against the nightly's
   * own parser.
   */
  private static String nightlyArguments() throws IOException {
    String line =
        Files.readString(CONF.resolve("systemd/netvlad-nightly.service"))
            .lines()
            .filter(l -> l.startsWith("ExecStart="))
            .findFirst()
            .orElseThrow();
    String arguments = line.substring(("ExecStart=" + INSTALLED + "/submit/nightly ").length());
    List<String> words = Arrays.asList(arguments.split(" "));
    List<String> job = words.subList(words.indexOf("--") + 1, words.size());
    JobArgs parsed =
        JobArgs.parse("nightly", NightlyJob.OPTIONS, job.toArray(new String[0]), false);
    assertTrue(
        parsed.value("--root").startsWith("hdfs://") && !parsed.values("--input").isEmpty(),
        arguments);
    return arguments;
  }

  /**
   * A copy of a unit as installed from this checkout (its /opt/netvlad-spark paths pointing here).
   */
  private Path installed(String unit) throws IOException {
    Path copy = dir.resolve(Path.of(unit).getFileName());
    Files.writeString(
        copy,
        Files.readString(CONF.resolve(unit)).replace(INSTALLED, Jobs.projectRoot().toString()));
    return copy;
  }

  private static String[] systemdAnalyze(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("systemd-analyze"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(1, TimeUnit.MINUTES));
    return new String[] {Integer.toString(p.exitValue()), out};
  }
}
