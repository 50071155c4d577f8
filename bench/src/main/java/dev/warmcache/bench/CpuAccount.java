package dev.warmcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CPU time this process spent between {@link #start} and {@link #stop}, split by the names of the
 * Java threads that spent it; what no Java thread accounts for (JIT compiler threads, the garbage
 * collector, the VM's own threads) is reported as one more part. Thread CPU time includes the time
 * a thread spends inside the VM loading, linking and verifying classes, which sampling profilers do
 * not attribute.
 */
final class CpuAccount {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Map<Long, Long> before;
  private final long processBefore;

  private CpuAccount(Map<Long, Long> before, long processBefore) {
    this.before = before;
    this.processBefore = processBefore;
  }

  static CpuAccount start() {
    return new CpuAccount(threadCpu(), processCpu());
  }

  /** Milliseconds of CPU by part ({@code part} names a thread's part), plus the process's rest. */
  ObjectNode stop(Function<String, String> part) {
    long process = processCpu() - processBefore;
    Map<String, Long> byPart = new TreeMap<>();
    long threads = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long now = THREADS.getThreadCpuTime(info.getThreadId());
      if (now < 0) {
        continue;
      }
      long spent = now - before.getOrDefault(info.getThreadId(), 0L);
      threads += spent;
      byPart.merge(part.apply(info.getThreadName()), spent, Long::sum);
    }
    ObjectNode out = JSON.createObjectNode();
    byPart.forEach((name, nanos) -> out.put(name, nanos / 1_000_000));
    out.put("JIT compilers, collector and VM threads", Math.max(0, process - threads) / 1_000_000);
    out.put("total (the process)", process / 1_000_000);
    return out;
  }

  private static Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      cpu.put(id, THREADS.getThreadCpuTime(id));
    }
    return cpu;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
