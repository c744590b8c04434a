package org.netvlad.common.config;

/** A setting, a configuration file or a command line that cannot be used as given. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
