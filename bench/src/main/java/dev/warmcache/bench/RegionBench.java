package dev.warmcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.ReaderRegion;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Cross-region coherence on a two-region twin: after a write in the refresh home, the share of warm
 * readers in the other region that serve the new version 0.5, 1, 2 and 3 s later, at 8 and 32
 * instances, with replication delays of 0.2, 0.5 and 1 s ({@code COHERENCE_INTERVAL_MS} 1000, its
 * default). Each sample is one read on every instance at once, as their next callers would make;
 * the expected bound is delay + coherence interval (docs/regions.md).
 *
 * <pre>
 * mvn -B -pl bench -am -Pregions -DskipTests verify   # writes bench/target/regions-results.txt
 * </pre>
 */
public final class RegionBench {

  private static final String OTHER = "eu-west-1";
  private static final String KEY = "7";
  private static final long[] DELAYS_MS = {200, 500, 1000};
  private static final int[] INSTANCES = {8, 32};
  private static final long[] AFTER_MS = {500, 1000, 2000, 3000};
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegionBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/regions-results.txt");
    StringBuilder report = new StringBuilder();
    report
        .append("Share of warm readers in ")
        .append(OTHER)
        .append(" serving the new version after a write in ")
        .append(Twin.REGION)
        .append(", one run, ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, COHERENCE_INTERVAL_MS 1000\n\n")
        .append("| replication delay | instances |");
    for (long after : AFTER_MS) {
      report.append(String.format(" %.1f s |", after / 1000.0));
    }
    report.append("\n|---|---|").append("---|".repeat(AFTER_MS.length)).append('\n');
    for (long delay : DELAYS_MS) {
      try (Twin twin =
              Twin.start(
                  TwinOptions.builder()
                      .port(0)
                      .seed(false)
                      .regions(List.of(Twin.REGION, OTHER))
                      .replicationDelay(Duration.ofMillis(delay))
                      .settings(Map.of("PRIME_FANOUT", "0", "MEMORY_TTL_SECONDS", "3600"))
                      .build());
          Fleet fleet = new Fleet(twin)) {
        ReaderRegion other = twin.readerRegion(OTHER).orElseThrow();
        for (int instances : INSTANCES) {
          other.lambda().provision(Twin.READER, instances);
          fleet.forceRefresh(KEY, fleet.storedVersion(KEY), Duration.ofSeconds(30));
          long before = fleet.storedVersion(KEY);
          Thread.sleep(delay + 1_500);
          // Warm: every instance holds the current version in memory.
          reads(other);
          reads(other);
          fleet.forceRefresh(KEY, before, Duration.ofSeconds(30));
          long written = System.currentTimeMillis();
          long now = fleet.storedVersion(KEY);
          report.append(String.format("| %.1f s | %d |", delay / 1000.0, instances));
          for (long after : AFTER_MS) {
            Fleet.sleepUntil(written + after);
            Map<String, JsonNode> answers = reads(other);
            long fresh =
                answers.values().stream().filter(a -> a.path("version").asLong() == now).count();
            report.append(String.format(" %.0f%% |", 100.0 * fresh / answers.size()));
          }
          report.append('\n');
        }
      }
    }
    ReportFile.finish(file, report);
  }

  /** One read of the key on every idle instance of the other region at once. */
  private static Map<String, JsonNode> reads(ReaderRegion region) throws Exception {
    byte[] read = ("{\"id\":\"" + KEY + "\"}").getBytes(StandardCharsets.UTF_8);
    Map<String, JsonNode> answers = new java.util.HashMap<>();
    for (var result : region.lambda().invokeEach(Twin.READER, read)) {
      answers.put(result.instanceId(), JSON.readTree(result.payload()));
    }
    return answers;
  }
}
