package dev.warmcache.local.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A refresh reaches every warm reader instance within COHERENCE_INTERVAL_MS plus 500 ms, on the
 * twin with the real handler jars, ASL and DynamoDB Local; and without the change feed it does not,
 * so the first test can fail. Priming is off here so that only the feed can reach an instance; the
 * coherence benchmark measures priming and the feed together.
 */
class FleetCoherenceTest {

  private static final int INSTANCES = 16;
  private static final long INTERVAL_MS = 1_000;
  private static Twin twin;
  private static Fleet fleet;

  @BeforeAll
  static void start() throws Exception {
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(
                    Map.of(
                        "COHERENCE_INTERVAL_MS", Long.toString(INTERVAL_MS), "PRIME_FANOUT", "0"))
                .build());
    fleet = new Fleet(twin);
  }

  @AfterAll
  static void stop() {
    if (fleet != null) {
      fleet.close();
    }
    if (twin != null) {
      twin.close();
    }
  }

  /**
   * Versions served by the fleet at COHERENCE_INTERVAL_MS + 500 ms after a ForceRefresh landed, as
   * steps past the key's first version (a first write takes the clock's floor, docs/item.md).
   */
  private static Map<String, Long> servedAfterRefresh(String id) {
    assertEquals(INSTANCES, fleet.provisionReaders(INSTANCES));
    fleet.forceRefresh(id, 0, Duration.ofSeconds(30));
    fleet.awaitWorkflowsDone(Duration.ofSeconds(30));
    long first = fleet.storedVersion(id);
    Map<String, Long> warm = fleet.versionsServed(id);
    assertEquals(INSTANCES, warm.size());
    assertTrue(
        warm.values().stream().allMatch(v -> v == first),
        () -> "every instance holds the first version " + first + ": " + warm);

    long written = fleet.forceRefresh(id, first, Duration.ofSeconds(30));
    Fleet.sleepUntil(written + INTERVAL_MS + 500);
    assertTrue(
        System.currentTimeMillis() < written + INTERVAL_MS + 500 + 250, "the probe is not late");
    Map<String, Long> steps = new java.util.HashMap<>();
    fleet.versionsServed(id).forEach((instance, v) -> steps.put(instance, v - first + 1));
    return steps;
  }

  @Test
  void everyWarmInstanceServesTheRefreshedValueWithinTheIntervalAndHalfASecond() {
    Map<String, Long> served = servedAfterRefresh("coherent");
    assertEquals(INSTANCES, served.size());
    assertEquals(
        INSTANCES,
        served.values().stream().filter(v -> v == 2).count(),
        () -> "versions served: " + served);
  }

  @Test
  void withoutTheChangeFeedEveryWarmInstanceKeepsTheOldValue() {
    fleet.configureReader(Map.of("COHERENCE_INTERVAL_MS", "0"));
    try {
      Map<String, Long> served = servedAfterRefresh("primed-only");
      assertEquals(INSTANCES, served.size());
      assertEquals(
          INSTANCES,
          served.values().stream().filter(v -> v == 1).count(),
          () -> "every instance keeps the old version for its memory TTL: " + served);
    } finally {
      fleet.configureReader(Map.of("COHERENCE_INTERVAL_MS", Long.toString(INTERVAL_MS)));
    }
  }
}
