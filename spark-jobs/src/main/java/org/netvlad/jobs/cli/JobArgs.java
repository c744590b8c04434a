package org.netvlad.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line contract every job shares (docs/architecture.md): {@code --run URI}, {@code
 * --config FILE}, any number of {@code --set key=value}, {@code --overwrite}, {@code --help}, plus
 * the options a job declares.
 */
public final class JobArgs {
  /** An option a job accepts beyond the shared ones. */
  public record Option(
      String name, String valueName, boolean repeatable, boolean required, String help) {}

  public static final String DEFAULT_CONFIG = "conf/pipeline.conf";

  private final String job;
  private final List<Option> jobOptions;
  private final boolean runFolder;
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private boolean help;
  private boolean overwrite;

  private JobArgs(String job, List<Option> jobOptions, boolean runFolder) {
    this.job = job;
    this.jobOptions = jobOptions;
    this.runFolder = runFolder;
  }

  /**
   * Parses a job's arguments.
   *
   * @throws JobFailure naming the option that is unknown, repeated or missing
   */
  public static JobArgs parse(String job, List<Option> jobOptions, String[] args) {
    return parse(job, jobOptions, args, true);
  }

  /**
   * Parses the arguments of a job that has a run folder ({@code --run}, {@code --overwrite}) or not
   * (the nightly, which names its own run folders).
   */
  public static JobArgs parse(
      String job, List<Option> jobOptions, String[] args, boolean runFolder) {
    JobArgs parsed = new JobArgs(job, jobOptions, runFolder);
    List<Option> all = parsed.allOptions();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        parsed.help = true;
        continue;
      }
      if (arg.equals("--overwrite") && runFolder) {
        parsed.overwrite = true;
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      String finalName = name;
      Option option =
          all.stream()
              .filter(o -> o.name().equals(finalName))
              .findFirst()
              .orElseThrow(
                  () ->
                      new JobFailure(
                          job + ": unknown option '" + arg + "'; --help lists the options"));
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new JobFailure(
              job + ": option " + name + " needs a value (" + option.valueName() + ")");
        }
        value = args[++i];
      }
      List<String> list = parsed.values.computeIfAbsent(name, k -> new ArrayList<>());
      if (!list.isEmpty() && !option.repeatable()) {
        throw new JobFailure(job + ": option " + name + " given more than once");
      }
      list.add(value);
    }
    if (!parsed.help) {
      for (Option o : all) {
        if (o.required() && !parsed.values.containsKey(o.name())) {
          throw new JobFailure(
              job + ": missing " + o.name() + " " + o.valueName() + "; --help lists the options");
        }
      }
    }
    return parsed;
  }

  private List<Option> allOptions() {
    List<Option> all = new ArrayList<>();
    if (runFolder) {
      all.add(
          new Option(
              "--run",
              "URI",
              false,
              true,
              "the run folder every job of this run reads and writes"));
    }
    all.add(
        new Option(
            "--config",
            "FILE",
            false,
            false,
            "settings file (default "
                + DEFAULT_CONFIG
                + " when it exists, else built-in defaults)"));
    all.add(new Option("--set", "key=value", true, false, "override one setting; repeatable"));
    all.addAll(jobOptions);
    return all;
  }

  /** The usage text that {@code --help} prints. */
  public String usage() {
    StringBuilder b = new StringBuilder();
    b.append("usage: submit/")
        .append(job)
        .append(" [spark-submit options] -- [options]\n\noptions:\n");
    for (Option o : allOptions()) {
      b.append(
          String.format(
              "  %-24s %s%s%s%n",
              o.name() + " " + o.valueName(),
              o.help(),
              o.required() ? " (required)" : "",
              o.repeatable() ? " (repeatable)" : ""));
    }
    if (runFolder) {
      b.append(
          String.format(
              "  %-24s %s%n",
              "--overwrite", "replace this job's finished outputs in the run folder"));
    }
    b.append(String.format("  %-24s %s%n", "--help", "print this text"));
    b.append("\nSettings (conf/pipeline.conf documents each, with its default and unit):\n");
    for (var s : org.netvlad.common.config.Settings.all()) {
      b.append(
          String.format(
              "  %-36s default %s%s%n",
              s.key(), s.defaultText(), s.unit().isEmpty() ? "" : " (" + s.unit() + ")"));
    }
    return b.toString();
  }

  public boolean help() {
    return help;
  }

  public boolean overwrite() {
    return overwrite;
  }

  /** The single value of an option, or null when not given. */
  public String value(String name) {
    List<String> list = values.get(name);
    return list == null ? null : list.get(0);
  }

  /** Every value of a repeatable option, in order. */
  public List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }
}
