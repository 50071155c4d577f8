package dev.warmcache.bench;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.profile.StackProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and writes ns/op and the ratios to a file (first argument, default
 * bench/target/results.txt; an optional second argument is a regex selecting benchmarks). Started
 * by {@code mvn -B -o -pl bench -am -Pbench -DskipTests verify}.
 */
public final class BenchMain {

  private static final int STEADY_FORKS = 10;

  private BenchMain() {}

  public static void main(String[] args) throws IOException, RunnerException {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/results.txt");
    String include = args.length > 1 ? args[1] : ".*";
    Map<String, Result<?>> scores = new LinkedHashMap<>();
    try (DynamoDbLocalFixture dynamoDb = DynamoDbLocalFixture.startNow()) {
      long now = System.currentTimeMillis();
      new ItemStore(dynamoDb.client(), DynamoDbLocalFixture.TABLE)
          .put(
              Item.builder(ItemId.of(ReaderBenchmarks.KEY))
                  .value(
                      "{\"id\":15,\"name\":\"widget\",\"price\":{\"amount\":1999,\"currency\":\"EUR\"},"
                          + "\"tags\":[\"blue\",\"small\",\"metal\"],\"stock\":42}")
                  .contentType("application/json")
                  .version(1)
                  .fetchedAtMillis(now)
                  .expiresAtEpochSeconds(now / 1000 + 86_400)
                  .build());
      String endpoint = "-D" + ReaderBenchmarks.ENDPOINT_PROPERTY + "=" + dynamoDb.endpoint();

      // Steady state: warmed-up JIT, average time per call. Ten forks, because a fork's code
      // layout moves a 0.5 us call by 10 % or more, more than the ratios this run must judge
      // (docs/reader.md: three forks put the change feed at 1.19x, ten at 1.03x).
      ChainedOptionsBuilder steady =
          new OptionsBuilder()
              .include(ReaderBenchmarks.class.getName() + "\\." + include)
              .forks(STEADY_FORKS)
              .warmupIterations(3)
              .warmupTime(TimeValue.seconds(2))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(2))
              .jvmArgsAppend(endpoint, "-Xmx1g");
      // -Dbench.profilers=gc,stack: JMH's allocation and hot-frame profilers, to say where a
      // steady-state call's nanoseconds go (docs/client.md).
      for (String profiler : args.length > 2 ? args[2].split(",") : new String[0]) {
        switch (profiler.trim()) {
          case "gc" -> steady.addProfiler(GCProfiler.class);
          case "stack" -> steady.addProfiler(StackProfiler.class, "lines=12;top=12");
          case "" -> {}
          default -> throw new IllegalArgumentException("unknown profiler " + profiler);
        }
      }
      run(scores, steady.build());
      // Cold start: one call per fresh JVM, five JVMs.
      run(
          scores,
          new OptionsBuilder()
              .include(ColdStartBenchmarks.class.getName() + "\\." + include)
              .forks(5)
              .warmupIterations(0)
              .measurementIterations(1)
              .jvmArgsAppend(endpoint, "-Xmx1g")
              .build());
    }
    String report = report(scores);
    ReportFile.finish(file, report);
  }

  private static void run(Map<String, Result<?>> scores, Options options) throws RunnerException {
    try {
      for (RunResult r : new Runner(options).run()) {
        String name = r.getParams().getBenchmark();
        scores.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult());
      }
    } catch (NoBenchmarksException nothingSelected) {
      // the include pattern selected none of this group
    }
  }

  private static String report(Map<String, Result<?>> s) {
    StringBuilder b = new StringBuilder();
    b.append("warmcache reader benchmarks, ").append(Instant.now()).append('\n');
    b.append("JVM ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs, load average ")
        .append(
            String.format(
                Locale.ROOT,
                "%.1f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage()))
        .append("; DynamoDB Local 2.6.1 on loopback in the host JVM\n")
        .append(
            "steady state: JMH average time, "
                + STEADY_FORKS
                + " forks, 3x2 s warm-up, 5x2 s measured each;")
        .append(" cold start: single shot in 5 fresh JVMs\n\n");
    b.append(
        String.format(
            Locale.ROOT, "%-40s %14s %12s  %s%n", "benchmark", "score", "+/- (99.9%)", "unit"));
    s.forEach(
        (name, r) ->
            b.append(
                String.format(
                    Locale.ROOT,
                    "%-40s %14.1f %12.1f  %s%n",
                    name,
                    r.getScore(),
                    r.getScoreError(),
                    r.getScoreUnit())));
    b.append('\n');
    ratio(
        b,
        s,
        "memoryHitThroughHandler",
        "caffeineGetIfPresent",
        "memory hit, full handler call (parse + lookup + response bytes) vs bare Caffeine getIfPresent");
    ratio(
        b,
        s,
        "memoryHitThroughHandler",
        "memoryHitThroughHandlerWithoutCoherence",
        "memory hit with the change feed on (COHERENCE_INTERVAL_MS=1000) / off (target <= 1.05)");
    ratio(
        b,
        s,
        "memoryHitThroughHandlerWithTelemetry",
        "memoryHitThroughHandler",
        "memory hit with the JSON log line and EMF document per call vs without");
    ratio(
        b,
        s,
        "dynamoDbReadThroughHandler",
        "rawGetItem",
        "DynamoDB-tier read through the reader vs raw GetItem on the same DynamoDB Local (target <= 1.10)");
    ratio(
        b,
        s,
        "firstReadAfterInit",
        "firstReadAfterWarmUp",
        "first read of a new instance without vs with the CRaC warm-up (SnapStart priming)");
    Result<?> hit = s.get("memoryHitThroughHandler");
    if (hit != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "%nmemory hit per call: %.2f us (target < 2 us)%n",
              hit.getScore() / 1000));
    }
    List<String> missing = new ArrayList<>();
    for (String expected :
        List.of(
            "memoryHitThroughHandler",
            "caffeineGetIfPresent",
            "dynamoDbReadThroughHandler",
            "rawGetItem")) {
      if (!s.containsKey(expected)) {
        missing.add(expected);
      }
    }
    if (!missing.isEmpty()) {
      b.append("not run: ").append(missing).append('\n');
    }
    return b.toString();
  }

  private static void ratio(
      StringBuilder b, Map<String, Result<?>> s, String a, String base, String what) {
    if (s.containsKey(a)
        && s.containsKey(base)
        && s.get(a).getScoreUnit().equals(s.get(base).getScoreUnit())) {
      b.append(
          String.format(
              Locale.ROOT,
              "ratio %-8.2f %s%n",
              s.get(a).getScore() / s.get(base).getScore(),
              what));
    }
  }
}
