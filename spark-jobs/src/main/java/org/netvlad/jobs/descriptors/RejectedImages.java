package org.netvlad.jobs.descriptors;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.util.AccumulatorV2;

/**
 * The unreadable images training met, gathered from every task: one entry per path, the first
 * reason seen. Keyed by path, so a task that runs twice counts an image once.
 */
public final class RejectedImages
    extends AccumulatorV2<RejectedImages.Entry, Map<String, RejectedImages.Entry>> {
  private static final long serialVersionUID = 1L;

  /**
   * An unreadable image: where training met it ({@code init}, {@code refresh}, {@code training},
   * {@code validation}) and why.
   */
  public record Entry(String path, String reason, String stage, int epoch)
      implements Serializable {}

  private TreeMap<String, Entry> byPath = new TreeMap<>();

  /** A new set, registered with Spark so that tasks can add to it. */
  public static RejectedImages register(SparkContext sc, String name) {
    RejectedImages rejected = new RejectedImages();
    sc.register(rejected, name);
    return rejected;
  }

  @Override
  public synchronized boolean isZero() {
    return byPath.isEmpty();
  }

  @Override
  public synchronized AccumulatorV2<Entry, Map<String, Entry>> copy() {
    RejectedImages out = new RejectedImages();
    out.byPath = new TreeMap<>(byPath);
    return out;
  }

  @Override
  public synchronized void reset() {
    byPath = new TreeMap<>();
  }

  @Override
  public synchronized void add(Entry entry) {
    byPath.putIfAbsent(entry.path(), entry);
  }

  @Override
  public synchronized void merge(AccumulatorV2<Entry, Map<String, Entry>> other) {
    other.value().values().forEach(this::add);
  }

  /** The entries by path, in path order. */
  @Override
  public synchronized Map<String, Entry> value() {
    return new TreeMap<>(byPath);
  }
}
