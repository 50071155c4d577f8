package dev.warmcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.lambda.pool.InstanceInfo;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.measure.Fleet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast the twin starts reader instances and what a fleet of them costs, with the function's
 * third-party classes shared by its instances and without (every instance loading the whole jar, as
 * before), and with the twin's JVM flags ({@code local/twin-jvm.args}: the Lambda Java runtime's
 * C1-only JIT and serial collector, and a metaspace high-water mark) and without them. Each column
 * runs in a fresh JVM of its own, so resident memory and metaspace are its alone; the driver prints
 * them side by side. In each: the function's first instance, five single cold instances beside a
 * warm one, then two bursts of 64 concurrent reads of one key, each on an instance of its own (the
 * twin's first burst, and a later one once those 64 are gone).
 *
 * <pre>
 * mvn -B -pl bench -am -Pinstances -DskipTests verify   # writes bench/target/instance-results.txt
 * </pre>
 */
public final class InstanceBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FLEET = 64;
  private static final int SINGLES = 5;

  private InstanceBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--mode") || args[0].equals("--burst"))) {
      try {
        System.out.println(
            "RESULT "
                + (args[0].equals("--mode")
                    ? measure(Boolean.parseBoolean(args[1]))
                    : WireBurst.measure(args[1].equals("wire"))));
        System.exit(0);
      } catch (Exception | Error e) {
        e.printStackTrace();
        // Twin threads must not keep a failed run alive.
        System.exit(1);
      }
    }
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/instance-results.txt");
    JsonNode isolated = child(false, true);
    JsonNode defaults = child(true, false);
    JsonNode shared = child(true, true);
    JsonNode inProcess = child(List.of("--burst", "in-process"), true);
    JsonNode wire = child(List.of("--burst", "wire"), true);
    String report = table(isolated, defaults, shared) + "\n" + wireTable(inProcess, wire);
    ReportFile.finish(file, report);
  }

  /**
   * One mode in a fresh JVM with this one's class path and heap limit, and with the twin's JVM
   * flags (local/twin-jvm.args, which started this JVM) or without them (the JVM's defaults).
   */
  private static JsonNode child(boolean shared, boolean twinFlags)
      throws IOException, InterruptedException {
    return child(List.of("--mode", Boolean.toString(shared)), twinFlags);
  }

  /** One measurement ({@code mode}: the child's arguments) in a fresh JVM. */
  private static JsonNode child(List<String> mode, boolean twinFlags)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> twinFlags ? a.startsWith("-X") : a.startsWith("-Xmx"))
        .forEach(command::add);
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), InstanceBench.class.getName()));
    command.addAll(mode);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String result = null;
    for (String line :
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("RESULT ")) {
        result = line.substring("RESULT ".length());
      }
    }
    if (p.waitFor() != 0 || result == null) {
      throw new IllegalStateException(
          "the run " + mode + (twinFlags ? "" : " (JVM defaults)") + " failed");
    }
    return JSON.readTree(result);
  }

  private static ObjectNode measure(boolean shared) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .sharedLibraries(shared)
                    .settings(Map.of("PRIME_FANOUT", "0", "MISS_WAIT_MS", "10000"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      fleet.seed(
          Item.builder(ItemId.of("1"))
              .value("{\"one\":1}")
              .contentType("application/json")
              .version(1)
              .fetchedAtMillis(System.currentTimeMillis())
              .expiresAtEpochSeconds(System.currentTimeMillis() / 1000 + 3600)
              .build());

      // The function's first instance, then single cold instances beside a warm one.
      twin.lambda().provision(Twin.READER, 1);
      out.put("firstInitMs", initMillis(twin).get(0));
      List<Double> singles = new ArrayList<>();
      for (int i = 0; i < SINGLES; i++) {
        twin.lambda().provision(Twin.READER, 2);
        List<Double> inits = initMillis(twin);
        singles.add(inits.get(inits.size() - 1));
        twin.lambda().reclaimAll(Twin.READER);
        twin.lambda().provision(Twin.READER, 1);
      }
      out.put("coldInitMedianMs", percentile(singles, 50));
      twin.lambda().reclaimAll(Twin.READER);

      // 64 concurrent first reads of one key, each on an instance of its own: first in a twin that
      // has not answered a read yet (so the shared classes of the read path load and compile in the
      // burst), then again once those 64 instances are gone.
      burst(twin, "firstBurst", out);
      twin.lambda().reclaimAll(Twin.READER);
      System.gc();
      burst(twin, "", out);
      out.put("instances", twin.lambda().instances(Twin.READER).size());

      System.gc();
      Thread.sleep(500);
      out.put("rssMb", rssKb() / 1024.0);
      out.put(
          "metaspaceMb",
          ManagementFactory.getMemoryPoolMXBeans().stream()
                  .filter(p -> p.getName().equals("Metaspace"))
                  .mapToLong(p -> p.getUsage().getUsed())
                  .sum()
              / 1048576.0);
      out.put("loadedClasses", ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }
    return out;
  }

  /** 64 concurrent reads of one key, each starting its own instance; figures keyed by prefix. */
  private static void burst(Twin twin, String prefix, ObjectNode out) throws Exception {
    byte[] read = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    ExecutorService callers = Executors.newFixedThreadPool(FLEET);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<double[]>> calls = new ArrayList<>();
    for (int i = 0; i < FLEET; i++) {
      calls.add(
          callers.submit(
              () -> {
                go.await();
                long start = System.nanoTime();
                InvocationResult r = twin.lambda().invoke(Twin.READER, read);
                double took = (System.nanoTime() - start) / 1e6;
                return new double[] {took, r.functionError() == null ? 0 : 1};
              }));
    }
    go.countDown();
    List<Double> latencies = new ArrayList<>();
    int errors = 0;
    for (Future<double[]> call : calls) {
      double[] r = call.get();
      latencies.add(r[0]);
      errors += (int) r[1];
    }
    callers.shutdown();
    List<Double> inits = initMillis(twin);
    List<Double> firstReads = firstReadMillis(twin);
    out.put(key(prefix, "readP50Ms"), percentile(latencies, 50));
    out.put(key(prefix, "readP99Ms"), percentile(latencies, 99));
    out.put(key(prefix, "readErrors"), errors);
    out.put(
        key(prefix, "initMaxMs"), inits.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    out.put(key(prefix, "firstReadP50Ms"), percentile(firstReads, 50));
    out.put(key(prefix, "firstReadP99Ms"), percentile(firstReads, 99));
  }

  private static String key(String prefix, String field) {
    return prefix.isEmpty()
        ? field
        : prefix + Character.toUpperCase(field.charAt(0)) + field.substring(1);
  }

  private static List<Double> initMillis(Twin twin) {
    return twin.lambda().instances(Twin.READER).stream()
        .sorted((a, b) -> a.startedAt().compareTo(b.startedAt()))
        .map(InstanceInfo::initDuration)
        .map(d -> d.toNanos() / 1e6)
        .toList();
  }

  /**
   * From the end of each instance's init to the end of its first (here: only) request: how long a
   * read waited for the CPU and ran, once its instance was up.
   */
  private static List<Double> firstReadMillis(Twin twin) {
    return twin.lambda().instances(Twin.READER).stream()
        .map(
            i ->
                java.time.Duration.between(i.startedAt().plus(i.initDuration()), i.lastUsedAt())
                        .toNanos()
                    / 1e6)
        .toList();
  }

  private static double percentile(List<Double> values, int p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static String table(JsonNode isolated, JsonNode defaults, JsonNode shared) {
    StringBuilder t = new StringBuilder();
    t.append("Reader instances on the twin, ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, one run (each column in a fresh JVM)\n\n");
    t.append(
        "| figure | every instance loads the whole jar | third-party classes shared, JVM defaults"
            + " | shared, the twin's JVM flags (now) | whole jar ÷ now | defaults ÷ now | target |\n");
    t.append("|---|---|---|---|---|---|---|\n");
    JsonNode[] runs = {isolated, defaults, shared};
    row(t, "first instance of the function, init ms", "firstInitMs", runs, "");
    row(
        t,
        "one more cold instance, init ms (median of " + SINGLES + ")",
        "coldInitMedianMs",
        runs,
        "≤ 150");
    row(
        t,
        FLEET + " concurrent first reads, the twin's first burst, p50 ms",
        "firstBurstReadP50Ms",
        runs,
        "");
    row(
        t,
        FLEET + " concurrent first reads, the twin's first burst, p99 ms",
        "firstBurstReadP99Ms",
        runs,
        "≤ 2000");
    row(t, "slowest init in the first burst, ms", "firstBurstInitMaxMs", runs, "");
    row(t, "failed reads in the first burst", "firstBurstReadErrors", runs, "0");
    row(t, FLEET + " concurrent first reads, a later burst, p50 ms", "readP50Ms", runs, "");
    row(t, FLEET + " concurrent first reads, a later burst, p99 ms", "readP99Ms", runs, "≤ 2000");
    row(t, "slowest init in the later burst, ms", "initMaxMs", runs, "");
    row(t, "end of init to answer in the later burst, p50 ms", "firstReadP50Ms", runs, "");
    row(t, "end of init to answer in the later burst, p99 ms", "firstReadP99Ms", runs, "");
    row(t, "failed reads in the later burst", "readErrors", runs, "0");
    row(t, "live reader instances", "instances", runs, "");
    row(t, "process RSS with them, MB", "rssMb", runs, "≤ 1024");
    row(t, "metaspace used, MB", "metaspaceMb", runs, "");
    row(t, "classes loaded", "loadedClasses", runs, "");
    return t.toString();
  }

  /**
   * The fleet-start burst on a fresh twin, in-process and over the wire, and where the CPU went.
   */
  private static String wireTable(JsonNode inProcess, JsonNode wire) {
    StringBuilder t = new StringBuilder();
    t.append(FLEET)
        .append(" concurrent first reads on a freshly started twin, each mode in a fresh JVM\n\n");
    t.append(
        "| figure | in-process (the pool) | over the wire (SDK Invoke) | wire ÷ in-process |\n");
    t.append("|---|---|---|---|\n");
    JsonNode[] runs = {inProcess, wire};
    for (String[] f :
        new String[][] {
          {"p50 ms", "p50Ms"},
          {"p99 ms (target ≤ 2000)", "p99Ms"},
          {"burst, first call to last answer, ms", "wallMs"},
          {"failed reads", "errors"},
          {"reader instances started", "instances"}
        }) {
      double a = inProcess.path(f[1]).asDouble();
      double b = wire.path(f[1]).asDouble();
      t.append("| ")
          .append(f[0])
          .append(" | ")
          .append(format(a))
          .append(" | ")
          .append(format(b))
          .append(" | ")
          .append(a > 0 ? String.format("%.2f×", b / a) : "")
          .append(" |\n");
    }
    t.append("\nCPU time spent during the burst, ms, by thread\n\n");
    t.append("| threads | in-process | over the wire |\n|---|---|---|\n");
    java.util.Set<String> parts = new java.util.TreeSet<>();
    for (JsonNode run : runs) {
      run.path("cpuMs").fieldNames().forEachRemaining(parts::add);
    }
    for (String part : parts) {
      t.append("| ")
          .append(part)
          .append(" | ")
          .append(inProcess.path("cpuMs").path(part).asInt())
          .append(" | ")
          .append(wire.path("cpuMs").path(part).asInt())
          .append(" |\n");
    }
    return t.toString();
  }

  /** One figure in every column, then how the first two compare with the last. */
  private static void row(
      StringBuilder t, String label, String field, JsonNode[] runs, String target) {
    double now = runs[runs.length - 1].path(field).asDouble();
    t.append("| ").append(label);
    for (JsonNode run : runs) {
      t.append(" | ").append(format(run.path(field).asDouble()));
    }
    for (int i = 0; i < runs.length - 1; i++) {
      double before = runs[i].path(field).asDouble();
      t.append(" | ").append(now > 0 && before > 0 ? String.format("%.2f×", before / now) : "");
    }
    t.append(" | ").append(target).append(" |\n");
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format("%.1f", v);
  }
}
