package dev.warmcache.item;

import static dev.warmcache.item.ItemAttributes.CONTENT_TYPE;
import static dev.warmcache.item.ItemAttributes.ETAG;
import static dev.warmcache.item.ItemAttributes.EXPIRES_AT;
import static dev.warmcache.item.ItemAttributes.FETCHED_AT;
import static dev.warmcache.item.ItemAttributes.ID;
import static dev.warmcache.item.ItemAttributes.IDLE_REFRESHES;
import static dev.warmcache.item.ItemAttributes.LAST_MODIFIED;
import static dev.warmcache.item.ItemAttributes.NOT_FOUND;
import static dev.warmcache.item.ItemAttributes.REFRESH_MILLIS;
import static dev.warmcache.item.ItemAttributes.REFRESH_REQUESTED_AT;
import static dev.warmcache.item.ItemAttributes.VALUE;
import static dev.warmcache.item.ItemAttributes.VERSION;

import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The one place that maps {@link Item} to and from DynamoDB attributes.
 *
 * <p>Writes never lower {@code version}: {@link #put} is conditional on the stored version being
 * absent or strictly lower, so a slow refresh that lost a race returns {@code false} instead of
 * overwriting a newer value. The refresh lease lives on the same item ({@code leaseOwner}, {@code
 * leaseUntil}); see docs/item.md for why and for the rules that keep a lease from hiding a value.
 *
 * <pre>{@code
 * ItemStore store = new ItemStore(AwsClients.dynamoDb(settings), settings.tableName());
 * Optional<Item> item = store.get(ItemId.of("15"), ReadConsistency.EVENTUAL);
 * boolean written = store.put(next);   // false: someone already stored this or a newer version
 * }</pre>
 */
public final class ItemStore {

  private final DynamoDbClient dynamoDb;
  private final String tableName;

  public ItemStore(DynamoDbClient dynamoDb, String tableName) {
    this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
    this.tableName = Objects.requireNonNull(tableName, "tableName");
  }

  public String tableName() {
    return tableName;
  }

  /**
   * Reads the item. A lease-only record (a lease taken on a key that never had a value) has no
   * {@code version} and reads as absent.
   */
  public Optional<Item> get(ItemId id, ReadConsistency consistency) {
    GetItemResponse response =
        dynamoDb.getItem(
            b ->
                b.tableName(tableName)
                    .key(key(id))
                    .consistentRead(consistency == ReadConsistency.STRONG));
    if (!response.hasItem() || response.item().isEmpty()) {
      return Optional.empty();
    }
    return fromAttributes(response.item());
  }

  /** BatchGetItem's limit: at most 100 keys per request (see docs/client.md for the source). */
  public static final int MAX_BATCH_KEYS = 100;

  private static final int MAX_BATCH_ATTEMPTS = 8;
  private static final long FIRST_BACKOFF_MILLIS = 20;

  /**
   * What {@link #getAll} read: the items found (lease-only and malformed records are left out, as
   * absent), the keys it could not read after its retries, and how many requests it made.
   */
  public record BatchRead(Map<ItemId, Item> items, List<ItemId> unread, int requests) {}

  /**
   * Reads {@code ids} with {@code BatchGetItem}, at most {@link #MAX_BATCH_KEYS} keys per request,
   * and retries the keys DynamoDB returns as {@code UnprocessedKeys} with exponential backoff and
   * jitter, as AWS advises, up to {@value #MAX_BATCH_ATTEMPTS} attempts per chunk. A record that is
   * no valid item is left out rather than failing the other keys.
   */
  public BatchRead getAll(Collection<ItemId> ids, ReadConsistency consistency) {
    List<ItemId> all = new ArrayList<>(new LinkedHashSet<>(ids));
    Map<ItemId, Item> found = new HashMap<>();
    List<ItemId> unread = new ArrayList<>();
    int requests = 0;
    for (int from = 0; from < all.size(); from += MAX_BATCH_KEYS) {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (ItemId id : all.subList(from, Math.min(all.size(), from + MAX_BATCH_KEYS))) {
        keys.add(key(id));
      }
      long backoff = FIRST_BACKOFF_MILLIS;
      for (int attempt = 1; !keys.isEmpty(); attempt++) {
        List<Map<String, AttributeValue>> asked = keys;
        BatchGetItemResponse response =
            dynamoDb.batchGetItem(
                b ->
                    b.requestItems(
                        Map.of(
                            tableName,
                            KeysAndAttributes.builder()
                                .keys(asked)
                                .consistentRead(consistency == ReadConsistency.STRONG)
                                .build())));
        requests++;
        for (Map<String, AttributeValue> attributes :
            response.responses().getOrDefault(tableName, List.of())) {
          try {
            fromAttributes(attributes).ifPresent(item -> found.put(item.id(), item));
          } catch (MalformedItemException e) {
            // Left out: the other keys of the batch are still answered.
          }
        }
        KeysAndAttributes rest = response.unprocessedKeys().get(tableName);
        keys = rest == null ? List.of() : rest.keys();
        if (keys.isEmpty()) {
          break;
        }
        if (attempt == MAX_BATCH_ATTEMPTS) {
          keys.forEach(k -> unread.add(ItemId.of(k.get(ID).s())));
          break;
        }
        sleep(backoff + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff));
        backoff = Math.min(backoff * 2, 1_000);
      }
    }
    return new BatchRead(found, unread, requests);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a batch read", e);
    }
  }

  /**
   * Writes the whole item if the stored version is absent or lower: the same version rule as the
   * workflow's "Store the new value", for what seeds the table outside it (the twin's demo data and
   * fleet measurements, and tests). The workflow itself writes through its ASL, never through here.
   *
   * @return {@code true} if written, {@code false} if the table already holds this version or a
   *     newer one
   */
  public boolean put(Item item) {
    try {
      dynamoDb.putItem(
          b ->
              b.tableName(tableName)
                  .item(toAttributes(item))
                  .conditionExpression("attribute_not_exists(#v) OR #v < :v")
                  .expressionAttributeNames(Map.of("#v", VERSION))
                  .expressionAttributeValues(Map.of(":v", number(item.version()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Sets {@code idleRefreshes} to zero if it is above zero, marking the key as read so the workflow
   * keeps refreshing it. Skips the write (and its cost) when it is already zero.
   *
   * @return {@code true} if a reset was written
   */
  public boolean resetIdle(ItemId id) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(id))
                  .updateExpression("SET #idle = :zero")
                  // A comparison with a missing attribute is false, so this alone keeps an absent
                  // key
                  // absent; naming no other attribute lets IAM limit the reader to this counter.
                  .conditionExpression("#idle > :zero")
                  .expressionAttributeNames(Map.of("#idle", IDLE_REFRESHES))
                  .expressionAttributeValues(Map.of(":zero", number(0))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Claims the right to ask for a refresh of a stored item: sets {@code refreshRequestedAt} to
   * {@code nowMillis} unless another reader claimed it within {@code interval}. Only the winner
   * publishes a CacheMiss, so however many warm instances see an expired key, one execution starts.
   *
   * <p>Existence is judged on the key, the one attribute every record has: an item written without
   * some bookkeeping attribute (by an import, a restore, an older warmcache or by hand) must still
   * be claimable, or no reader would ever ask for its refresh. The condition names only the key and
   * the claim, so it never creates an item for an absent key and IAM can confine the reader to
   * these attributes. A claim then fails only to a live claim or to a key deleted since it was
   * read, whose TTL REMOVE record starts the refresh instead. A successful refresh replaces the
   * item and so clears the claim.
   *
   * @return {@code true} if this caller holds the claim now
   */
  public boolean claimRefresh(ItemId id, long nowMillis, Duration interval) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(id))
                  .updateExpression("SET #claim = :now")
                  .conditionExpression(
                      "attribute_exists(#id) AND (attribute_not_exists(#claim) OR #claim <= :cutoff)")
                  .expressionAttributeNames(Map.of("#claim", REFRESH_REQUESTED_AT, "#id", ID))
                  .expressionAttributeValues(
                      Map.of(
                          ":now", number(nowMillis),
                          ":cutoff", number(nowMillis - interval.toMillis()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * Hands back a claim taken at {@code claimedAtMillis} whose CacheMiss could not be published, so
   * the next read (of any instance) can claim and ask again. A no-op if someone else's claim has
   * replaced it.
   */
  public void releaseRefreshClaim(ItemId id, long claimedAtMillis) {
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(id))
                  .updateExpression("REMOVE #claim")
                  .conditionExpression("#claim = :mine")
                  .expressionAttributeNames(Map.of("#claim", REFRESH_REQUESTED_AT))
                  .expressionAttributeValues(Map.of(":mine", number(claimedAtMillis))));
    } catch (ConditionalCheckFailedException e) {
      // Someone claimed since: theirs stands.
    }
  }

  public static Map<String, AttributeValue> key(ItemId id) {
    return Map.of(ID, AttributeValue.fromS(id.value()));
  }

  /** The attribute map of {@code item}; null fields are left out rather than stored as NULL. */
  public static Map<String, AttributeValue> toAttributes(Item item) {
    Map<String, AttributeValue> m = new HashMap<>(16);
    m.put(ID, AttributeValue.fromS(item.id().value()));
    if (item.value() != null) {
      m.put(VALUE, AttributeValue.fromS(item.value()));
    }
    putIfPresent(m, CONTENT_TYPE, item.contentType());
    m.put(VERSION, number(item.version()));
    m.put(FETCHED_AT, number(item.fetchedAtMillis()));
    m.put(EXPIRES_AT, number(item.expiresAtEpochSeconds()));
    putIfPresent(m, ETAG, item.etag());
    putIfPresent(m, LAST_MODIFIED, item.lastModified());
    if (item.notFound()) {
      m.put(NOT_FOUND, AttributeValue.fromBool(true));
    }
    m.put(IDLE_REFRESHES, number(item.idleRefreshes()));
    if (item.refreshMillis() > 0) {
      m.put(REFRESH_MILLIS, number(item.refreshMillis()));
    }
    return m;
  }

  /**
   * Parses a stored item. Returns empty for a record without {@code version} (lease only); throws
   * {@link MalformedItemException} for a record that cannot be a warmcache item.
   */
  public static Optional<Item> fromAttributes(Map<String, AttributeValue> m) {
    AttributeValue idAttr = m.get(ID);
    if (idAttr == null || idAttr.s() == null) {
      throw new MalformedItemException("item has no string id");
    }
    ItemId id;
    try {
      id = ItemId.of(idAttr.s());
    } catch (InvalidIdException e) {
      throw new MalformedItemException("item id is invalid: " + e.getMessage());
    }
    if (!m.containsKey(VERSION)) {
      return Optional.empty();
    }
    boolean notFound = m.containsKey(NOT_FOUND) && Boolean.TRUE.equals(m.get(NOT_FOUND).bool());
    String value = string(m, VALUE);
    if (!notFound && value == null) {
      throw new MalformedItemException("item " + id + " has neither a value nor notFound");
    }
    long version = longNumber(m, id, VERSION, 0);
    // Judged on this host's wall clock: the writers' clocks are real ones too, and a version above
    // the ceiling is never loaded, so no reader serves one that a repair must later lower.
    if (!Versions.justified(version, System.currentTimeMillis())) {
      throw new MalformedItemException(
          "item "
              + id
              + " has version "
              + version
              + ", outside 0.."
              + Versions.ceiling(System.currentTimeMillis())
              + " (no write can have stored it by now)");
    }
    return Optional.of(
        new Item(
            id,
            notFound ? null : value,
            string(m, CONTENT_TYPE),
            version,
            longNumber(m, id, FETCHED_AT, 0),
            longNumber(m, id, EXPIRES_AT, 0),
            string(m, ETAG),
            string(m, LAST_MODIFIED),
            notFound,
            (int) Math.min(Integer.MAX_VALUE, Math.max(0, longNumber(m, id, IDLE_REFRESHES, 0))),
            Math.max(0, longNumber(m, id, REFRESH_MILLIS, 0))));
  }

  private static void putIfPresent(Map<String, AttributeValue> m, String name, String value) {
    if (value != null) {
      m.put(name, AttributeValue.fromS(value));
    }
  }

  private static String string(Map<String, AttributeValue> m, String name) {
    AttributeValue v = m.get(name);
    return v == null ? null : v.s();
  }

  private static long longNumber(
      Map<String, AttributeValue> m, ItemId id, String name, long fallback) {
    AttributeValue v = m.get(name);
    if (v == null || v.n() == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.n());
    } catch (NumberFormatException e) {
      try {
        return new java.math.BigDecimal(v.n()).longValueExact();
      } catch (ArithmeticException | NumberFormatException e2) {
        throw new MalformedItemException("item " + id + " has a non-integer " + name);
      }
    }
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
