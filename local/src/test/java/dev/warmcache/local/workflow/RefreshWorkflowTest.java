package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.stepfunctions.Execution;
import dev.warmcache.local.stepfunctions.ExecutionStatus;
import dev.warmcache.local.tasks.EventEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The real refresh ASL end to end, on real local components. */
class RefreshWorkflowTest {

  static WorkflowHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new WorkflowHarness();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  @BeforeEach
  void clean() {
    h.reset();
    h.configureRefresh(Map.of());
  }

  static Item item(String id, String value, long version, long expiresAt) {
    return Item.builder(ItemId.of(id)).value(value).contentType("application/json").version(version)
        .fetchedAt(System.currentTimeMillis() - 60_000).expiresAt(expiresAt).build();
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "ttl-expiry.json, 7",
      "cache-miss.json, 3",
      "force-refresh.json, 5"})
  void eachTriggerShapeRefreshesPrimesAndAnnounces(String sample, long previousVersion) throws Exception {
    String id = "trig-" + sample.replace(".json", "");
    if (!sample.startsWith("ttl")) {
      // A miss finds an expired value; a force finds a fresh one and refreshes it anyway.
      long expiresAt = sample.startsWith("cache") ? now() - 5 : now() + 600;
      h.seed(item(id, "{\"old\":true}", previousVersion, expiresAt));
    }
    h.origin.reset(ScriptedOrigin.json("{\"fresh\":\"" + id + "\"}"));
    // No idle reader: a prime that finds the key absent answers in microseconds, so on a warm
    // pool whether N concurrent primes overlap is luck; on an empty one each waits out a cold
    // start, so only a Map that really runs them concurrently reaches N instances.
    h.pool.reclaimAll(WorkflowHarness.READER);

    Execution done = h.run(WorkflowHarness.sample(sample, id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), () -> done.error() + " " + done.cause() + " " + h.statesEntered(done));
    Map<String, AttributeValue> stored = h.rawItem(id);
    assertEquals(previousVersion + 1, Long.parseLong(stored.get("version").n()));
    assertEquals("{\"fresh\":\"" + id + "\"}", stored.get("value").s());
    assertTrue(Long.parseLong(stored.get("expiresAt").n()) > now(), "expiresAt in the future");
    assertFalse(stored.containsKey("leaseOwner"), "the write released the lease");
    assertEquals(List.of("/items/" + id), h.origin.requests().stream().map(ScriptedOrigin.Request::rawPath).toList());

    List<EventEntry> refreshed = h.bus.ofType("CacheRefreshed");
    assertEquals(1, refreshed.size());
    JsonNode detail = WorkflowHarness.json(refreshed.get(0).detail());
    assertEquals(id, detail.get("id").asText());
    assertEquals(previousVersion + 1, detail.get("version").asLong());
    assertEquals("warmcache.refresh", refreshed.get(0).source());
    assertEquals("warmcache", refreshed.get(0).eventBusName());

    List<WorkflowHarness.Invocation> primes = h.primes();
    assertEquals(WorkflowHarness.PRIME_FANOUT, primes.size());
    Set<String> instances = primes.stream().map(WorkflowHarness.Invocation::instanceId).collect(Collectors.toSet());
    assertEquals(WorkflowHarness.PRIME_FANOUT, instances.size(), "each prime reached its own reader instance");
    assertTrue(primes.stream().noneMatch(WorkflowHarness.Invocation::failed));
    assertTrue(primes.stream().allMatch(p -> p.request().contains("\"version\":" + (previousVersion + 1))));
  }
}
