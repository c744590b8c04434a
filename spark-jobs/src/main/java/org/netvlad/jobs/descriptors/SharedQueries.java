package org.netvlad.jobs.descriptors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.netvlad.common.eval.BlockTopN;
import org.netvlad.common.eval.NativeRows;

/**
 * The broadcast query blocks of one search in native memory, made once per executor and shared by
 * its tasks (each task copying them again cost a tenth of its time). Freed when the last task using
 * them releases them.
 */
final class SharedQueries implements AutoCloseable {
  private static final Map<Long, SharedQueries> OPEN = new HashMap<>();

  private final long broadcastId;
  private final List<NativeRows> rows;
  private int users;

  private SharedQueries(long broadcastId, List<NativeRows> rows) {
    this.broadcastId = broadcastId;
    this.rows = rows;
  }

  /** The rows of the broadcast's blocks, made by the first task that asks; close to release. */
  static SharedQueries acquire(long broadcastId, List<BlockTopN.Block> blocks) {
    synchronized (OPEN) {
      SharedQueries shared = OPEN.get(broadcastId);
      if (shared == null) {
        List<NativeRows> rows = new ArrayList<>();
        try {
          for (BlockTopN.Block block : blocks) {
            rows.add(NativeRows.of(block));
          }
        } catch (RuntimeException | Error e) {
          rows.forEach(NativeRows::close);
          throw e;
        }
        shared = new SharedQueries(broadcastId, rows);
        OPEN.put(broadcastId, shared);
      }
      shared.users++;
      return shared;
    }
  }

  List<NativeRows> rows() {
    return rows;
  }

  /** Number of searches holding rows in native memory on this JVM (for tests). */
  static int open() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }

  @Override
  public void close() {
    synchronized (OPEN) {
      if (--users == 0) {
        OPEN.remove(broadcastId);
        rows.forEach(NativeRows::close);
      }
    }
  }
}
