package org.netvlad.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.netvlad.common.config.MiningSettings;
import org.netvlad.common.config.ModelSettings;
import org.netvlad.common.config.PipelineConfig;
import org.netvlad.common.config.RunSettings;
import org.netvlad.common.config.TrainSettings;
import org.netvlad.common.model.BackboneWeights;
import org.netvlad.common.model.ClassicalMomentum;
import org.netvlad.common.model.ClusterInit;
import org.netvlad.common.model.ModelBytes;
import org.netvlad.common.model.ModelSpec;
import org.netvlad.common.model.Networks;
import org.netvlad.common.model.Pooling;
import org.netvlad.jobs.cli.JobArgs;
import org.netvlad.jobs.cli.JobConfigs;
import org.netvlad.jobs.cli.JobFailure;
import org.netvlad.jobs.cli.JobMain;
import org.netvlad.jobs.cli.JvmMemory;
import org.netvlad.jobs.cli.Progress;
import org.netvlad.jobs.descriptors.DescriptorPass;
import org.netvlad.jobs.descriptors.DistributedRecall;
import org.netvlad.jobs.descriptors.ImageReader;
import org.netvlad.jobs.descriptors.RejectedImages;
import org.netvlad.jobs.io.Lineage;
import org.netvlad.jobs.io.RunFolder;
import org.netvlad.jobs.io.RunLock;
import org.netvlad.jobs.training.Checkpoints;
import org.netvlad.jobs.training.ClusterSampling;
import org.netvlad.jobs.training.DistributedKMeans;
import org.netvlad.jobs.training.EpochFigures;
import org.netvlad.jobs.training.EpochTrainer;
import org.netvlad.jobs.training.NegativeCacheTable;
import org.netvlad.jobs.training.NegativeRefresh;
import org.netvlad.jobs.training.SplitData;
import org.netvlad.jobs.training.TrainingHistory;
import org.netvlad.jobs.training.TrainingOutputs;
import org.netvlad.jobs.training.TrainingQuarantine;
import org.netvlad.jobs.training.WarmStart;

/**
 * {@code train-netvlad}: trains the NetVLAD network on the tuples mine-tuples wrote, with DL4J's
 * parameter averaging across the cluster (docs/architecture.md). Each epoch refreshes the
 * hard-negative cache with the current weights ({@code negcache/epoch=E/}), trains, validates
 * Recall@N on the val split and writes a checkpoint ({@code model/epoch=E/}) and the metrics
 * ({@code training/}). A run that stopped resumes from its newest checkpoint; the summary {@code
 * summary/train-netvlad.json} marks the job finished.
 */
public final class TrainNetVladJob {
  public static final String NAME = "train-netvlad";

  /** The validated settings of one run of this job. */
  public record Config(String runUri, PipelineConfig settings, boolean overwrite) {}

  private TrainNetVladJob() {}

  public static void main(String[] args) {
    JobMain.main(NAME, List.of(), TrainNetVladJob::config, TrainNetVladJob::run, args);
  }

  public static Config config(JobArgs args, SparkSession spark) {
    return new Config(
        args.value("--run"),
        JobConfigs.load(args, spark.sparkContext().hadoopConfiguration()),
        args.overwrite());
  }

  /** Runs the job under the run folder's lock; returns its summary. */
  public static Map<String, Object> run(SparkSession spark, Config config) {
    Progress progress = new Progress(NAME);
    RunFolder run = new RunFolder(config.runUri(), spark.sparkContext().hadoopConfiguration());
    try (RunLock lock =
        run.lock(NAME, RunSettings.lockStaleAfter(config.settings()), progress::say)) {
      Map<String, String> upstream = new LinkedHashMap<>();
      upstream.put(MineTuplesJob.NAME, Lineage.idOf(run, MineTuplesJob.NAME));
      WarmStart warm = WarmStart.of(config.settings(), run.fs().getConf());
      if (warm != null) {
        upstream.put(WarmStart.LINEAGE_KEY, warm.trainingIdOrNull());
      }
      Map<String, Object> finished =
          Lineage.alreadyFinished(
              run,
              NAME,
              config.overwrite(),
              "train again",
              f ->
                  Lineage.requireUpToDate(
                      NAME,
                      run.root(),
                      f,
                      upstream,
                      Map.of(),
                      config.settings().asText(),
                      TrainNetVladJob::readsSetting),
              progress::say);
      if (finished != null) {
        return finished;
      }
      if (!run.isFinished(MineTuplesJob.NAME)) {
        throw new JobFailure(
            "no finished mine-tuples in "
                + run.root()
                + " (no "
                + RunFolder.summaryPath(MineTuplesJob.NAME)
                + "): run mine-tuples first");
      }
      return train(spark, config, run, upstream, warm, progress);
    }
  }

