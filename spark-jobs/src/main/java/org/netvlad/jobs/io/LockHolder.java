package org.netvlad.jobs.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who holds a lock claim ({@link RunLock}): the job, the host, the process (id and start, so that a
 * reused id is not taken for the holder) and since when; and whether the claim is stale.
 */
record LockHolder(String job, String host, long pid, String processStart, String since) {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String THIS_HOST = hostName();

  /** This process, locking for {@code job}. */
  static LockHolder current(String job) {
    ProcessHandle self = ProcessHandle.current();
    return new LockHolder(job, THIS_HOST, self.pid(), startOf(self), Instant.now().toString());
  }

  /**
   * The holder a claim names; a claim that is not readable JSON has an unknown holder on no known
   * host.
   */
  static LockHolder parse(byte[] json) {
    try {
      Map<?, ?> m = JSON.readValue(json, Map.class);
      return new LockHolder(
          text(m, "job"),
          text(m, "host"),
          ((Number) m.get("pid")).longValue(),
          text(m, "process_started_at"),
          text(m, "started_at"));
    } catch (IOException | RuntimeException e) {
      return new LockHolder("?", "", -1, "", "?");
    }
  }

  byte[] json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("host", host);
    m.put("pid", pid);
    m.put("process_started_at", processStart);
    m.put("started_at", since);
    try {
      return JSON.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Null while the holder may be alive; else why its claim is stale: on this host, its process has
   * ended (or its id now names a younger process); elsewhere, it has been silent longer than {@code
   * staleAfter}.
   */
  String staleness(long silentMs, Duration staleAfter) {
    if (host.equals(THIS_HOST) && pid > 0) {
      Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      if (process.isEmpty()) {
        return "its process " + pid + " on this host has ended";
      }
      String started = startOf(process.get());
      boolean reused =
          !processStart.isEmpty() && !started.isEmpty() && !started.equals(processStart);
      return reused
          ? "its process " + pid + " has ended (the id now names a process started " + started + ")"
          : null;
    }
    return silentMs > staleAfter.toMillis()
        ? "no sign of life for "
            + silentMs / 1000
            + " s, more than the "
            + staleAfter.toSeconds()
            + " s a lock stays valid"
        : null;
  }

  String describe() {
    return job
        + " on host "
        + (host.isEmpty() ? "?" : host)
        + ", process "
        + pid
        + ", since "
        + since;
  }

  private static String startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toString).orElse("");
  }

  private static String text(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : v.toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "localhost" : env;
    }
  }
}
