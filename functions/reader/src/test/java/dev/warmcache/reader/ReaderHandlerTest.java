package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.EventPublishException;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Every tier and transition of the read path, against DynamoDB Local. */
class ReaderHandlerTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private static final ItemId ID = ItemId.of("15");

  @RegisterExtension final ReaderScope scope = new ReaderScope(DYNAMODB);

  private final RecordingEventPublisher events = new RecordingEventPublisher();

  private Harness harness(Map<String, String> env) {
    return harness(env, events, Clock.systemUTC());
  }

  private Harness harness(Map<String, String> env, EventPublisher publisher, Clock clock) {
    return scope.open(env, publisher, clock);
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  private static Item item(ItemId id, long version, long expiresAt) {
    return Item.builder(id)
        .value("{\"name\":\"item " + id + "\",\"v\":" + version + "}")
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(System.currentTimeMillis())
        .expiresAtEpochSeconds(expiresAt)
        .build();
  }

  private List<CacheEvent> misses() {
    return events.ofType(EventNames.CACHE_MISS);
  }

  @Test
  void freshDynamoDbHitThenMemoryHit() {
    scope.store().put(item(ID, 1, nowSeconds() + 300));
    Harness h = harness(Map.of());

    JsonNode first = h.call("{\"id\":\"15\"}");
    assertEquals("dynamodb", first.get("source").asText());
    assertEquals("15", first.get("id").asText());
    assertEquals(
        "item 15", first.get("value").get("name").asText(), "JSON values come back as JSON");
    assertEquals(1, first.get("version").asLong());
    assertFalse(first.get("stale").asBoolean());
    assertTrue(first.has("fetchedAt") && first.has("expiresAt"));

    JsonNode second = h.call("{\"id\":15}");
    assertEquals("memory", second.get("source").asText(), "a JSON number id is the same key");
    assertEquals(first.get("value"), second.get("value"));
    assertEquals(1, h.getItems());
    assertEquals(List.of(), misses());
  }

  @Test
  void valueAnswersHaveExactlyTheContractFields() throws Exception {
    scope
        .store()
        .put(
            Item.builder(ID)
                .value("{\"a\":[1,2]}")
                .contentType("application/json")
                .version(7)
                .fetchedAtMillis(1_763_769_600_123L)
                .expiresAtEpochSeconds(nowSeconds() + 300)
                .build());
    scope
        .store()
        .put(
            Item.builder(ItemId.of("gone"))
                .notFound(true)
                .version(2)
                .fetchedAtMillis(5)
                .expiresAtEpochSeconds(nowSeconds() + 60)
                .build());
    scope
        .store()
        .put(
            Item.builder(ItemId.of("quote"))
                .value("say \"hi\"\n\u00e9")
                .version(1)
                .fetchedAtMillis(6)
                .expiresAtEpochSeconds(nowSeconds() - 5)
                .build());
    Harness h = harness(Map.of());
    long expires =
        scope.store().get(ID, ReadConsistency.STRONG).orElseThrow().expiresAtEpochSeconds();
    JsonNode expected =
        dev.warmcache.json.Json.MAPPER.readTree(
            "{\"id\":\"15\",\"value\":{\"a\":[1,2]},"
                + "\"contentType\":\"application/json\",\"source\":\"dynamodb\",\"version\":7,"
                + "\"fetchedAt\":1763769600123,\"expiresAt\":"
                + expires
                + ",\"stale\":false}");
    assertEquals(expected, h.call("{\"id\":\"15\"}"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("source", "memory");
    assertEquals(expected, h.call("{\"id\":\"15\"}"));

    JsonNode negative = h.call("{\"id\":\"gone\"}");
    assertEquals(
        dev.warmcache.json.Json.MAPPER.readTree(
            "{\"id\":\"gone\",\"value\":null,\"source\":\"dynamodb\","
                + "\"version\":2,\"fetchedAt\":5,\"expiresAt\":"
                + negative.get("expiresAt").asLong()
                + ",\"stale\":false,\"notFound\":true}"),
        negative);

    JsonNode stale = h.call("{\"id\":\"quote\"}");
    assertEquals(
        "say \"hi\"\n\u00e9", stale.get("value").textValue(), "strings are escaped, not embedded");
    assertTrue(stale.get("stale").asBoolean());
    assertFalse(stale.has("contentType"));
  }

  @Test
  void nonJsonValuesComeBackAsStrings() {
    scope
        .store()
        .put(
            Item.builder(ID)
                .value("plain <text>")
                .contentType("text/plain")
                .version(1)
                .fetchedAtMillis(1)
                .expiresAtEpochSeconds(nowSeconds() + 300)
                .build());
    scope
        .store()
        .put(
            Item.builder(ItemId.of("broken"))
                .value("{not json")
                .contentType("application/json")
                .version(1)
                .fetchedAtMillis(1)
                .expiresAtEpochSeconds(nowSeconds() + 300)
                .build());
    Harness h = harness(Map.of());
    assertEquals("plain <text>", h.call("{\"id\":\"15\"}").get("value").textValue());
    assertEquals(
        "{not json",
        h.call("{\"id\":\"broken\"}").get("value").textValue(),
        "a value that claims JSON but is not must not break the answer");
  }

  @Test
  void memoryEntryAgesOutAfterMemoryTtl() {
    MutableClock clock = new MutableClock();
    scope.store().put(item(ID, 1, clock.millis() / 1000 + 600));
    Harness h = harness(Map.of("MEMORY_TTL_SECONDS", "5"), events, clock);
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").get("source").asText());
    clock.advance(Duration.ofSeconds(4));
    assertEquals("memory", h.call("{\"id\":\"15\"}").get("source").asText());
    clock.advance(Duration.ofSeconds(2));
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").get("source").asText());
    assertEquals(2, h.getItems());
  }

  @Test
  void memoryEntryNeverOutlivesExpiresAt() {
    MutableClock clock = new MutableClock();
    scope.store().put(item(ID, 1, clock.millis() / 1000 + 3));
    Harness h = harness(Map.of("MEMORY_TTL_SECONDS", "600"), events, clock);
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").get("source").asText());
    assertEquals("memory", h.call("{\"id\":\"15\"}").get("source").asText());
    clock.advance(Duration.ofSeconds(4));
    JsonNode after = h.call("{\"id\":\"15\"}");
    assertEquals("dynamodb", after.get("source").asText());
    assertTrue(after.get("stale").asBoolean());
  }

  @Test
  void expiredWithinStaleWindowIsServedStaleAndRequestsARefresh() {
    scope.store().put(item(ID, 4, nowSeconds() - 30));
    Harness h = harness(Map.of("MAX_STALE_SECONDS", "300"));
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertEquals("dynamodb", answer.get("source").asText());
    assertTrue(answer.get("stale").asBoolean());
    assertEquals(4, answer.get("version").asLong());
    assertEquals(1, misses().size());
    assertEquals("{\"id\":\"15\",\"reason\":\"expired\",\"version\":4}", misses().get(0).detail());

    JsonNode again = h.call("{\"id\":\"15\"}");
    assertTrue(again.get("stale").asBoolean(), "stale values are not promoted to the memory tier");
    assertEquals(1, misses().size(), "one CacheMiss per key per interval");
  }

  @Test
  void expiredBeyondStaleWindowIsNotServed() {
    scope.store().put(item(ID, 4, nowSeconds() - 120));
    Harness h = harness(Map.of("MAX_STALE_SECONDS", "60", "MISS_WAIT_MS", "150"));
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertTrue(answer.get("pending").asBoolean());
    assertEquals("expired", answer.get("reason").asText());
    assertFalse(answer.has("value"));
    assertEquals("{\"id\":\"15\",\"reason\":\"expired\",\"version\":4}", misses().get(0).detail());
  }

  @Test
  void expiredBeyondStaleWindowWaitsForTheNewVersion() {
    scope.store().put(item(ID, 4, nowSeconds() - 120));
    EventPublisher workflow = landOnMiss(item(ID, 5, nowSeconds() + 300));
    Harness h =
        harness(
            Map.of("MAX_STALE_SECONDS", "60", "MISS_WAIT_MS", "10000"),
            workflow,
            Clock.systemUTC());
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertEquals("origin", answer.get("source").asText());
    assertEquals(5, answer.get("version").asLong());
  }

  @Test
  void negativeEntryIsAnsweredAndCached() {
    scope
        .store()
        .put(
            Item.builder(ID)
                .notFound(true)
                .version(2)
                .fetchedAtMillis(1)
                .expiresAtEpochSeconds(nowSeconds() + 60)
                .build());
    Harness h = harness(Map.of());
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertTrue(answer.get("notFound").asBoolean());
    assertTrue(answer.get("value").isNull());
    assertEquals("dynamodb", answer.get("source").asText());
    assertEquals("memory", h.call("{\"id\":\"15\"}").get("source").asText());
    assertEquals(List.of(), misses());
  }

  /**
   * Publishes like the real bus would trigger the workflow: the item lands shortly after the event.
   */
  private EventPublisher landOnMiss(Item landing) {
    return event -> {
      events.publish(event);
      Thread writer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
                scope.store().put(landing);
              });
      writer.start();
    };
  }

  @Test
  void absentKeyThatLandsWithinTheWaitIsAnsweredFromOrigin() {
    Harness h =
        harness(
            Map.of("MISS_WAIT_MS", "10000"),
            landOnMiss(item(ID, 1, nowSeconds() + 300)),
            Clock.systemUTC());
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertEquals("origin", answer.get("source").asText());
    assertEquals(1, answer.get("version").asLong());
    assertEquals("{\"id\":\"15\",\"reason\":\"absent\"}", misses().get(0).detail());
    assertEquals("memory", h.call("{\"id\":\"15\"}").get("source").asText());
  }

  @Test
  void absentKeyThatDoesNotLandGetsAPendingAnswer() {
    Harness h = harness(Map.of("MISS_WAIT_MS", "300"));
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertTrue(answer.get("pending").asBoolean());
    assertEquals("absent", answer.get("reason").asText());
    assertTrue(answer.get("message").asText().startsWith("15 is not cached yet"));
    assertTrue(answer.get("waitedMs").asLong() >= 300, "waited the configured time: " + answer);
    assertTrue(h.getItems() >= 2, "polled DynamoDB while waiting");
    assertEquals(1, misses().size());
  }

  @Test
  void zeroWaitAnswersPendingAtOnce() {
    Harness h = harness(Map.of("MISS_WAIT_MS", "0"));
    assertTrue(h.call("{\"id\":\"15\"}").get("pending").asBoolean());
    assertEquals(1, h.getItems());
  }

  @Test
  void atMostOneCacheMissPerKeyPerInterval() {
    MutableClock clock = new MutableClock();
    Harness h = harness(Map.of("MISS_WAIT_MS", "0", "MISS_INTERVAL_SECONDS", "10"), events, clock);
    h.call("{\"id\":\"15\"}");
    h.call("{\"id\":\"15\"}");
    h.call("{\"id\":\"16\"}");
    assertEquals(2, misses().size(), "one for 15, one for 16");
    clock.advance(Duration.ofSeconds(11));
    h.call("{\"id\":\"15\"}");
    assertEquals(3, misses().size());
  }

  @Test
  void aFailedPublishIsRetriedByTheNextRequest() {
    scope.store().put(item(ID, 1, nowSeconds() - 10));
    AtomicInteger attempts = new AtomicInteger();
    EventPublisher failingOnce =
        event -> {
          if (attempts.incrementAndGet() == 1) {
            throw new EventPublishException("bus down", null);
          }
          events.publish(event);
        };
    Harness h = harness(Map.of(), failingOnce, Clock.systemUTC());
    assertTrue(h.call("{\"id\":\"15\"}").get("stale").asBoolean(), "still served");
    assertEquals(0, misses().size());
    h.call("{\"id\":\"15\"}");
    assertEquals(1, misses().size());
  }

  @Test
  void readingFromDynamoDbResetsIdleRefreshes() {
    scope.store().put(item(ID, 1, nowSeconds() + 300).toBuilder().idleRefreshes(2).build());
    Harness h = harness(Map.of());
    h.call("{\"id\":\"15\"}");
    assertEquals(0, scope.store().get(ID, ReadConsistency.STRONG).orElseThrow().idleRefreshes());
    assertEquals(1, h.operations.count("UpdateItem"));
    h.call("{\"id\":\"15\"}");
    assertEquals(
        1, h.operations.count("UpdateItem"), "memory hits and zero counters cost no write");
  }

  @Test
  void primeReloadsAnOlderHeldVersionWithAConsistentRead() {
    scope.store().put(item(ID, 1, nowSeconds() + 300));
    Harness h = harness(Map.of());
    h.call("{\"id\":\"15\"}");
    scope.store().put(item(ID, 2, nowSeconds() + 300).toBuilder().idleRefreshes(1).build());

    JsonNode primed = h.call("{\"prime\":{\"id\":\"15\",\"version\":2}}");
    assertTrue(primed.get("primed").asBoolean());
    assertEquals(2, primed.get("version").asLong());
    assertEquals("reloaded", primed.get("reason").asText());
    JsonNode read = h.call("{\"id\":\"15\"}");
    assertEquals("memory", read.get("source").asText());
    assertEquals(2, read.get("version").asLong());
    assertEquals(
        1,
        scope.store().get(ID, ReadConsistency.STRONG).orElseThrow().idleRefreshes(),
        "a prime is not a user read: idle keys must still retire");
  }

  @Test
  void primeWithAnOlderOrEqualVersionDoesNothing() {
    scope.store().put(item(ID, 3, nowSeconds() + 300));
    Harness h = harness(Map.of());
    h.call("{\"id\":\"15\"}");
    JsonNode primed = h.call("{\"prime\":{\"id\":\"15\",\"version\":2}}");
    assertFalse(primed.get("primed").asBoolean());
    assertEquals(3, primed.get("version").asLong());
    assertEquals("up-to-date", primed.get("reason").asText());
    h.call("{\"prime\":{\"id\":\"15\",\"version\":3}}");
    assertEquals(1, h.getItems(), "no DynamoDB read for a prime that is not newer");
  }

  @Test
  void primeForAKeyThisInstanceDoesNotHoldLoadsNothing() {
    scope.store().put(item(ID, 3, nowSeconds() + 300));
    Harness h = harness(Map.of());
    JsonNode primed = h.call("{\"prime\":{\"id\":\"15\",\"version\":3}}");
    assertFalse(primed.get("primed").asBoolean());
    assertTrue(primed.get("version").isNull());
    assertEquals("not-held", primed.get("reason").asText());
    assertEquals(0, h.getItems());
    assertEquals(0, h.handler.memoryEntries());
  }

  @Test
  void primeForAKeyGoneFromTheTableDropsIt() {
    scope.store().put(item(ID, 1, nowSeconds() + 300));
    Harness h = harness(Map.of());
    h.call("{\"id\":\"15\"}");
    DYNAMODB.clear();
    JsonNode primed = h.call("{\"prime\":{\"id\":\"15\",\"version\":2}}");
    assertFalse(primed.get("primed").asBoolean());
    assertEquals("gone", primed.get("reason").asText());
    assertEquals(0, h.handler.memoryEntries());
  }

  @Test
  void hundredConcurrentCallersShareOneGetItem() throws Exception {
    scope.store().put(item(ID, 1, nowSeconds() + 300));
    Harness h = harness(Map.of());
    List<JsonNode> answers = concurrently(100, () -> h.call("{\"id\":\"15\"}"));
    assertEquals(1, h.getItems());
    assertEquals(0, misses().size());
    assertTrue(answers.stream().allMatch(a -> a.get("version").asLong() == 1), answers.toString());
  }

  @Test
  void hundredConcurrentCallersOfAnAbsentKeySendAtMostOneCacheMiss() throws Exception {
    Harness h = harness(Map.of("MISS_WAIT_MS", "200"));
    List<JsonNode> answers = concurrently(100, () -> h.call("{\"id\":\"15\"}"));
    assertTrue(misses().size() <= 1, "CacheMiss events: " + misses().size());
    assertEquals(1, misses().size());
    assertTrue(answers.stream().allMatch(a -> a.get("pending").asBoolean()));
  }

  @Test
  void hundredConcurrentCallersOfAStaleKeySendAtMostOneCacheMiss() throws Exception {
    scope.store().put(item(ID, 1, nowSeconds() - 5));
    Harness h = harness(Map.of());
    List<JsonNode> answers = concurrently(100, () -> h.call("{\"id\":\"15\"}"));
    assertEquals(1, misses().size());
    assertTrue(answers.stream().allMatch(a -> a.get("stale").asBoolean()));
  }

  /**
   * Also for an item that lacks {@code idleRefreshes} (an import, a restore, an older warmcache):
   * the claim once judged existence on that attribute, and such a key was never refreshed.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "with idleRefreshes: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void sixteenInstancesSeeingOneExpiredKeySendOneCacheMissFleetWide(boolean withIdleCount)
      throws Exception {
    Map<String, AttributeValue> stored =
        new java.util.HashMap<>(ItemStore.toAttributes(item(ID, 1, nowSeconds() - 5)));
    if (!withIdleCount) {
      stored.remove(dev.warmcache.item.ItemAttributes.IDLE_REFRESHES);
    }
    DYNAMODB.client().putItem(b -> b.tableName(DynamoDbLocalFixture.TABLE).item(stored));
    List<Harness> fleet = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      fleet.add(harness(Map.of()));
    }
    java.util.concurrent.atomic.AtomicInteger next =
        new java.util.concurrent.atomic.AtomicInteger();
    List<JsonNode> answers =
        concurrently(16, () -> fleet.get(next.getAndIncrement()).call("{\"id\":\"15\"}"));
    assertTrue(answers.stream().allMatch(a -> a.get("stale").asBoolean()), answers::toString);
    assertEquals(1, misses().size(), "one claim wins the refresh request");
    assertEquals(
        1,
        scope.store().get(ID, ReadConsistency.STRONG).orElseThrow().version(),
        "a claim touches no value");
  }

  @Test
  void aClaimNeverMakesAnAbsentKeyPresentAndAbsentKeysStillAsk() {
    harness(Map.of("MISS_WAIT_MS", "0")).call("{\"id\":\"15\"}");
    harness(Map.of("MISS_WAIT_MS", "0")).call("{\"id\":\"15\"}");
    assertEquals(
        2,
        misses().size(),
        "absent keys are not claimed: each instance asks (the lease de-duplicates)");
    assertFalse(
        DYNAMODB
            .client()
            .getItem(
                b ->
                    b.tableName(DynamoDbLocalFixture.TABLE)
                        .key(ItemStore.key(ID))
                        .consistentRead(true))
            .hasItem(),
        "nothing was written for the absent key");
  }

  @Test
  void aClaimThatCannotReachTheTableStillPublishes() {
    scope.store().put(item(ID, 1, nowSeconds() - 5));
    Harness h = harness(Map.of());
    h.operations.fail("UpdateItem");
    assertTrue(h.call("{\"id\":\"15\"}").get("stale").asBoolean());
    assertEquals(1, misses().size(), "no refresh is lost to a failed claim");
  }

  private static List<JsonNode> concurrently(
      int callers, java.util.concurrent.Callable<JsonNode> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch ready = new CountDownLatch(callers);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<JsonNode>> futures = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return call.call();
                }));
      }
      ready.await();
      go.countDown();
      List<JsonNode> answers = new ArrayList<>();
      for (Future<JsonNode> f : futures) {
        answers.add(f.get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void memoryTierIsBoundedByEntries() {
    for (int i = 0; i < 10; i++) {
      scope.store().put(item(ItemId.of("k" + i), 1, nowSeconds() + 300));
    }
    Harness h = harness(Map.of("MEMORY_MAX_ENTRIES", "3"));
    for (int i = 0; i < 10; i++) {
      h.call("{\"id\":\"k" + i + "\"}");
    }
    assertTrue(h.handler.memoryEntries() <= 3, "held " + h.handler.memoryEntries());
    assertTrue(h.handler.memoryEntries() >= 1);
  }

  @Test
  void memoryTierIsBoundedByWeight() {
    String big = "x".repeat(10_000);
    for (int i = 0; i < 10; i++) {
      scope
          .store()
          .put(
              Item.builder(ItemId.of("k" + i))
                  .value(big)
                  .contentType("text/plain")
                  .version(1)
                  .fetchedAtMillis(1)
                  .expiresAtEpochSeconds(nowSeconds() + 300)
                  .build());
    }
    // each entry weighs about 30 kB (the value as UTF-16 plus its serialized answer), so 50 kB
    // holds at most two
    Harness h = harness(Map.of("MEMORY_MAX_BYTES", "50000"));
    for (int i = 0; i < 10; i++) {
      h.call("{\"id\":\"k" + i + "\"}");
    }
    assertTrue(h.handler.memoryEntries() <= 2, "held " + h.handler.memoryEntries());
  }

  @Test
  void disabledMemoryTierAlwaysReadsDynamoDb() {
    scope.store().put(item(ID, 1, nowSeconds() + 300));
    Harness h = harness(Map.of("MEMORY_TTL_SECONDS", "0"));
    h.call("{\"id\":\"15\"}");
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").get("source").asText());
    assertEquals(2, h.getItems());
  }

  @Test
  void unreachableDynamoDbIsATypedFunctionErrorWithoutStack() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    Map<String, String> env = DYNAMODB.env();
    env.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + closedPort);
    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:" + closedPort);
    ReaderHandler handler = new ReaderHandler(env);
    ReaderUnavailableException e =
        assertThrows(
            ReaderUnavailableException.class,
            () ->
                handler.handleRequest(
                    new java.io.ByteArrayInputStream("{\"id\":\"15\"}".getBytes()),
                    new java.io.ByteArrayOutputStream(),
                    null));
    assertTrue(
        e.getMessage().startsWith("reading 15 from table warmcache failed: "), e.getMessage());
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void anUnexpectedFailureIsATypedErrorWithoutStack() {
    EventPublisher broken =
        event -> {
          throw new IllegalStateException("publisher bug");
        };
    Harness h = harness(Map.of("MISS_WAIT_MS", "0"), broken, Clock.systemUTC());
    ReaderUnavailableException e =
        assertThrows(
            ReaderUnavailableException.class,
            () ->
                h.handler.handleRequest(
                    new java.io.ByteArrayInputStream("{\"id\":\"15\"}".getBytes()),
                    new java.io.ByteArrayOutputStream(),
                    null));
    assertEquals(
        "internal error (IllegalStateException); the stack trace is in the function log",
        e.getMessage());
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void warmUpReadsButWritesNothing() {
    scope.store().put(item(ID, 1, nowSeconds() + 300).toBuilder().idleRefreshes(3).build());
    Harness h = harness(Map.of());
    h.handler.beforeCheckpoint(null);
    assertEquals(1, h.getItems(), "the DynamoDB path was exercised");
    assertEquals(0, h.operations.count("PutItem") + h.operations.count("UpdateItem"));
    assertEquals(List.of(), events.events());
    assertEquals(0, h.handler.memoryEntries());
    assertEquals(1, DYNAMODB.client().scan(b -> b.tableName("warmcache")).count());
    assertEquals(3, scope.store().get(ID, ReadConsistency.STRONG).orElseThrow().idleRefreshes());
  }
}