  /** The settings this job's outputs depend on. */
  static boolean readsSetting(String key) {
    return key.startsWith("model.")
        || key.startsWith("train.")
        || key.equals(TrainSettings.RECALL_AT.key())
        || key.equals(MiningSettings.NEGATIVE_RADIUS_M.key());
  }

  private static Map<String, Object> train(
      SparkSession spark,
      Config config,
      RunFolder run,
      Map<String, String> upstream,
      WarmStart warm,
      Progress progress) {
    Training training = new Training(spark, config, run, upstream, warm, progress);
    training.readSplits();
    training.openOutputs();
    training.resumeOrInitialise();
    training.trainEpochs();
    return training.commit();
  }

  /**
   * One training's settings, data, outputs and the network and history as they stand, shared by its
   * steps.
   */
  private static final class Training {
    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final Config config;
    private final PipelineConfig s;
    private final RunFolder run;
    private final Map<String, String> upstream;
    private final WarmStart warm;
    private final Progress progress;
    private final ModelSpec spec;
    private final ImageReader reader;
    private final int workers;
    private final int keep;
    private final long seed;
    private final int[] recallAt;
    private final int descriptorBatch;
    private final double radiusM;

    private SplitData train;
    private SplitData val;
    private Counts trainCounts;
    private Counts valCounts;
    private Path staging;
    private TrainingQuarantine quarantine;
    private RejectedImages rejected;
    private Checkpoints checkpoints;
    private MultiLayerNetwork net;
    private TrainingHistory history;
    private Map<String, Object> lineage;

    Training(
        SparkSession spark,
        Config config,
        RunFolder run,
        Map<String, String> upstream,
        WarmStart warm,
        Progress progress) {
      this.spark = spark;
      this.config = config;
      this.run = run;
      this.upstream = upstream;
      this.warm = warm;
      this.progress = progress;
      sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      s = config.settings();
      spec = ModelSettings.spec(s);
      reader =
          ImageReader.forRun(run, spec.widthPx(), spec.heightPx(), s, sc.hadoopConfiguration());
      workers =
          (int)
              (s.get(TrainSettings.WORKERS) > 0
                  ? s.get(TrainSettings.WORKERS)
                  : sc.defaultParallelism());
      keep = Math.toIntExact(s.get(TrainSettings.NEGATIVES_PER_TUPLE));
      seed = s.get(TrainSettings.SEED);
      recallAt = TrainingHistory.withSelectionN(TrainSettings.recallAt(s));
      descriptorBatch = Math.toIntExact(s.get(TrainSettings.DESCRIPTOR_BATCH));
      radiusM = s.get(MiningSettings.NEGATIVE_RADIUS_M);
    }

    /** The train and val splits mine-tuples wrote; refused without kept queries in both. */
    void readSplits() {
      train = SplitData.read(spark, run, "train");
      val = SplitData.read(spark, run, "val");
      trainCounts = Counts.of(train);
      valCounts = Counts.of(val);
      progress.say(
          String.format(
              "train: %d database images, %d queries; val: %d database images, %d queries; %d"
                  + " workers",
              trainCounts.database,
              trainCounts.queries,
              valCounts.database,
              valCounts.queries,
              workers));
      if (trainCounts.queries == 0 || valCounts.queries == 0) {
        throw new JobFailure(
            "train-netvlad needs kept queries in the train and val splits; mine-tuples kept "
                + trainCounts.queries
                + " train and "
                + valCounts.queries
                + " val queries");
      }
    }

