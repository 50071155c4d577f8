package dev.warmcache.local.stepfunctions.engine;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The finished executions the engine keeps for Describe, List and History: the newest, up to a
 * count and a total size, whichever binds first, so a long-lived twin stays bounded however large
 * its executions' inputs and histories are. The newest finished execution is always kept, so the
 * caller who waited for it can read it. Safe to use from any thread: executions finish on the
 * sidecar's reader thread, on task threads and on callers of StopExecution at once.
 *
 * @param <T> the retained record
 */
final class Retention<T> {

  private record Kept<T>(T run, long bytes) {}

  private final int maxCount;
  private final long maxBytes;
  private final Consumer<T> forget;

  /** Finished runs, earliest first; guarded by this. */
  private final ArrayDeque<Kept<T>> finished = new ArrayDeque<>();

  private long bytes;

  /**
   * @param forget drops a run from the engine's records; called with this retention's lock held
   */
  Retention(int maxCount, long maxBytes, Consumer<T> forget) {
    if (maxCount < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("retention needs room for at least one execution");
    }
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
    this.forget = forget;
  }

  /**
   * Keeps a just-finished run of about {@code size} bytes, forgetting the earliest while over
   * either bound. A queue walk, not a sort of every retained run (which cost a tenth of the twin's
   * CPU at 100 refreshes a second, docs/scale.md).
   */
  synchronized void finished(T run, long size) {
    finished.addLast(new Kept<>(run, size));
    bytes += size;
    while (finished.size() > maxCount || (bytes > maxBytes && finished.size() > 1)) {
      Kept<T> oldest = finished.removeFirst();
      bytes -= oldest.bytes();
      forget.accept(oldest.run());
    }
  }

  synchronized int count() {
    return finished.size();
  }

  synchronized long bytes() {
    return bytes;
  }
}
