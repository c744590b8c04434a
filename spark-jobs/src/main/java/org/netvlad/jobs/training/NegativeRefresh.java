package org.netvlad.jobs.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;
import org.netvlad.common.eval.RecallAtN;
import org.netvlad.common.hash.Hash;
import org.netvlad.common.mining.HardNegatives;
import org.netvlad.common.mining.NegativeSampler;
import scala.Tuple2;

/**
 * The per-epoch hard-negative cache refresh (docs/architecture.md): for every query, random
 * definite negatives plus its cached hard negatives of the previous refresh, scored with the
 * current descriptors, the hardest that violate the margin kept, and its best positive.
 *
 * <p>Bounded memory without a matrix of all queries x all negatives: database descriptors are split
 * into blocks by database index; each query sends one request per block it has candidates in (its
 * descriptor and those candidates' indices); each block scores the requests it receives; the few
 * candidates per block that can be chosen are grouped back by query. Database images without a
 * descriptor (unreadable) are left out of the candidates and positives; queries without a
 * descriptor, or whose positives are all unreadable, get no entry.
 */
public final class NegativeRefresh {
  private NegativeRefresh() {}

  /** How one refresh draws and keeps negatives. */
  public record Params(long seed, int epoch, int candidates, int keep, double margin)
      implements Serializable {}

  /** What a refresh found for one query. */
  public static final class Entry implements Serializable {
    private static final long serialVersionUID = 1L;
    public String queryId;
    public String queryPath;
    public long bestPositiveDbIndex;
    public String bestPositiveId;
    public String bestPositivePath;
    public double bestPositiveSqDistance;

    /** Negatives that violate the margin, hardest first, at most {@code keep}. */
    public long[] hardNegativeDbIndices;

    public String[] hardNegativeIds;
    public double[] hardNegativeSqDistances;

    /** The {@code keep} nearest candidates (the violating ones first), for a fixed-size tuple. */
    public String[] tupleNegativePaths;

    public boolean trains(int keep) {
      return hardNegativeDbIndices.length > 0 && tupleNegativePaths.length == keep;
    }
  }

  static final class Request implements Serializable {
    private static final long serialVersionUID = 1L;
    String queryId;
    String queryPath;
    float[] descriptor;
    long[] dbIndices;
    boolean[] positive;
  }

  /** Scored candidates and positives of one query (parallel lists). */
  static final class Scored implements Serializable {
    private static final long serialVersionUID = 1L;
    String queryPath;
    final List<Long> dbIndex = new ArrayList<>();
    final List<String> id = new ArrayList<>();
    final List<String> path = new ArrayList<>();
    final List<Double> sqDistance = new ArrayList<>();
    final List<Boolean> positive = new ArrayList<>();

    void add(long index, String imageId, String imagePath, double d2, boolean isPositive) {
      dbIndex.add(index);
      id.add(imageId);
      path.add(imagePath);
      sqDistance.add(d2);
      positive.add(isPositive);
    }

    Scored merge(Scored other) {
      dbIndex.addAll(other.dbIndex);
      id.addAll(other.id);
      path.addAll(other.path);
      sqDistance.addAll(other.sqDistance);
      positive.addAll(other.positive);
      return this;
    }
  }