    /** The staging folder, the quarantine of unreadable images and the checkpoints. */
    void openOutputs() {
      staging = run.newStaging(NAME);
      quarantine =
          new TrainingQuarantine(
              spark,
              run,
              trainCounts.database + trainCounts.queries + valCounts.database + valCounts.queries,
              s.get(TrainSettings.MAX_REJECTED_FRACTION));
      rejected = quarantine.rejected();
      checkpoints = new Checkpoints(run);
    }

    void resumeOrInitialise() {
      // --overwrite starts afresh, but the previous training stays until the new one has its first
      // checkpoint
      OptionalInt newest = config.overwrite() ? OptionalInt.empty() : checkpoints.newest();
      if (newest.isPresent()) {
        resume(newest.getAsInt());
      } else {
        lineage = Lineage.fields(Lineage.newId(), upstream);
        startNetwork();
        checkpointEpochZero();
      }
    }

    /**
     * The newest checkpoint's network, history and lineage; refused when trained with other model
     * settings or upstream outputs.
     */
    private void resume(int epoch) {
      Map<String, Object> sidecar = checkpoints.sidecar(epoch);
      checkSameModel(sidecar, s, checkpoints.folder(epoch));
      checkSameUpstream(sidecar, upstream, checkpoints.folder(epoch));
      lineage =
          Lineage.fields(
              sidecar.get(Lineage.ID) instanceof String id ? id : Lineage.newId(), upstream);
      if (sidecar.get("warm_start") != null) {
        lineage.put("warm_start", sidecar.get("warm_start"));
      }
      net = checkpoints.load(epoch);
      history = TrainingHistory.fromSidecar(sidecar, recallAt);
      progress.say(
          "resuming from checkpoint "
              + checkpoints.folder(epoch)
              + " (epoch "
              + epoch
              + ", iteration "
              + net.getIterationCount()
              + "); nothing is re-initialised");
    }

    /**
     * The warm start's network, or a new one with the backbone weights and the k-means clusters.
     */
    private void startNetwork() {
      if (warm != null) {
        net = warm.load(s);
        lineage.put("warm_start", warm.describe());
        progress.say(
            "warm start from checkpoint "
                + s.get(TrainSettings.WARM_START)
                + " (iteration "
                + net.getIterationCount()
                + "): its weights and optimiser state are epoch 0; no initialisation");
      } else {
        net =
            Networks.create(
                spec,
                new Networks.Training(updater(s), s.get(TrainSettings.WEIGHT_DECAY), seed),
                DataType.FLOAT);
        loadBackboneWeights(net, s, run, progress);
        initialiseClusters(
            sc, net, spec, train, trainCounts, reader, s, quarantine, staging, progress);
      }
    }

    /**
     * Epoch 0: the starting network validated and checkpointed, which replaces the previous
     * training's outputs.
     */
    private void checkpointEpochZero() {
      history = new TrainingHistory(recallAt);
      long t = System.nanoTime();
      double[] recall =
          validate(
              sc, net, val, valCounts, reader, descriptorBatch, recallAt, radiusM, rejected, 0);
      quarantine.check(staging);
      history.add(
          EpochFigures.epoch(0)
              .recall(recall)
              .validateSeconds(secondsSince(t))
              .driverHeapMb(JvmMemory.heapAfterGcMb())
              .build());
      Path staged = checkpoints.stage(0, net, sidecar(history, 0, net, s, lineage), staging);
      TrainingOutputs.replacePrevious(run, NAME, staging, progress);
      checkpoints.publish(0, staged);
      TrainingOutputs.writeMetrics(run, history, quarantine, staging);
      progress.say(
          "epoch 0 ("
              + (warm != null ? "the warm start" : "initialised, untrained")
              + "): val "
              + history.recallText(0));
    }

