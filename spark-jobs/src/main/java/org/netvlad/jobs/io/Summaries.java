package org.netvlad.jobs.io;

import java.util.List;
import java.util.Map;

/**
 * The entries of a job's summary that other jobs read, by typed accessors: each key is spelled here
 * once, for the job that writes it and the jobs that read it.
 */
public final class Summaries {
  /** mine-tuples: the image root. */
  public static final String IMAGES = "images";

  /** mine-tuples: the other roots images may be under. */
  public static final String ALLOWED_IMAGE_ROOTS = "allowed_image_roots";

  /** train-netvlad: the epoch of the best checkpoint, by validation Recall@5. */
  public static final String BEST_EPOCH = "best_epoch";

  /** extract-and-evaluate: Recall@N, by N. */
  public static final String RECALL_AT = "recall_at";

  private Summaries() {}

  /** The image root of mine-tuples' summary. */
  public static String imageRoot(Map<String, Object> mined) {
    return (String) mined.get(IMAGES);
  }

  /** The allowed image roots of mine-tuples' summary; none when it predates them. */
  @SuppressWarnings("unchecked")
  public static List<String> allowedImageRoots(Map<String, Object> mined) {
    return (List<String>) mined.getOrDefault(ALLOWED_IMAGE_ROOTS, List.of());
  }

  /** The best epoch of train-netvlad's summary; null when it has none. */
  public static Integer bestEpoch(Map<String, Object> training) {
    return training.get(BEST_EPOCH) instanceof Number best ? best.intValue() : null;
  }

  /** Recall@N of extract-and-evaluate's summary, by N as text. */
  public static Map<?, ?> recallAt(Map<String, Object> evaluation) {
    return (Map<?, ?>) evaluation.get(RECALL_AT);
  }

  /** Recall@n of extract-and-evaluate's summary. */
  public static double recallAt(Map<String, Object> evaluation, int n) {
    return ((Number) recallAt(evaluation).get(Integer.toString(n))).doubleValue();
  }
}