  /**
   * @param dbDescriptors descriptors of the readable database images
   * @param queryDescriptors descriptors of the readable queries
   * @param previousHard each query's hard negatives of the previous refresh (may be empty)
   * @param blocks how many blocks the database descriptors are split into
   */
  public static JavaRDD<Entry> refresh(
      SplitData data,
      JavaPairRDD<Long, float[]> dbDescriptors,
      JavaPairRDD<String, float[]> queryDescriptors,
      JavaPairRDD<String, long[]> previousHard,
      Params params,
      int blocks) {
    HashPartitioner byBlock = new HashPartitioner(blocks);
    JavaPairRDD<Integer, Request> requests =
        data.queries
            .mapToPair(q -> new Tuple2<>(q.queryId, q))
            .join(queryDescriptors)
            .leftOuterJoin(previousHard)
            .flatMapToPair(
                row ->
                    requests(row._2()._1()._1(), row._2()._1()._2(), row._2()._2(), params, blocks))
            .partitionBy(byBlock);
    // an unreadable image keeps its place with a null descriptor: neither candidate nor positive
    JavaPairRDD<Integer, Tuple2<SplitData.DbImage, float[]>> database =
        data.database
            .mapToPair(d -> new Tuple2<>(d.dbIndex, d))
            .leftOuterJoin(dbDescriptors)
            .mapToPair(
                row ->
                    new Tuple2<>(
                        (int) Math.floorMod(row._1(), (long) blocks),
                        new Tuple2<>(row._2()._1(), row._2()._2().orNull())))
            .partitionBy(byBlock);
    return database
        .zipPartitions(requests, (block, rs) -> score(block, rs, params.keep()))
        .mapToPair(s -> s)
        .reduceByKey(Scored::merge)
        .filter(
            row ->
                row._2().positive.contains(true)) // every positive unreadable: the query sits out
        .map(row -> select(row._1(), row._2(), params));
  }