    /** The epochs after the last one done, until train.epochs or an early stop. */
    void trainEpochs() {
      int epochs = Math.toIntExact(s.get(TrainSettings.EPOCHS));
      long patience = s.get(TrainSettings.PATIENCE);
      for (int epoch = history.lastEpoch() + 1; epoch <= epochs; epoch++) {
        if (epoch - history.bestEpoch() > patience) {
          progress.say(
              "early stop: validation Recall@5 has not improved for "
                  + patience
                  + " epochs (best: epoch "
                  + history.bestEpoch()
                  + ")");
          break;
        }
        trainEpoch(epoch, epochs);
      }
    }

    private void trainEpoch(int epoch, int epochs) {
      double lr =
          TrainSettings.learningRate(s)
              * Math.pow(0.5, (epoch - 1) / s.get(TrainSettings.LR_HALVING_EPOCHS));
      net.setLearningRate(lr);
      Refreshed refreshed = refreshNegatives(epoch);
      Trained trained = trainOnTuples(epoch, refreshed);
      long tVal = System.nanoTime();
      EpochFigures figures = validateEpoch(epoch, lr, refreshed, trained, tVal);
      checkpoints.save(epoch, net, sidecar(history, epoch, net, s, lineage), staging);
      TrainingOutputs.writeMetrics(run, history, quarantine, staging);
      double epochSeconds = refreshed.seconds() + trained.seconds() + secondsSince(tVal);
      progress.say(
          epochLine(
              figures, epochs, history, quarantine.count(), eta(epochSeconds * (epochs - epoch))));
    }

    /**
     * The hard-negative cache of the epoch, from the current weights ({@code negcache/epoch=E/}).
     * The model's broadcast stays until training is done with the cache.
     */
    private Refreshed refreshNegatives(int epoch) {
      long tRefresh = System.nanoTime();
      Broadcast<byte[]> model = sc.broadcast(ModelBytes.of(net, false));
      JavaPairRDD<Long, float[]> dbDescriptors =
          DescriptorPass.computeReadable(
                  spread(train.databasePaths(), trainCounts.database, sc),
                  model,
                  reader,
                  descriptorBatch,
                  rejected,
                  "refresh",
                  epoch)
              .persist(StorageLevel.MEMORY_AND_DISK_SER());
      JavaPairRDD<String, float[]> queryDescriptors =
          DescriptorPass.computeReadable(
              spread(train.queryPaths(), trainCounts.queries, sc),
              model,
              reader,
              descriptorBatch,
              rejected,
              "refresh",
              epoch);
      JavaPairRDD<String, long[]> previous =
          NegativeCacheTable.hardNegatives(spark, run, epoch - 1);
      NegativeRefresh.Params params =
          new NegativeRefresh.Params(
              seed,
              epoch,
              Math.toIntExact(s.get(TrainSettings.NEGATIVE_CANDIDATES)),
              keep,
              spec.margin());
      int blocks = blocks(trainCounts.database, spec.descriptorLength(), sc);
      JavaRDD<NegativeRefresh.Entry> cache =
          NegativeRefresh.refresh(train, dbDescriptors, queryDescriptors, previous, params, blocks)
              .persist(StorageLevel.MEMORY_AND_DISK_SER());
      NegativeCacheTable.write(spark, cache, epoch, run, staging);
      long violating = cache.filter(e -> e.hardNegativeDbIndices.length > 0).count();
      quarantine.check(staging);
      double refreshSeconds = secondsSince(tRefresh);
      dbDescriptors.unpersist(false);
      return new Refreshed(model, cache, violating, refreshSeconds);
    }

    /** The epoch's training on the tuples of the queries with violating negatives. */
    private Trained trainOnTuples(int epoch, Refreshed refreshed) {
      long tTrain = System.nanoTime();
      int keep = this.keep; // the filter below is shipped to executors: it must not hold this
      JavaRDD<EpochTrainer.Tuple> tuples =
          refreshed.cache().filter(e -> e.trains(keep)).map(TrainNetVladJob::tuple);
      long maxQueries = s.get(TrainSettings.MAX_QUERIES_PER_EPOCH);
      EpochTrainer.Plan plan =
          new EpochTrainer.Plan(
              workers,
              Math.toIntExact(s.get(TrainSettings.TUPLES_PER_BATCH)),
              Math.toIntExact(s.get(TrainSettings.AVERAGING_FREQUENCY)),
              keep,
              seed,
              epoch,
              maxQueries);
      EpochTrainer.Outcome outcome =
          EpochTrainer.train(sc, net, tuples, reader, plan, rejected, progress::say);
      quarantine.check(staging);
      refreshed.cache().unpersist(false);
      // only now: an executor lost in training loses cached refresh results, which Spark recomputes
      // with this model
      refreshed.model().destroy();
      return new Trained(outcome, secondsSince(tTrain));
    }

