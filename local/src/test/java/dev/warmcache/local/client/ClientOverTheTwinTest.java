package dev.warmcache.local.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.client.CachedValue;
import dev.warmcache.client.Source;
import dev.warmcache.client.Warmcache;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embeddable client used as the README says, from a plain JVM outside any Lambda, against the
 * twin's one port: its DynamoDB and EventBridge calls travel the twin's wire, and the refresh it
 * asks for runs the real workflow. What it shows: the tiers (DynamoDB, then memory), a refresh
 * reaching this client's memory within {@code COHERENCE_INTERVAL_MS} plus a second through the
 * change feed alone (nothing primes a client that is no Lambda), a miss landing from the origin,
 * and a batch read.
 */
class ClientOverTheTwinTest {

  private static final long INTERVAL_MS = 500;

  static Twin twin;
  static Fleet fleet;
  static Warmcache cache;

  @BeforeAll
  static void start() throws Exception {
    twin = Twin.start(TwinOptions.builder().port(0).seed(false).build());
    fleet = new Fleet(twin);
    cache =
        Warmcache.builder()
            .settings(
                Map.of(
                    "TABLE_NAME",
                    Twin.TABLE,
                    "EVENT_BUS_NAME",
                    Twin.BUS,
                    "AWS_ENDPOINT_URL",
                    twin.endpoint().toString(),
                    "AWS_REGION",
                    Twin.REGION,
                    "AWS_ACCESS_KEY_ID",
                    "laptop",
                    "AWS_SECRET_ACCESS_KEY",
                    "laptop",
                    "COHERENCE_INTERVAL_MS",
                    Long.toString(INTERVAL_MS),
                    "MISS_WAIT_MS",
                    "20000"))
            .build();
  }

  @AfterAll
  static void stop() {
    if (fleet != null) fleet.close();
    if (twin != null) twin.close();
  }

  @Test
  void aRefreshReachesTheClientsMemoryWithinTheIntervalAndASecond() throws Exception {
    long now = System.currentTimeMillis();
    fleet.seed(
        Item.builder(ItemId.of("15"))
            .value("{\"old\":true}")
            .contentType("application/json")
            .version(1)
            .fetchedAtMillis(now)
            .expiresAtEpochSeconds(now / 1000 + 3_600)
            .build());
    assertEquals(Source.DYNAMODB, cache.get("15").source());
    assertEquals(Source.MEMORY, cache.get("15").source());

    cache.refresh("15");
    long written = fleet.awaitVersionAbove("15", 1, Duration.ofSeconds(30));

    CachedValue served = cache.get("15");
    while (served.version() == 1 && System.currentTimeMillis() < written + 10_000) {
      Thread.sleep(20);
      served = cache.get("15");
    }
    long seenAfter = System.currentTimeMillis() - written;
    assertTrue(served.version() > 1, "the new version reached the client");
    assertTrue(served.value().contains("demo item 15"), served.value());
    assertTrue(
        seenAfter <= INTERVAL_MS + 1_000,
        "within COHERENCE_INTERVAL_MS + 1 s of the write: " + seenAfter + " ms");
  }

  @Test
  void aMissLandsFromTheOriginAndABatchReadsSeveralKeys() {
    CachedValue landed = cache.get("7");
    assertEquals(Source.ORIGIN, landed.source());
    assertTrue(landed.value().contains("demo item 7"), landed.value());

    Map<String, CachedValue> some = cache.getAll(List.of("7", "8", "9"));

    assertEquals(List.of("7", "8", "9"), List.copyOf(some.keySet()));
    assertEquals(Source.MEMORY, some.get("7").source());
    assertTrue(some.get("9").value().contains("demo item 9"), some.get("9").value());
  }
}
