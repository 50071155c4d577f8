package dev.warmcache.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.id.ItemId;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ItemStoreTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private static final ItemId ID = ItemId.of("15");

  /**
   * 2100-01-01. An expiresAt in the past lets DynamoDB Local's TTL sweep (every few seconds) delete
   * an item in the middle of a test, which made version and lease assertions flaky.
   */
  private static final long FAR_FUTURE = 4_102_444_800L;

  private ItemStore store;

  @BeforeEach
  void setUp() {
    DYNAMODB.clear();
    store = new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE);
  }

  private static Item item(long version) {
    return Item.builder(ID)
        .value("{\"n\":" + version + "}")
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(1_700_000_000_000L + version)
        .expiresAtEpochSeconds(FAR_FUTURE)
        .etag("\"e" + version + "\"")
        .lastModified("Tue, 14 Nov 2023 22:13:20 GMT")
        .idleRefreshes(2)
        .build();
  }

  @Test
  void roundTripsEveryAttribute() {
    Item written = item(3);
    assertTrue(store.put(written));
    assertEquals(Optional.of(written), store.get(ID, ReadConsistency.EVENTUAL));
    assertEquals(Optional.of(written), store.get(ID, ReadConsistency.STRONG));
  }

  @Test
  void absentKeyReadsEmpty() {
    assertEquals(Optional.empty(), store.get(ItemId.of("nobody"), ReadConsistency.STRONG));
  }

  @Test
  void negativeEntryRoundTrips() {
    Item negative =
        Item.builder(ID)
            .notFound(true)
            .version(1)
            .fetchedAtMillis(5)
            .expiresAtEpochSeconds(FAR_FUTURE)
            .build();
    assertTrue(store.put(negative));
    Item read = store.get(ID, ReadConsistency.STRONG).orElseThrow();
    assertTrue(read.notFound());
    assertEquals(null, read.value());
    assertFalse(
        DYNAMODB
            .client()
            .getItem(b -> b.tableName("warmcache").key(ItemStore.key(ID)))
            .item()
            .containsKey("value"));
  }

  @Test
  void putNeverLowersOrRepeatsVersion() {
    assertTrue(store.put(item(5)));
    assertFalse(store.put(item(4)), "older version must lose");
    assertFalse(store.put(item(5)), "same version must lose");
    assertEquals(5, store.get(ID, ReadConsistency.STRONG).orElseThrow().version());
    assertTrue(store.put(item(6)));
    assertEquals(6, store.get(ID, ReadConsistency.STRONG).orElseThrow().version());
  }

  @Test
  void idleResetWritesOnlyWhenAboveZero() {
    store.put(item(1));
    assertTrue(store.resetIdle(ID));
    assertEquals(0, store.get(ID, ReadConsistency.STRONG).orElseThrow().idleRefreshes());
    assertFalse(store.resetIdle(ID), "already zero: no write");
    assertFalse(store.resetIdle(ItemId.of("absent")), "absent key: nothing is created");
    var raw =
        DYNAMODB
            .client()
            .getItem(b -> b.tableName("warmcache").key(ItemStore.key(ItemId.of("absent"))));
    assertTrue(!raw.hasItem() || raw.item().isEmpty(), "no record was created: " + raw.item());
  }

  /**
   * The workflow's lease state ("Take the refresh lease") on a key with no value leaves a record of
   * only id and lease attributes: readers must see it as absent, and the first value write replaces
   * it, lease and all.
   */
  @Test
  void aLeaseOnlyRecordReadsAsAbsentAndTheFirstPutReplacesIt() {
    DYNAMODB
        .client()
        .updateItem(
            b ->
                b.tableName("warmcache")
                    .key(ItemStore.key(ID))
                    .updateExpression("SET leaseOwner = :o, leaseUntil = :u")
                    .expressionAttributeValues(
                        Map.of(
                            ":o", AttributeValue.fromS("exec-a"),
                            ":u",
                                AttributeValue.fromN(
                                    Long.toString(System.currentTimeMillis() + 30_000)))));
    assertEquals(
        Optional.empty(), store.get(ID, ReadConsistency.STRONG), "a lease alone is not an item");
    assertTrue(store.put(item(1)), "the first write lands");
    Map<String, AttributeValue> raw =
        DYNAMODB.client().getItem(b -> b.tableName("warmcache").key(ItemStore.key(ID))).item();
    assertFalse(raw.containsKey(ItemAttributes.LEASE_OWNER), "the put replaced the lease record");
  }

  @Test
  void foreignRecordsAreRejectedReadably() {
    DYNAMODB
        .client()
        .putItem(
            b ->
                b.tableName("warmcache")
                    .item(
                        Map.of(
                            "id",
                            AttributeValue.fromS("bad"),
                            "version",
                            AttributeValue.fromN("1"))));
    MalformedItemException e =
        assertThrows(
            MalformedItemException.class,
            () -> store.get(ItemId.of("bad"), ReadConsistency.EVENTUAL));
    assertEquals("item bad has neither a value nor notFound", e.getMessage());
  }

  @Test
  void expiryIsJudgedByTheReaderNotByPresence() {
    Item it = item(1);
    assertFalse(it.isExpiredAt(Instant.ofEpochSecond(FAR_FUTURE - 1)));
    assertTrue(it.isExpiredAt(Instant.ofEpochSecond(FAR_FUTURE)));
  }

  @Test
  void aRefreshClaimIsWonOncePerIntervalAndNeverCreatesAnItem() {
    java.time.Duration interval = java.time.Duration.ofSeconds(10);
    assertFalse(store.claimRefresh(ID, 1_000_000, interval), "an absent key cannot be claimed");
    assertFalse(
        DYNAMODB
            .client()
            .getItem(b -> b.tableName("warmcache").key(ItemStore.key(ID)).consistentRead(true))
            .hasItem(),
        "and stays absent");
    store.put(item(1));
    assertTrue(store.claimRefresh(ID, 1_000_000, interval));
    assertFalse(store.claimRefresh(ID, 1_005_000, interval), "claimed 5 s ago");
    assertTrue(store.claimRefresh(ID, 1_010_000, interval), "the interval has passed");
    assertEquals(
        1, store.get(ID, ReadConsistency.STRONG).orElseThrow().version(), "the value is untouched");
    store.releaseRefreshClaim(ID, 1_000_000);
    assertFalse(
        store.claimRefresh(ID, 1_011_000, interval), "someone else's claim is not released");
    store.releaseRefreshClaim(ID, 1_010_000);
    assertTrue(
        store.claimRefresh(ID, 1_011_000, interval), "a released claim can be taken again at once");
    store.put(item(2));
    assertTrue(store.claimRefresh(ID, 1_012_000, interval), "a new version clears the claim");
  }

  /**
   * The adversarial-testing reproduction: an item written without {@code idleRefreshes} (an import,
   * a restore, an older warmcache, a hand-written item) was never claimable, so no reader ever
   * asked for its refresh.
   */
  @Test
  void anItemWithoutBookkeepingAttributesCanStillBeClaimed() {
    Map<String, AttributeValue> bare = new java.util.HashMap<>(ItemStore.toAttributes(item(1)));
    bare.remove(ItemAttributes.IDLE_REFRESHES);
    DYNAMODB.client().putItem(b -> b.tableName(DynamoDbLocalFixture.TABLE).item(bare));
    java.time.Duration interval = java.time.Duration.ofSeconds(10);

    assertTrue(store.claimRefresh(ID, 1_000_000, interval), "claimable without idleRefreshes");
    assertFalse(store.claimRefresh(ID, 1_001_000, interval), "and still once per interval");
    assertEquals(
        1, store.get(ID, ReadConsistency.STRONG).orElseThrow().version(), "the value is untouched");
  }
}