    /**
     * Recall@N on the val split after the epoch, added to the history with the epoch's other
     * figures.
     */
    private EpochFigures validateEpoch(
        int epoch, double lr, Refreshed refreshed, Trained trained, long tVal) {
      double[] recall =
          validate(
              sc, net, val, valCounts, reader, descriptorBatch, recallAt, radiusM, rejected, epoch);
      quarantine.check(staging);
      double driverHeapMb = JvmMemory.heapAfterGcMb();
      EpochFigures figures =
          EpochFigures.epoch(epoch)
              .learningRate(lr)
              .loss(trained.outcome().meanLoss())
              .violating(refreshed.violating(), trainCounts.queries)
              .tuples(trained.outcome().tuples())
              .images(trained.outcome().images())
              .recall(recall)
              .refreshSeconds(refreshed.seconds())
              .trainSeconds(trained.seconds())
              .validateSeconds(secondsSince(tVal))
              .driverHeapMb(driverHeapMb)
              .build();
      history.add(figures);
      return figures;
    }

    /** The summary, written last: it marks the job finished. */
    Map<String, Object> commit() {
      Map<String, Object> summary = new LinkedHashMap<>(lineage);
      summary.putAll(history.summary());
      summary.put("train_queries", trainCounts.queries);
      summary.put("train_database_images", trainCounts.database);
      summary.put("val_queries", valCounts.queries);
      summary.put("val_database_images", valCounts.database);
      summary.put("workers", workers);
      summary.put("rejected_images", quarantine.count());
      summary.put("best_model", checkpoints.folder(history.bestEpoch()).toString());
      summary.put("driver_memory", JvmMemory.peaks());
      summary.put("settings", s.asText());
      run.writeText(new Path(staging, RunFolder.summaryPath(NAME)), JobMain.toJson(summary));
      run.commit(NAME, staging, List.of());
      return summary;
    }
  }

  /** An epoch's refreshed hard-negative cache, and the broadcast model it was computed with. */
  private record Refreshed(
      Broadcast<byte[]> model,
      JavaRDD<NegativeRefresh.Entry> cache,
      long violating,
      double seconds) {}

  /** An epoch's training. */
  private record Trained(EpochTrainer.Outcome outcome, double seconds) {}

  /** An epoch's progress line, once its checkpoint and metrics are written. */
  private static String epochLine(
      EpochFigures f, int epochs, TrainingHistory history, long unreadable, String eta) {
    return String.format(
        "epoch %d/%d: lr %.3g, refresh %.1f s (%d of %d queries have violating negatives, the"
            + " others sit out), training %.1f s (%d tuples, %.1f images/s, loss %.4f), val %s"
            + " (best R@5 %.3f at epoch %d), %d unreadable images set aside, driver heap %.0f MB,"
            + " ETA %s",
        f.epoch(),
        epochs,
        f.learningRate(),
        f.refreshSeconds(),
        f.violating(),
        f.trainQueries(),
        f.trainSeconds(),
        f.tuples(),
        f.images() / Math.max(f.trainSeconds(), 1e-9),
        f.loss(),
        history.recallText(f.epoch()),
        history.bestRecallAt5(),
        history.bestEpoch(),
        unreadable,
        f.driverHeapMb(),
        eta);
  }

  /** Counts of a split's images. */
  record Counts(long database, long queries) {
    static Counts of(SplitData split) {
      return new Counts(split.database.count(), split.queries.count());
    }
  }

