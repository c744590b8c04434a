package org.netvlad.jobs.training;

/**
 * One epoch's figures, for its row of the {@link TrainingHistory} and its progress line. Epoch 0
 * (the starting network, validated only) has no learning rate, loss, refresh or training figures.
 *
 * @param violating train queries with a violating negative at the refresh
 * @param trainQueries train queries refreshed (0 at epoch 0)
 * @param images images the training read
 * @param recall Recall@N on the val split, one per N of the history
 * @param driverHeapMb the driver's heap in use after a full collection at the end of the epoch
 */
public record EpochFigures(
    int epoch,
    double learningRate,
    double loss,
    long violating,
    long trainQueries,
    long tuples,
    long images,
    double[] recall,
    double refreshSeconds,
    double trainSeconds,
    double validateSeconds,
    double driverHeapMb) {

  /** Share of the train queries with a violating negative; NaN when none were refreshed. */
  public double violatingShare() {
    return trainQueries == 0 ? Double.NaN : (double) violating / trainQueries;
  }

  /** Train queries without a violating negative, which sat the epoch out. */
  public long queriesSatOut() {
    return trainQueries - violating;
  }

  public static Builder epoch(int epoch) {
    return new Builder(epoch);
  }

  /** The figures by name; those not given are NaN (rate, loss) or 0. */
  public static final class Builder {
    private final int epoch;
    private double learningRate = Double.NaN;
    private double loss = Double.NaN;
    private long violating;
    private long trainQueries;
    private long tuples;
    private long images;
    private double[] recall;
    private double refreshSeconds;
    private double trainSeconds;
    private double validateSeconds;
    private double driverHeapMb;

    private Builder(int epoch) {
      this.epoch = epoch;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder loss(double v) {
      loss = v;
      return this;
    }

    /** {@code violating} of {@code trainQueries} refreshed queries have a violating negative. */
    public Builder violating(long v, long ofTrainQueries) {
      violating = v;
      trainQueries = ofTrainQueries;
      return this;
    }

    public Builder tuples(long v) {
      tuples = v;
      return this;
    }

    public Builder images(long v) {
      images = v;
      return this;
    }

    public Builder recall(double[] v) {
      recall = v;
      return this;
    }

    public Builder refreshSeconds(double v) {
      refreshSeconds = v;
      return this;
    }

    public Builder trainSeconds(double v) {
      trainSeconds = v;
      return this;
    }

    public Builder validateSeconds(double v) {
      validateSeconds = v;
      return this;
    }

    public Builder driverHeapMb(double v) {
      driverHeapMb = v;
      return this;
    }

    public EpochFigures build() {
      return new EpochFigures(
          epoch,
          learningRate,
          loss,
          violating,
          trainQueries,
          tuples,
          images,
          recall,
          refreshSeconds,
          trainSeconds,
          validateSeconds,
          driverHeapMb);
    }
  }
}
