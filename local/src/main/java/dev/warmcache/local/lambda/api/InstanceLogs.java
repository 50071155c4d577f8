package dev.warmcache.local.lambda.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each Lambda instance wrote to stdout and stderr, for {@code LogType: Tail}. The pool runs
 * every instance on its own thread named {@code lambda-<function>-<instance>}, and the handlers log
 * to the process's console (Powertools, LambdaLogger, System.out), so the twin tees the console and
 * keeps the latest output of each instance thread. Everything still reaches the real console.
 */
final class InstanceLogs {

  private static final String THREAD_PREFIX = "lambda-";

  /**
   * Per instance; AWS returns the last 4 KB of an invocation's log, this leaves room for long
   * lines.
   */
  private static final int KEEP_BYTES = 64 * 1024;

  private static final int MAX_INSTANCES = 512;
  private static InstanceLogs installed;

  private final Map<String, Log> logs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Log> eldest) {
          return size() > MAX_INSTANCES;
        }
      };

  private InstanceLogs() {}

  /** Tees {@code System.out} and {@code System.err} once per process; later calls share it. */
  static synchronized InstanceLogs install() {
    if (installed == null) {
      InstanceLogs instanceLogs = new InstanceLogs();
      System.setOut(new PrintStream(instanceLogs.tee(System.out), true));
      System.setErr(new PrintStream(instanceLogs.tee(System.err), true));
      installed = instanceLogs;
    }
    return installed;
  }

  /** How much each instance of {@code function} has written so far. */
  synchronized Map<String, Long> positions(String function) {
    Map<String, Long> positions = new HashMap<>();
    String prefix = THREAD_PREFIX + function + "-";
    logs.forEach(
        (thread, log) -> {
          if (thread.startsWith(prefix)) {
            positions.put(thread, log.written);
          }
        });
    return positions;
  }

  /** What the instance wrote after {@code before} was taken (all it kept, for a new instance). */
  synchronized byte[] since(String function, String instanceId, Map<String, Long> before) {
    String thread = THREAD_PREFIX + function + "-" + instanceId;
    Log log = logs.get(thread);
    if (log == null) {
      return new byte[0];
    }
    long from = before.getOrDefault(thread, 0L);
    byte[] kept = log.kept.toByteArray();
    long keptFrom = log.written - kept.length;
    int skip = (int) Math.max(0, Math.min(kept.length, from - keptFrom));
    byte[] out = new byte[kept.length - skip];
    System.arraycopy(kept, skip, out, 0, out.length);
    return out;
  }

  private synchronized void record(String thread, byte[] bytes, int offset, int length) {
    Log log = logs.computeIfAbsent(thread, t -> new Log());
    log.written += length;
    log.kept.write(bytes, offset, length);
    if (log.kept.size() > 2 * KEEP_BYTES) {
      byte[] all = log.kept.toByteArray();
      log.kept.reset();
      log.kept.write(all, all.length - KEEP_BYTES, KEEP_BYTES);
    }
  }

  private OutputStream tee(PrintStream console) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        console.write(bytes, offset, length);
        String thread = Thread.currentThread().getName();
        if (thread.startsWith(THREAD_PREFIX)) {
          record(thread, bytes, offset, length);
        }
      }

      @Override
      public void flush() throws IOException {
        console.flush();
      }
    };
  }

  private static final class Log {
    long written;
    final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  }
}
