package org.netvlad.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.netvlad.common.config.ConfigException;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.jobs.io.IoFailures;
import org.netvlad.jobs.io.RunFolder;

/** Loads a job's {@link PipelineConfig} from {@code --config} and {@code --set}. */
public final class JobConfigs {
  private JobConfigs() {}

  /**
   * The settings file named by {@code --config} (any Hadoop URI), or {@code conf/pipeline.conf}
   * when it exists, else the built-in defaults; then the {@code --set} overrides.
   *
   * @throws JobFailure naming the file, line or setting that is wrong
   */
  public static PipelineConfig load(JobArgs args, Configuration hadoop) {
    String configUri = args.value("--config");
    String text = "";
    String name = "built-in defaults";
    if (configUri != null) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(configUri);
      try {
        var fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
          throw new JobFailure("--config " + configUri + " does not exist");
        }
        text = new String(RunFolder.readBytes(fs, path), java.nio.charset.StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw IoFailures.failure("reading --config", configUri, e, e);
      }
      name = configUri;
    } else if (Files.isRegularFile(Path.of(JobArgs.DEFAULT_CONFIG))) {
      try {
        text = Files.readString(Path.of(JobArgs.DEFAULT_CONFIG));
      } catch (java.io.IOException e) {
        throw IoFailures.failure("reading", JobArgs.DEFAULT_CONFIG, e, e);
      }
      name = JobArgs.DEFAULT_CONFIG;
    }
    try {
      return PipelineConfig.load(text, name, args.values("--set"));
    } catch (ConfigException e) {
      throw new JobFailure(e.getMessage(), e);
    }
  }
}
