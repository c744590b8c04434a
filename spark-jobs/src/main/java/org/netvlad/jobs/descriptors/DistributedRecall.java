package org.netvlad.jobs.descriptors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.netvlad.common.eval.BlockTopN;
import org.netvlad.common.eval.NativeRows;
import org.netvlad.common.eval.TopList;
import scala.Tuple2;

/**
 * Exact Recall@N across the cluster: blocks of query descriptors against blocks of database
 * descriptors (a product of blocks, never of rows), distances by GEMM, each query's N nearest kept
 * in a bounded list per block pair and merged by query. Only the first correct rank of each query
 * reaches the driver, as counts.
 */
public final class DistributedRecall {
  /**
   * A descriptor with its index and metric position (a class: Spark's Kryo cannot fill records).
   */
  public static final class Item implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final long index;
    final float[] descriptor;
    final double eastingM;
    final double northingM;

    public Item(long index, float[] descriptor, double eastingM, double northingM) {
      this.index = index;
      this.descriptor = descriptor;
      this.eastingM = eastingM;
      this.northingM = northingM;
    }
  }

  /** Queries up to this size (of their descriptors) are broadcast to the database's tasks. */
  public static final long BROADCAST_QUERY_BYTES = 256L << 20;

  private DistributedRecall() {}

  /**
   * Each query's merged N nearest, keyed by query index. Queries that fit in {@value
   * #BROADCAST_QUERY_BYTES} bytes go to every task whole (broadcast), and each task writes its
   * database rows straight into native memory and searches them against every query block; more
   * queries than that are paired with the database block by block.
   */
  public static JavaPairRDD<Long, TopList> topN(
      JavaRDD<Item> queries, JavaRDD<Item> database, int n, double radiusM, int blockRows) {
    return topN(queries, database, n, radiusM, blockRows, BROADCAST_QUERY_BYTES);
  }

  /**
   * As {@link #topN(JavaRDD, JavaRDD, int, double, int)}, broadcasting queries up to {@code
   * broadcastBytes}.
   */
  public static JavaPairRDD<Long, TopList> topN(
      JavaRDD<Item> queries,
      JavaRDD<Item> database,
      int n,
      double radiusM,
      int blockRows,
      long broadcastBytes) {
    JavaRDD<BlockTopN.Block> queryBlocks = queries.mapPartitions(items -> blocks(items, blockRows));
    long queryValues = queryBlocks.map(b -> (long) b.flat().length).fold(0L, Long::sum);
    if (queryValues * Float.BYTES > broadcastBytes) {
      JavaRDD<BlockTopN.Block> dbBlocks = database.mapPartitions(items -> blocks(items, blockRows));
      return topN(queryBlocks, dbBlocks, n, radiusM);
    }
    Broadcast<List<BlockTopN.Block>> shared =
        JavaSparkContext.fromSparkContext(queries.context()).broadcast(queryBlocks.collect());
    return database
        .mapPartitionsToPair(items -> searchPartition(shared, items, n, radiusM, blockRows))
        .reduceByKey(TopList::merge);
  }

  /**
   * The query blocks against one partition of the database, its rows read into native memory block
   * by block.
   */
  private static Iterator<Tuple2<Long, TopList>> searchPartition(
      Broadcast<List<BlockTopN.Block>> queryBlocks,
      Iterator<Item> items,
      int n,
      double radiusM,
      int blockRows) {
    TaskThreads.apply();
    List<Tuple2<Long, TopList>> out = new ArrayList<>();
    try (SharedQueries queries = SharedQueries.acquire(queryBlocks.id(), queryBlocks.value())) {
      // one list per query for the whole partition: later blocks only offer what beats it
      List<TopList[]> lists = new ArrayList<>();
      for (NativeRows q : queries.rows()) {
        lists.add(BlockTopN.emptyLists(q.rows(), n));
      }
      while (items.hasNext()) {
        Item first = items.next();
        try (NativeRows db = new NativeRows(blockRows, first.descriptor.length)) {
          db.add(first.index, first.descriptor, first.eastingM, first.northingM);
          while (!db.isFull() && items.hasNext()) {
            Item it = items.next();
            db.add(it.index, it.descriptor, it.eastingM, it.northingM);
          }
          for (int b = 0; b < lists.size(); b++) {
            BlockTopN.searchInto(queries.rows().get(b), db, radiusM, lists.get(b));
          }
        }
      }
      for (int b = 0; b < lists.size(); b++) {
        NativeRows q = queries.rows().get(b);
        for (int i = 0; i < q.rows(); i++) {
          if (lists.get(b)[i].size() > 0) {
            out.add(new Tuple2<>(q.index(i), lists.get(b)[i]));
          }
        }
      }
    }
    return out.iterator();
  }

  /** Each query's merged N nearest over every pair of a query block and a database block. */
  public static JavaPairRDD<Long, TopList> topN(
      JavaRDD<BlockTopN.Block> queryBlocks,
      JavaRDD<BlockTopN.Block> dbBlocks,
      int n,
      double radiusM) {
    return queryBlocks
        .cartesian(dbBlocks)
        .flatMapToPair(
            pair -> {
              TaskThreads.apply();
              TopList[] lists = BlockTopN.search(pair._1(), pair._2(), n, radiusM);
              List<Tuple2<Long, TopList>> out = new ArrayList<>(lists.length);
              for (int i = 0; i < lists.length; i++) {
                out.add(new Tuple2<>(pair._1().indices()[i], lists[i]));
              }
              return out.iterator();
            })
        .reduceByKey(TopList::merge);
  }

  /** Recall@N for each N of {@code ns} over every query. */
  public static double[] recall(
      JavaRDD<Item> queries, JavaRDD<Item> database, int[] ns, double radiusM, int blockRows) {
    return recall(queries, database, ns, radiusM, blockRows, queries.count());
  }

  /**
   * Recall@N for each N of {@code ns}, out of {@code queryCount} queries (those not given count as
   * missed).
   */
  public static double[] recall(
      JavaRDD<Item> queries,
      JavaRDD<Item> database,
      int[] ns,
      double radiusM,
      int blockRows,
      long queryCount) {
    if (queryCount == 0) {
      return new double[ns.length];
    }
    Map<Integer, Long> byRank =
        topN(queries, database, ns[ns.length - 1], radiusM, blockRows)
            .map(t -> t._2().firstCorrectRank())
            .countByValue();
    double[] out = new double[ns.length];
    for (int k = 0; k < ns.length; k++) {
      long hits = 0;
      for (Map.Entry<Integer, Long> e : byRank.entrySet()) {
        if (e.getKey() >= 1 && e.getKey() <= ns[k]) {
          hits += e.getValue();
        }
      }
      out[k] = (double) hits / queryCount;
    }
    return out;
  }

  /** A partition's items as blocks of at most {@code blockRows} rows. */
  public static Iterator<BlockTopN.Block> blocks(Iterator<Item> items, int blockRows) {
    List<BlockTopN.Block> out = new ArrayList<>();
    List<Item> chunk = new ArrayList<>();
    while (items.hasNext()) {
      chunk.add(items.next());
      if (chunk.size() == blockRows || !items.hasNext()) {
        int n = chunk.size();
        int dims = chunk.get(0).descriptor.length;
        float[] flat = new float[n * dims];
        long[] idx = new long[n];
        double[] e = new double[n];
        double[] nn = new double[n];
        for (int i = 0; i < n; i++) {
          Item it = chunk.get(i);
          if (it.descriptor.length != dims) {
            throw new IllegalArgumentException(
                "descriptor of item "
                    + it.index
                    + " has "
                    + it.descriptor.length
                    + " values, others "
                    + dims);
          }
          System.arraycopy(it.descriptor, 0, flat, i * dims, dims);
          idx[i] = it.index;
          e[i] = it.eastingM;
          nn[i] = it.northingM;
        }
        out.add(new BlockTopN.Block(flat, dims, idx, e, nn));
        chunk.clear();
      }
    }
    return out.iterator();
  }
}