  private static Iterator<Tuple2<Integer, Request>> requests(
      SplitData.Query q, float[] descriptor, Optional<long[]> cached, Params params, int blocks) {
    SplittableRandom random =
        new SplittableRandom(Hash.ofId(params.seed(), params.epoch(), q.queryId));
    LinkedHashSet<Long> candidates = new LinkedHashSet<>();
    for (long n :
        NegativeSampler.draw(
            q.databaseCount, q.nonNegativeDbIndices, params.candidates(), random)) {
      candidates.add(n);
    }
    if (cached.isPresent()) {
      for (long n : cached.get()) {
        candidates.add(n);
      }
    }
    Map<Integer, List<Long>> indicesByBlock = new HashMap<>();
    Map<Integer, List<Boolean>> positiveByBlock = new HashMap<>();
    for (long p : q.positiveDbIndices) {
      int b = (int) Math.floorMod(p, (long) blocks);
      indicesByBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(p);
      positiveByBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(true);
    }
    for (long n : candidates) {
      int b = (int) Math.floorMod(n, (long) blocks);
      indicesByBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(n);
      positiveByBlock.computeIfAbsent(b, k -> new ArrayList<>()).add(false);
    }
    List<Tuple2<Integer, Request>> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Long>> e : indicesByBlock.entrySet()) {
      Request r = new Request();
      r.queryId = q.queryId;
      r.queryPath = q.path;
      r.descriptor = descriptor;
      r.dbIndices = e.getValue().stream().mapToLong(Long::longValue).toArray();
      List<Boolean> flags = positiveByBlock.get(e.getKey());
      r.positive = new boolean[flags.size()];
      for (int i = 0; i < flags.size(); i++) {
        r.positive[i] = flags.get(i);
      }
      out.add(new Tuple2<>(e.getKey(), r));
    }
    return out.iterator();
  }

  /**
   * Scores each request against its block. Only what can be chosen leaves the block: the block's
   * best positive and its {@code keep} nearest negatives (ties to the lower database index, as in
   * {@link #select}), so the shuffle back to the queries carries a few candidates per block, not
   * every one of the ~1,000.
   */
  private static Iterator<Tuple2<String, Scored>> score(
      Iterator<Tuple2<Integer, Tuple2<SplitData.DbImage, float[]>>> block,
      Iterator<Tuple2<Integer, Request>> requests,
      int keep) {
    Map<Long, Tuple2<SplitData.DbImage, float[]>> byIndex = new HashMap<>();
    block.forEachRemaining(row -> byIndex.put(row._2()._1().dbIndex, row._2()));
    List<Tuple2<String, Scored>> out = new ArrayList<>();
    while (requests.hasNext()) {
      Request r = requests.next()._2();
      int n = r.dbIndices.length;
      double[] d2 = new double[n];
      int bestPositive = -1;
      List<Integer> negatives = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Tuple2<SplitData.DbImage, float[]> image = byIndex.get(r.dbIndices[i]);
        if (image == null) {
          throw new IllegalStateException(
              "query "
                  + r.queryId
                  + " names database index "
                  + r.dbIndices[i]
                  + ", which panoramas/ does not hold: tuples/, negcache/ and panoramas/ are not"
                  + " all from the same mine-tuples run");
        }
        if (image._2() == null) {
          continue; // unreadable (training/rejected-images lists it)
        }
        d2[i] = RecallAtN.squaredDistance(r.descriptor, image._2());
        if (!r.positive[i]) {
          negatives.add(i);
        } else if (bestPositive < 0 || nearer(d2, r.dbIndices, i, bestPositive)) {
          bestPositive = i;
        }
      }
      negatives.sort((a, b) -> a.equals(b) ? 0 : nearer(d2, r.dbIndices, a, b) ? -1 : 1);
      List<Integer> kept = new ArrayList<>(negatives.subList(0, Math.min(keep, negatives.size())));
      if (bestPositive >= 0) {
        kept.add(bestPositive);
      }
      Scored s = new Scored();
      s.queryPath = r.queryPath;
      for (int i : kept) {
        SplitData.DbImage image = byIndex.get(r.dbIndices[i])._1();
        s.add(r.dbIndices[i], image.imageId, image.path, d2[i], r.positive[i]);
      }
      out.add(new Tuple2<>(r.queryId, s));
    }
    return out.iterator();
  }

  /**
   * Whether candidate a is nearer than b: smaller distance, ties to the lower database index (a !=
   * b).
   */
  private static boolean nearer(double[] d2, long[] dbIndices, int a, int b) {
    return d2[a] != d2[b] ? Double.compare(d2[a], d2[b]) < 0 : dbIndices[a] < dbIndices[b];
  }

  /** The paper's choice for one query, ties broken by database index. */
  static Entry select(String queryId, Scored s, Params params) {
    Integer[] order = new Integer[s.dbIndex.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(s.dbIndex.get(a), s.dbIndex.get(b)));
    List<Integer> positives = new ArrayList<>();
    List<Integer> negatives = new ArrayList<>();
    for (int i : order) {
      (s.positive.get(i) ? positives : negatives).add(i);
    }
    double[] positiveD2 = positives.stream().mapToDouble(i -> s.sqDistance.get(i)).toArray();
    double[] negativeD2 = negatives.stream().mapToDouble(i -> s.sqDistance.get(i)).toArray();
    int best = positives.get(HardNegatives.bestPositive(positiveD2));
    Entry e = new Entry();
    e.queryId = queryId;
    e.queryPath = s.queryPath;
    e.bestPositiveDbIndex = s.dbIndex.get(best);
    e.bestPositiveId = s.id.get(best);
    e.bestPositivePath = s.path.get(best);
    e.bestPositiveSqDistance = s.sqDistance.get(best);
    int[] hard =
        HardNegatives.select(negativeD2, e.bestPositiveSqDistance, params.margin(), params.keep());
    e.hardNegativeDbIndices = new long[hard.length];
    e.hardNegativeIds = new String[hard.length];
    e.hardNegativeSqDistances = new double[hard.length];
    for (int k = 0; k < hard.length; k++) {
      int i = negatives.get(hard[k]);
      e.hardNegativeDbIndices[k] = s.dbIndex.get(i);
      e.hardNegativeIds[k] = s.id.get(i);
      e.hardNegativeSqDistances[k] = s.sqDistance.get(i);
    }
    int[] tuple = HardNegatives.forTuple(negativeD2, params.keep());
    e.tupleNegativePaths = new String[tuple.length];
    for (int k = 0; k < tuple.length; k++) {
      e.tupleNegativePaths[k] = s.path.get(negatives.get(tuple[k]));
    }
    return e;
  }
}
