package org.netvlad.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.netvlad.common.data.FrameProjector;
import org.netvlad.common.data.RejectReason;
import org.netvlad.common.data.Role;
import org.netvlad.common.geo.UtmZone;

/**
 * What ingest needs to know of the parsed rows, counted in one pass: rows, rows per zone,
 * rejections per reason, and accepted database images per input partition and split (a pass for
 * each cost more in scheduling than in work).
 */
final class OutcomeCounts {
  /** One count per (partition, split, role, zone, reason): a few thousand at most. */
  private record Group(
      int partition, String split, String role, String zone, String reason, long rows) {
    Group withRows(long n) {
      return new Group(partition, split, role, zone, reason, n);
    }
  }

  private final List<Group> groups;

  private OutcomeCounts(List<Group> groups) {
    this.groups = groups;
  }

  /**
   * Counts the rows of {@link org.netvlad.jobs.io.Tables#OUTCOME}, by the partition they are in.
   */
  static OutcomeCounts of(Dataset<Row> outcomes) {
    List<Group> groups =
        outcomes
            .groupBy(
                spark_partition_id(), col("split"), col("role"), col("utm_zone"), col("reason"))
            .count()
            .collectAsList()
            .stream()
            .map(
                r ->
                    new Group(
                        r.getInt(0),
                        r.getString(1),
                        r.getString(2),
                        r.getString(3),
                        r.getString(4),
                        r.getLong(5)))
            .toList();
    return new OutcomeCounts(groups);
  }

  /**
   * These counts less those of some of the same rows ({@code removed}, counted by {@link #of} from
   * a subset that kept its partitions).
   */
  OutcomeCounts minus(OutcomeCounts removed) {
    Map<Group, Long> left = new LinkedHashMap<>();
    groups.forEach(g -> left.put(g.withRows(0), g.rows));
    removed.groups.forEach(g -> left.merge(g.withRows(0), -g.rows, Long::sum));
    List<Group> out = new ArrayList<>();
    left.forEach(
        (g, rows) -> {
          if (rows != 0) {
            out.add(g.withRows(rows));
          }
        });
    return new OutcomeCounts(out);
  }

  long rows() {
    return groups.stream().mapToLong(Group::rows).sum();
  }

  /**
   * The zone holding most rows that have a position (accepted, or outside the frame), as {@code
   * geo.frame-zone=auto} chooses it; null when none has.
   */
  UtmZone mostRowsZone() {
    Map<String, Long> rowsByZone = new TreeMap<>();
    for (Group g : groups) {
      if (g.zone != null
          && (g.reason == null || g.reason.equals(RejectReason.OUTSIDE_FRAME.code()))) {
        rowsByZone.merge(g.zone, g.rows, Long::sum);
      }
    }
    return rowsByZone.isEmpty() ? null : FrameProjector.chooseZone("auto", rowsByZone);
  }

  /** Rejected rows per reason code. */
  Map<String, Long> rejectedByReason() {
    Map<String, Long> out = new HashMap<>();
    for (Group g : groups) {
      if (g.reason != null) {
        out.merge(g.reason, g.rows, Long::sum);
      }
    }
    return out;
  }

  /** Rows with a role and no rejection reason, per split. */
  Map<String, Long> validBySplit(Role role) {
    Map<String, Long> out = new TreeMap<>();
    for (Group g : groups) {
      if (g.reason == null && role.text().equals(g.role)) {
        out.merge(g.split, g.rows, Long::sum);
      }
    }
    return out;
  }

  /** For each of {@code partitions} partitions, the database index each split starts at in it. */
  Map<Integer, Map<String, Long>> databaseOffsets(int partitions) {
    Map<Integer, Map<String, Long>> countsByPartition = new TreeMap<>();
    for (Group g : groups) {
      if (g.reason == null && Role.DATABASE.text().equals(g.role)) {
        countsByPartition
            .computeIfAbsent(g.partition, k -> new TreeMap<>())
            .merge(g.split, g.rows, Long::sum);
      }
    }
    return Ingest.offsets(countsByPartition, partitions);
  }

  /** Counts per reason, most frequent first (ties by code), as the summary lists them. */
  static Map<String, Long> mostFrequentFirst(Map<String, Long> byReason) {
    Map<String, Long> out = new LinkedHashMap<>();
    byReason.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