  static IUpdater updater(PipelineConfig s) {
    double lr = TrainSettings.learningRate(s);
    double momentum = s.get(TrainSettings.MOMENTUM);
    return switch (s.get(TrainSettings.OPTIMIZER)) {
      case "adam" -> new Adam(lr);
      case "nesterov" -> momentum > 0 ? new Nesterovs(lr, momentum) : new Sgd(lr);
      default -> momentum > 0 ? new ClassicalMomentum(lr, momentum) : new Sgd(lr);
    };
  }

  private static EpochTrainer.Tuple tuple(NegativeRefresh.Entry e) {
    EpochTrainer.Tuple t = new EpochTrainer.Tuple();
    t.queryId = e.queryId;
    t.paths = new String[2 + e.tupleNegativePaths.length];
    t.paths[0] = e.queryPath;
    t.paths[1] = e.bestPositivePath;
    System.arraycopy(e.tupleNegativePaths, 0, t.paths, 2, e.tupleNegativePaths.length);
    return t;
  }

  /**
   * About 2,000 images a partition, in whole waves of the cores: 3 equal tasks on 2 cores left a
   * core idle for the last third (extract-and-evaluate read 4,768 database images so on local[2]).
   */
  public static <K> JavaPairRDD<K, String> spread(
      JavaPairRDD<K, String> paths, long count, JavaSparkContext sc) {
    return paths.repartition(MineTuplesJob.partitions(count, 2_000, sc.defaultParallelism()));
  }

  /**
   * Database blocks of the refresh: one per core at least, and at most ~64 MB of descriptors each.
   */
  static int blocks(long databaseCount, long descriptorLength, JavaSparkContext sc) {
    long bytes = databaseCount * descriptorLength * 4;
    return (int) Math.max(sc.defaultParallelism(), (bytes + (64L << 20) - 1) / (64L << 20));
  }

  /**
   * Recall@N on the val split; an unreadable query counts as missed, an unreadable database image
   * is left out.
   */
  static double[] validate(
      JavaSparkContext sc,
      MultiLayerNetwork net,
      SplitData val,
      Counts counts,
      ImageReader reader,
      int batch,
      int[] recallAt,
      double radiusM,
      RejectedImages rejected,
      int epoch) {
    Broadcast<byte[]> model = sc.broadcast(ModelBytes.of(net, false));
    JavaRDD<DistributedRecall.Item> db =
        val.database
            .mapToPair(d -> new scala.Tuple2<>(d.dbIndex, d))
            .join(
                DescriptorPass.computeReadable(
                    spread(val.databasePaths(), counts.database, sc),
                    model,
                    reader,
                    batch,
                    rejected,
                    "validation",
                    epoch))
            .map(
                r ->
                    new DistributedRecall.Item(
                        r._1(), r._2()._2(), r._2()._1().eastingM, r._2()._1().northingM))
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<DistributedRecall.Item> queries =
        val.queries
            .mapToPair(q -> new scala.Tuple2<>(q.queryId, q))
            .join(
                DescriptorPass.computeReadable(
                    spread(val.queryPaths(), counts.queries, sc),
                    model,
                    reader,
                    batch,
                    rejected,
                    "validation",
                    epoch))
            .zipWithUniqueId() // unique ids without the extra pass zipWithIndex runs
            .map(
                r ->
                    new DistributedRecall.Item(
                        r._2(),
                        r._1()._2()._2(),
                        r._1()._2()._1().eastingM,
                        r._1()._2()._1().northingM))
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    double[] recall =
        DistributedRecall.recall(queries, db, recallAt, radiusM, 1024, counts.queries);
    db.unpersist(false);
    queries.unpersist(false);
    model.destroy();
    return recall;
  }

