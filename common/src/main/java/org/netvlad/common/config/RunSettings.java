package org.netvlad.common.config;

import java.util.List;

/** Settings every job shares: the lock on its run folder. */
public final class RunSettings {
  private RunSettings() {}

  public static final Setting<Long> LOCK_STALE_AFTER_S =
      Setting.whole(
          "run.lock-stale-after-s",
          600,
          1,
          604_800,
          "seconds",
          "A job locks its run folder (<run>/_lock/) and refuses to start while another job holds"
              + " the lock. A lock whose holder ran on this host is taken over as soon as that"
              + " process has ended; one held from another host when its holder has given no sign"
              + " of life (it renews the lock every tenth of this time) for this long.");

  static final List<Setting<?>> ALL = List.of(LOCK_STALE_AFTER_S);

  /** How long a lock held from another host may stay silent before it is taken over. */
  public static java.time.Duration lockStaleAfter(PipelineConfig config) {
    return java.time.Duration.ofSeconds(config.get(LOCK_STALE_AFTER_S));
  }
}
