package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventNames;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The change feed as a reader sees it, and early refresh, against DynamoDB Local. Change records
 * are written as the workflow's "Record the change for warm readers" state writes them (the twin's
 * workflow tests run that state itself).
 */
class CoherenceTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private static final ItemId ID = ItemId.of("15");
  private static final ItemId OTHER = ItemId.of("16");

  @RegisterExtension final ReaderScope scope = new ReaderScope(DYNAMODB);

  private final RecordingEventPublisher events = new RecordingEventPublisher();
  private final MutableClock clock = new MutableClock();

  private Harness reader(Map<String, String> env) {
    return scope.open(env, events, clock);
  }

  private Item item(ItemId id, long version) {
    long now = clock.millis();
    return Item.builder(id)
        .value("{\"v\":" + version + "}")
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(now)
        .expiresAtEpochSeconds(now / 1000 + 300)
        .build();
  }

  /** What the workflow writes after storing a new version. */
  private void recordChange(ItemId id, long version) {
    long bucket = ChangeFeed.bucket(clock.millis());
    DYNAMODB
        .client()
        .updateItem(
            b ->
                b.tableName(DynamoDbLocalFixture.TABLE)
                    .key(Map.of("id", AttributeValue.fromS(ChangeFeed.key(bucket))))
                    .updateExpression(
                        "ADD #changes :entries SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)")
                    .conditionExpression("attribute_not_exists(#changes) OR size(#changes) < :max")
                    .expressionAttributeNames(
                        Map.of("#changes", ChangeFeed.CHANGES, "#expiresAt", "expiresAt"))
                    .expressionAttributeValues(
                        Map.of(
                            ":entries",
                                AttributeValue.fromSs(List.of(ChangeFeed.entry(id, version))),
                            ":expiresAt",
                                AttributeValue.fromN(
                                    Long.toString(ChangeFeed.expiresAtEpochSeconds(bucket))),
                            ":max",
                                AttributeValue.fromN(
                                    Integer.toString(ChangeFeed.MAX_CHANGES_PER_BUCKET)))));
  }

  private void write(ItemId id, long version) {
    assertTrue(scope.store().put(item(id, version)));
    recordChange(id, version);
  }

  private static long version(JsonNode answer) {
    return answer.path("version").asLong();
  }

  @Test
  void aWarmInstanceServesTheNewVersionOnceTheIntervalHasPassed() {
    Harness h = reader(Map.of("COHERENCE_INTERVAL_MS", "1000"));
    scope.store().put(item(ID, 1));
    scope.store().put(item(OTHER, 1));
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").path("source").asText());
    h.call("{\"id\":\"16\"}");

    write(ID, 2);
    clock.advance(Duration.ofMillis(400));
    JsonNode beforeDue = h.call("{\"id\":\"15\"}");
    assertEquals(1, version(beforeDue), "no sync before the interval: the held version is served");
    assertEquals("memory", beforeDue.path("source").asText());

    clock.advance(Duration.ofMillis(700));
    h.operations.reset();
    JsonNode synced = h.call("{\"id\":\"15\"}");
    assertEquals(2, version(synced), "the invocation that syncs already serves the new version");
    assertEquals(1, h.operations.count("BatchGetItem"), "one batched read of the feed");
    assertEquals(1, h.getItems(), "only the changed key is read again");
    assertEquals(1, version(h.call("{\"id\":\"16\"}")), "an unchanged key stays in memory");
    assertEquals("memory", h.call("{\"id\":\"16\"}").path("source").asText());
  }

  @Test
  void withTheFeedOffAWarmInstanceKeepsTheOldVersion() {
    Harness h = reader(Map.of("COHERENCE_INTERVAL_MS", "0"));
    scope.store().put(item(ID, 1));
    h.call("{\"id\":\"15\"}");
    write(ID, 2);
    clock.advance(Duration.ofSeconds(5));
    assertEquals(1, version(h.call("{\"id\":\"15\"}")));
    assertEquals(0, h.operations.count("BatchGetItem"));
  }

  @Test
  void anOverflowedBucketDropsTheWholeMemoryTier() {
    Harness h = reader(Map.of());
    scope.store().put(item(ID, 1));
    scope.store().put(item(OTHER, 1));
    h.call("{\"id\":\"15\"}");
    h.call("{\"id\":\"16\"}");
    assertEquals(2, h.handler.memoryEntries());
    long bucket = ChangeFeed.bucket(clock.millis());
    DYNAMODB
        .client()
        .putItem(
            b ->
                b.tableName(DynamoDbLocalFixture.TABLE)
                    .item(
                        Map.of(
                            "id",
                            AttributeValue.fromS(ChangeFeed.key(bucket)),
                            ChangeFeed.OVERFLOW,
                            AttributeValue.fromBool(true),
                            "expiresAt",
                            AttributeValue.fromN(
                                Long.toString(ChangeFeed.expiresAtEpochSeconds(bucket))))));
    clock.advance(Duration.ofMillis(1100));
    assertEquals(
        "dynamodb", h.call("{\"id\":\"16\"}").path("source").asText(), "nothing held survived");
    assertEquals(1, h.handler.memoryEntries());
  }

  @Test
  void aGapLongerThanTheFeedKeepsDropsTheWholeMemoryTierWithoutReadingIt() {
    Harness h = reader(Map.of());
    scope.store().put(item(ID, 1));
    h.call("{\"id\":\"15\"}");
    clock.advance(Duration.ofSeconds(ChangeFeed.WINDOW_BUCKETS + 5));
    h.operations.reset();
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").path("source").asText());
    assertEquals(
        0,
        h.operations.count("BatchGetItem"),
        "a gap past the window cannot be read, only dropped");
  }

  @Test
  void aFailingSyncNeverFailsARead() {
    Harness h = reader(Map.of());
    scope.store().put(item(ID, 1));
    h.call("{\"id\":\"15\"}");
    h.operations.fail("BatchGetItem");
    clock.advance(Duration.ofMillis(1100));
    JsonNode answer = h.call("{\"id\":\"15\"}");
    assertEquals("memory", answer.path("source").asText(), "served as if no sync were due");
    assertEquals(1, version(answer));
    assertEquals(
        1, h.operations.count("BatchGetItem"), "the failed sync was tried once, not once per read");
    h.call("{\"id\":\"15\"}");
    assertEquals(1, h.operations.count("BatchGetItem"));
  }

  @Test
  void aRestoredSnapshotForgetsWhatItsMemoryHeld() {
    Harness h = reader(Map.of());
    scope.store().put(item(ID, 1));
    h.call("{\"id\":\"15\"}");
    assertEquals(1, h.handler.memoryEntries());
    h.handler.afterRestore(null);
    assertEquals(0, h.handler.memoryEntries());
    assertEquals("dynamodb", h.call("{\"id\":\"15\"}").path("source").asText());
  }

  @Test
  void aPrimeAnswerNamesItsInstanceAndWhetherItHeldTheKeyOrStartedCold() {
    Harness h = reader(Map.of());
    scope.store().put(item(ID, 1));
    JsonNode first = h.call("{\"prime\":{\"id\":\"15\",\"version\":1}}");
    assertTrue(first.path("coldStart").asBoolean(), first.toString());
    assertFalse(first.path("held").asBoolean());
    assertTrue(first.path("instance").asText().startsWith("instance-"), first.toString());
    h.call("{\"id\":\"15\"}");
    write(ID, 2);
    JsonNode second = h.call("{\"prime\":{\"id\":\"15\",\"version\":2}}");
    assertFalse(second.path("coldStart").asBoolean());
    assertTrue(second.path("held").asBoolean());
    assertEquals(first.path("instance").asText(), second.path("instance").asText());
  }

  @Test
  void readsLateInAKeysLifeAskForAnEarlyRefreshNamingTheVersionTheySaw() {
    Harness h = reader(Map.of("MISS_INTERVAL_SECONDS", "0"));
    long now = clock.millis();
    scope
        .store()
        .put(
            Item.builder(ID)
                .value("1")
                .version(3)
                .fetchedAtMillis(now)
                .expiresAtEpochSeconds(now / 1000 + 100)
                .refreshMillis(2_000)
                .build());
    h.call("{\"id\":\"15\"}");
    for (int i = 0; i < 200; i++) {
      h.call("{\"id\":\"15\"}");
    }
    assertEquals(List.of(), misses(), "far from expiry nothing fires");
    clock.advance(Duration.ofSeconds(99));
    for (int i = 0; i < 200; i++) {
      h.call("{\"id\":\"15\"}");
    }
    List<CacheEvent> early = misses();
    assertFalse(early.isEmpty(), "one second before expiry, Δ·β = 8 s: nearly every read fires");
    assertEquals("{\"id\":\"15\",\"reason\":\"early\",\"version\":3}", early.get(0).detail());
  }

  @Test
  void aKeyReadEveryFewSecondsIsRefreshedOnItsLastReadsBeforeExpiry() {
    // Δ·β = 40 ms: plain XFetch would almost never fire 1 to 4 s before expiry. With the
    // read gap (3 s) added, each of those reads fires with about the chance that it is the
    // last before expiry, so most of 50 such keys ask ahead, and none before the window.
    Harness h = reader(Map.of("MISS_INTERVAL_SECONDS", "0"));
    long now = clock.millis();
    List<ItemId> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ItemId id = ItemId.of("sparse-" + i);
      keys.add(id);
      scope
          .store()
          .put(
              Item.builder(id)
                  .value("1")
                  .version(1)
                  .fetchedAtMillis(now)
                  .expiresAtEpochSeconds(now / 1000 + 100)
                  .refreshMillis(10)
                  .build());
      h.call("{\"id\":\"" + id.value() + "\"}");
    }
    // expiresAt is whole seconds: these reads come 9.5 to 10.5 s before it, then 3 s apart.
    clock.advance(Duration.ofMillis(89_500));
    keys.forEach(id -> h.call("{\"id\":\"" + id.value() + "\"}"));
    clock.advance(Duration.ofSeconds(3));
    keys.forEach(id -> h.call("{\"id\":\"" + id.value() + "\"}"));
    assertEquals(List.of(), misses(), "7 s before expiry the window (6 % of 100 s) is not open");
    for (int round = 0; round < 2; round++) {
      clock.advance(Duration.ofSeconds(3));
      keys.forEach(id -> h.call("{\"id\":\"" + id.value() + "\"}"));
    }
    long asked = misses().stream().map(CacheEvent::detail).distinct().count();
    assertTrue(asked >= 20, "keys asked ahead: " + asked + " of 50 (about 40 expected)");
    assertTrue(misses().stream().allMatch(e -> e.detail().contains("\"reason\":\"early\"")));
  }

  @Test
  void betaZeroTurnsEarlyRefreshOff() {
    Harness h = reader(Map.of("MISS_INTERVAL_SECONDS", "0", "EARLY_REFRESH_BETA", "0"));
    long now = clock.millis();
    scope
        .store()
        .put(
            Item.builder(ID)
                .value("1")
                .version(3)
                .fetchedAtMillis(now)
                .expiresAtEpochSeconds(now / 1000 + 100)
                .refreshMillis(2_000)
                .build());
    h.call("{\"id\":\"15\"}");
    clock.advance(Duration.ofSeconds(99));
    for (int i = 0; i < 200; i++) {
      h.call("{\"id\":\"15\"}");
    }
    assertEquals(List.of(), misses());
  }

  private List<CacheEvent> misses() {
    return events.ofType(EventNames.CACHE_MISS);
  }
}