  private static void initialiseClusters(
      JavaSparkContext sc,
      MultiLayerNetwork net,
      ModelSpec spec,
      SplitData train,
      Counts counts,
      ImageReader reader,
      PipelineConfig s,
      TrainingQuarantine quarantine,
      Path staging,
      Progress progress) {
    if (spec.pooling() != Pooling.NETVLAD && spec.pooling() != Pooling.VLAD) {
      return;
    }
    long t = System.nanoTime();
    Broadcast<byte[]> model = sc.broadcast(ModelBytes.of(net, false));
    JavaRDD<float[]> features =
        ClusterSampling.sample(
                train.database,
                counts.database,
                model,
                reader,
                Math.toIntExact(s.get(ModelSettings.INIT_IMAGES)),
                Math.toIntExact(s.get(ModelSettings.INIT_FEATURES_PER_IMAGE)),
                s.get(TrainSettings.SEED),
                quarantine.rejected())
            .persist(StorageLevel.MEMORY_AND_DISK_SER());
    ClusterInit.Variant variant =
        ClusterInit.Variant.valueOf(
            s.get(ModelSettings.INIT_VARIANT).toUpperCase(java.util.Locale.ROOT));
    DistributedKMeans.Result km;
    try {
      km =
          DistributedKMeans.fit(
              sc,
              features,
              spec.clusters(),
              Math.toIntExact(s.get(ModelSettings.INIT_ITERATIONS)),
              variant,
              s.get(TrainSettings.SEED));
    } catch (IllegalArgumentException e) {
      quarantine.check(
          staging); // too few features because too many images were unreadable: say that
      throw new JobFailure(
          "the k-means initialisation: "
              + e.getMessage()
              + " (raise model.init-images or model.init-features-per-image, or lower"
              + " model.clusters)",
          e);
    } finally {
      features.unpersist(false);
      model.destroy();
    }
    quarantine.check(staging);
    ClusterInit.Summary summary =
        ClusterInit.fromCentres(
            net, km.centres(), km.meanGap(), variant, km.features(), km.iterations());
    progress.say(
        String.format(
            "initialised %d clusters by k-means over %d conv features sampled across the cluster"
                + " (%d iterations, alpha %.2f) in %.1f s",
            summary.clusters(),
            summary.features(),
            summary.iterations(),
            summary.alpha(),
            secondsSince(t)));
  }

  private static void loadBackboneWeights(
      MultiLayerNetwork net, PipelineConfig s, RunFolder run, Progress progress) {
    String uri = s.get(ModelSettings.BACKBONE_WEIGHTS);
    if (uri.isEmpty()) {
      return;
    }
    Path source = new Path(uri);
    try {
      java.nio.file.Path local = Files.createTempFile("backbone", ".model");
      try {
        source
            .getFileSystem(run.fs().getConf())
            .copyToLocalFile(false, source, new Path(local.toUri()), true);
        int copied = BackboneWeights.copyInto(net, local);
        progress.say("copied " + copied + " backbone convolutions from " + uri);
      } finally {
        Files.deleteIfExists(local);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new JobFailure("model.backbone-weights " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void checkSameModel(Map<String, Object> sidecar, PipelineConfig s, Path folder) {
    @SuppressWarnings("unchecked")
    Map<String, String> was = (Map<String, String>) sidecar.get("settings");
    List<String> changed =
        was == null
            ? List.of()
            : WarmStart.differences(was, s).stream().filter(d -> d.startsWith("model.")).toList();
    if (!changed.isEmpty()) {
      throw new JobFailure(
          "inconsistent settings: the checkpoint "
              + folder
              + " was trained with other model settings: "
              + String.join("; ", changed)
              + ". Use the same settings to resume, or --overwrite to start again");
    }
  }

  /** A checkpoint's sidecar: the history so far, the settings, and the training's lineage. */
  private static Map<String, Object> sidecar(
      TrainingHistory history,
      int epoch,
      MultiLayerNetwork net,
      PipelineConfig s,
      Map<String, Object> lineage) {
    Map<String, Object> sidecar = history.sidecar(epoch, net, s);
    sidecar.putAll(lineage);
    return sidecar;
  }

  private static void checkSameUpstream(
      Map<String, Object> sidecar, Map<String, String> upstream, Path folder) {
    List<String> changed = Lineage.changedUpstream(sidecar.get(Lineage.BUILT_FROM), upstream);
    if (!changed.isEmpty()) {
      throw new JobFailure(
          "cannot resume from checkpoint "
              + folder
              + ", which was trained on earlier outputs: "
              + String.join("; ", changed)
              + ". Use --overwrite to train again from the start");
    }
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  private static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
