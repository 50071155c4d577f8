package dev.warmcache.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.MissReason;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.json.Json;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The client as a user's code calls it, against DynamoDB Local: the public surface only, with a
 * recording publisher in place of the bus, whose delivery is not what is tested here (the reader's
 * tests and the twin's cover the path through EventBridge and the workflow).
 */
class WarmcacheTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private final RecordingEventPublisher events = new RecordingEventPublisher();
  private final List<CallStats> calls = new CopyOnWriteArrayList<>();
  private ItemStore store;

  @BeforeEach
  void clean() {
    DYNAMODB.clear();
    store = new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE);
  }

  private Warmcache cache(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(DYNAMODB.env());
    all.putAll(settings);
    return Warmcache.builder()
        .settings(all)
        .dynamoDbClient(DYNAMODB.client())
        .eventPublisher(events)
        .listener(calls::add)
        .build();
  }

  private static Item item(String id, long version, long expiresAtSeconds) {
    return Item.builder(ItemId.of(id))
        .value("{\"name\":\"" + id + "\",\"n\":" + version + "}")
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(System.currentTimeMillis() - 1_000)
        .expiresAtEpochSeconds(expiresAtSeconds)
        .build();
  }

  private static long inAnHour() {
    return Instant.now().getEpochSecond() + 3_600;
  }

  record Named(String name, int n) {}

  @Test
  void aStoredValueComesFromDynamoDbThenFromMemoryWithEveryField() {
    Item stored = item("15", 7, inAnHour());
    store.put(stored);
    Warmcache cache = cache(Map.of());

    CachedValue first = cache.get("15");
    CachedValue second = cache.get("15");

    assertEquals(Source.DYNAMODB, first.source());
    assertEquals(Source.MEMORY, second.source());
    assertEquals("15", second.id());
    assertEquals(stored.value(), second.value());
    assertEquals("application/json", second.contentType());
    assertEquals(7, second.version());
    assertEquals(Instant.ofEpochMilli(stored.fetchedAtMillis()), second.fetchedAt());
    assertEquals(Instant.ofEpochSecond(stored.expiresAtEpochSeconds()), second.expiresAt());
    assertFalse(second.stale());
    assertFalse(second.notFound());
    assertEquals(new Named("15", 7), second.as(Named.class));
    assertNull(second.rendered(Object.class), "no rendering was configured");
    assertEquals(1, calls.get(0).dynamoDbReads());
    assertEquals(0, calls.get(1).dynamoDbReads(), "a memory hit reads nothing");
  }

  @Test
  void anAbsentKeyAsksForARefreshAndThrowsWhenNothingLands() {
    Warmcache cache = cache(Map.of("MISS_WAIT_MS", "0"));

    NotCachedException e = assertThrows(NotCachedException.class, () -> cache.get("nobody"));

    assertEquals("nobody", e.id());
    assertEquals(MissReason.ABSENT, e.reason());
    assertEquals(0, e.getStackTrace().length, "no stack is recorded, so none leaks");
    assertEquals(1, events.ofType(EventNames.CACHE_MISS).size());
    assertEquals(1, calls.get(0).missEventsPublished(), "the listener heard of it too");
  }

  @Test
  void anExpiredValueWithinTheStaleWindowIsServedStale() {
    store.put(item("old", 3, Instant.now().getEpochSecond() - 5));
    Warmcache cache = cache(Map.of("MAX_STALE_SECONDS", "60"));

    CachedValue v = cache.get("old");

    assertTrue(v.stale());
    assertEquals(3, v.version());
    assertEquals(1, events.ofType(EventNames.CACHE_MISS).size());
  }

  @Test
  void badKeysAreTypedAndReadNothing() {
    Warmcache cache = cache(Map.of());
    for (String bad : new String[] {"../admin", "", "a b", "x".repeat(129)}) {
      InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> cache.get(bad));
      assertEquals(0, e.getStackTrace().length);
    }
    assertThrows(InvalidKeyException.class, () -> cache.get(null));
    assertThrows(InvalidKeyException.class, () -> cache.getAll(List.of("1", "../2")));
    assertTrue(calls.isEmpty(), "no call reached a tier");
  }

  @Test
  void anUnreachableTableIsTypedAndCarriesNoStack() {
    DynamoDbClient nowhere =
        DynamoDbClient.builder()
            .endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder().retryStrategy(b -> b.maxAttempts(1)).build())
            .build();
    Warmcache cache =
        Warmcache.builder()
            .settings(DYNAMODB.env())
            .dynamoDbClient(nowhere)
            .eventPublisher(events)
            .build();

    CacheUnavailableException e =
        assertThrows(CacheUnavailableException.class, () -> cache.get("15"));

    assertTrue(e.getMessage().startsWith("reading 15 from table warmcache failed"), e.getMessage());
    assertEquals(0, e.getStackTrace().length);
  }

  /** The issue's batch target: 100 keys only in DynamoDB cost one BatchGetItem, 150 cost two. */
  @Test
  void getAllReadsAHundredKeysInOneBatchAndAnswersInTheOrderAsked() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      store.put(item("k" + i, 1, inAnHour()));
      ids.add("k" + i);
    }
    Warmcache cache = cache(Map.of());

    Map<String, CachedValue> hundred = cache.getAll(ids.subList(0, 100));
    assertEquals(1, calls.get(0).dynamoDbReads(), "one BatchGetItem for 100 keys");
    assertEquals(ids.subList(0, 100), new ArrayList<>(hundred.keySet()));
    assertTrue(hundred.values().stream().allMatch(v -> v.source() == Source.DYNAMODB));

    Map<String, CachedValue> all = cache.getAll(ids);
    assertEquals(150, all.size());
    assertEquals(1, calls.get(1).dynamoDbReads(), "the first 100 came from memory");
    assertEquals(Source.MEMORY, all.get("k0").source());
    assertEquals(Source.DYNAMODB, all.get("k149").source());
  }

  @Test
  void getAllAsksForEveryMissInOneBatchAndLeavesOutWhatNeverLands() {
    store.put(item("present", 1, inAnHour()));
    Warmcache cache = cache(Map.of("MISS_WAIT_MS", "0"));

    Map<String, CachedValue> some = cache.getAll(List.of("a", "present", "b", "c", "a"));

    assertEquals(List.of("present"), new ArrayList<>(some.keySet()));
    List<String> asked =
        events.ofType(EventNames.CACHE_MISS).stream()
            .map(e -> Json.MAPPER.valueToTree(e).path("detail").asText())
            .toList();
    assertEquals(3, asked.size(), () -> "one CacheMiss per absent key: " + asked);
    assertEquals(3, calls.get(0).missEventsPublished());
  }

  @Test
  void getAllWaitsOnceForTheRefreshesToLand() throws Exception {
    Warmcache cache = cache(Map.of("MISS_WAIT_MS", "10000"));
    Thread workflow =
        new Thread(
            () -> {
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                return;
              }
              store.put(item("x", 1, inAnHour()));
              store.put(item("y", 1, inAnHour()));
            });
    workflow.start();

    Map<String, CachedValue> landed = cache.getAll(List.of("x", "y"));
    workflow.join();

    assertEquals(2, landed.size());
    assertTrue(landed.values().stream().allMatch(v -> v.source() == Source.ORIGIN));
    assertEquals(Source.MEMORY, cache.get("x").source(), "and they are held now");
  }

  @Test
  void refreshSendsTheOperatorsForceRefresh() throws Exception {
    Warmcache cache = cache(Map.of());

    cache.refresh("15");

    assertEquals(1, events.events().size());
    assertEquals(EventNames.SOURCE_ADMIN, events.events().get(0).source());
    assertEquals(EventNames.FORCE_REFRESH, events.events().get(0).detailType());
    JsonNode detail = Json.MAPPER.readTree(events.events().get(0).detail());
    assertEquals("15", detail.path("id").asText());
  }

  @Test
  void aHostRenderingIsMadeOncePerVersionHeldAndCountsAgainstMemory() {
    store.put(item("15", 1, inAnHour()));
    AtomicInteger renders = new AtomicInteger();
    Warmcache cache =
        Warmcache.builder()
            .settings(DYNAMODB.env())
            .dynamoDbClient(DYNAMODB.client())
            .eventPublisher(events)
            .rendering(
                new Rendering<String>() {
                  @Override
                  public String render(CachedValue v) {
                    renders.incrementAndGet();
                    return "<" + v.id() + "@" + v.version() + ">";
                  }

                  @Override
                  public long bytes(String rendered) {
                    return rendered.length();
                  }
                })
            .build();

    for (int i = 0; i < 5; i++) {
      assertEquals("<15@1>", cache.get("15").rendered(String.class));
    }
    assertEquals(1, renders.get(), "rendered once, then reused by every hit");
  }

  @Test
  void primeReloadsOnlyAKeyItHoldsAtAnOlderVersion() {
    store.put(item("15", 1, inAnHour()));
    Warmcache cache = cache(Map.of());
    assertEquals("not-held", cache.prime("15", 2).reason());
    cache.get("15");
    store.put(item("15", 2, inAnHour()));

    PrimeOutcome outcome = cache.prime("15", 2);

    assertTrue(outcome.primed());
    assertTrue(outcome.held());
    assertEquals(2, outcome.version().getAsLong());
    assertEquals(2, cache.get("15").version());
  }

  @Test
  void warmUpWritesNothingAndAfterRestoreForgetsMemory() {
    store.put(item("15", 1, inAnHour()));
    Warmcache cache = cache(Map.of());
    cache.get("15");
    assertEquals(1, cache.memoryEntries());

    CachedValue sample = cache.warmUp();
    cache.afterRestore();

    assertEquals("warmcache-warm-up", sample.id());
    assertTrue(events.events().isEmpty());
    assertEquals(0, cache.memoryEntries(), "a restored snapshot vouches for nothing it held");
    assertTrue(
        DYNAMODB
            .client()
            .getItem(
                b -> b.tableName("warmcache").key(ItemStore.key(ItemId.of("warmcache-warm-up"))))
            .item()
            .isEmpty());
  }
}
