package dev.warmcache.changes;

import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.ItemAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The change feed in the item table: one record per second of writes, keyed {@code
 * #changes#<epochSecond>}, holding a string set of {@code <id>#<version>} entries.
 *
 * <p>Why these choices:
 *
 * <ul>
 *   <li>{@code #} is not an id character ({@link ItemId}), so a change record's key can never
 *       collide with a cached key, and no reader or workflow input can name one.
 *   <li>Records live in the item table, so the reader needs no second table, and the feed expires
 *       by the table's own TTL attribute ({@code expiresAt}). Change records have no {@code
 *       version}, which the TTL stream filter in {@code events/} requires, so their TTL deletions
 *       never start a refresh.
 *   <li>A bucket takes at most {@link #MAX_CHANGES_PER_BUCKET} entries (about 150 KB at the longest
 *       ids, well under DynamoDB's 400 KB item limit). The write after that marks the bucket {@code
 *       overflow}, and a reader that sees the mark drops its whole memory tier.
 *   <li>A reader reads every bucket since its last sync in one strongly consistent {@code
 *       BatchGetItem}; one that has been away longer than {@link #WINDOW_BUCKETS} seconds cannot
 *       know what changed and drops everything instead of reading.
 * </ul>
 *
 * <pre>{@code
 * ChangeFeed feed = new ChangeFeed(dynamoDb, "warmcache");
 * Changes changes = feed.read(ChangeFeed.bucket(lastSyncMillis - ChangeFeed.SKEW_MILLIS), ChangeFeed.bucket(now));
 * if (!changes.complete()) memory.clear(); else changes.latest().forEach(memory::dropOlderThan);
 * }</pre>
 */
public final class ChangeFeed {

  /** Prefix of every change record's key; never a valid {@link ItemId}. */
  public static final String KEY_PREFIX = "#changes#";

  /** String set of {@code <id>#<version>} entries. */
  public static final String CHANGES = "changes";

  /** Set to {@code true} on a bucket that refused an entry because it was full. */
  public static final String OVERFLOW = "overflow";

  /** Width of one bucket. */
  public static final long BUCKET_MILLIS = 1_000;

  /**
   * The most buckets a reader reads in one sync; a longer gap drops the memory tier. Under
   * BatchGetItem's 100 keys.
   */
  public static final int WINDOW_BUCKETS = 60;

  /**
   * A reader re-reads this far behind its last sync, because the refresh function's clock picks the
   * bucket and two Lambda clocks may disagree a little.
   */
  public static final long SKEW_MILLIS = 1_000;

  /** Entries a bucket takes before it overflows. */
  public static final int MAX_CHANGES_PER_BUCKET = 1_000;

  /**
   * A bucket's TTL: past the read window with room to spare, so no reader ever misses a live
   * bucket.
   */
  public static final long RETAIN_SECONDS = 2L * WINDOW_BUCKETS;

  private static final int UNPROCESSED_RETRIES = 2;

  private final DynamoDbClient dynamoDb;
  private final String tableName;

  public ChangeFeed(DynamoDbClient dynamoDb, String tableName) {
    this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
    this.tableName = Objects.requireNonNull(tableName, "tableName");
  }

  /** The bucket that a write at {@code epochMillis} is recorded in. */
  public static long bucket(long epochMillis) {
    return Math.floorDiv(epochMillis, BUCKET_MILLIS);
  }

  /** The table key of bucket {@code bucket}. */
  public static String key(long bucket) {
    return KEY_PREFIX + bucket;
  }

  /** True for the key of a change record (the twin's console leaves them out of the item list). */
  public static boolean isChangeRecordKey(String key) {
    return key != null && key.startsWith(KEY_PREFIX);
  }

  /** The epoch second at which bucket {@code bucket}'s record may be deleted by TTL. */
  public static long expiresAtEpochSeconds(long bucket) {
    return Math.floorDiv((bucket + 1) * BUCKET_MILLIS, 1000) + RETAIN_SECONDS;
  }

  /** The set element recording that {@code id} now has {@code version}. */
  public static String entry(ItemId id, long version) {
    return id.value() + "#" + version;
  }

  /** The id and version of an entry, or empty if it is not one this class wrote. */
  static Optional<Map.Entry<ItemId, Long>> parse(String entry) {
    int hash = entry.lastIndexOf('#');
    if (hash <= 0 || hash == entry.length() - 1) {
      return Optional.empty();
    }
    try {
      long version = Long.parseLong(entry.substring(hash + 1));
      return version < 0
          ? Optional.empty()
          : Optional.of(Map.entry(ItemId.of(entry.substring(0, hash)), version));
    } catch (NumberFormatException | InvalidIdException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads buckets {@code fromBucket} to {@code toBucket} (inclusive) in one strongly consistent
   * {@code BatchGetItem}. A range wider than {@link #WINDOW_BUCKETS} is not read at all: it is
   * {@link Changes#unknown()}. Keys that DynamoDB leaves unprocessed are asked for again twice,
   * then count as unknown.
   */
  public Changes read(long fromBucket, long toBucket) {
    if (toBucket < fromBucket) {
      return new Changes(Map.of(), true);
    }
    if (toBucket - fromBucket + 1 > WINDOW_BUCKETS) {
      return Changes.unknown();
    }
    List<Map<String, AttributeValue>> keys = new ArrayList<>();
    for (long b = fromBucket; b <= toBucket; b++) {
      keys.add(Map.of(ItemAttributes.ID, AttributeValue.fromS(key(b))));
    }
    Map<ItemId, Long> latest = new HashMap<>();
    boolean complete = true;
    Map<String, KeysAndAttributes> request =
        Map.of(
            tableName,
            KeysAndAttributes.builder()
                .keys(keys)
                .consistentRead(true)
                .projectionExpression("#c, #o")
                .expressionAttributeNames(Map.of("#c", CHANGES, "#o", OVERFLOW))
                .build());
    for (int attempt = 0; !request.isEmpty(); attempt++) {
      if (attempt > UNPROCESSED_RETRIES) {
        return Changes.unknown();
      }
      Map<String, KeysAndAttributes> ask = request;
      BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(ask));
      for (Map<String, AttributeValue> record :
          response.responses().getOrDefault(tableName, List.of())) {
        complete &= absorb(record, latest);
      }
      request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
    }
    return new Changes(latest, complete);
  }

  /** Adds one bucket's entries; false if the bucket says the reader cannot know everything. */
  private static boolean absorb(Map<String, AttributeValue> record, Map<ItemId, Long> latest) {
    AttributeValue overflow = record.get(OVERFLOW);
    boolean complete = overflow == null || !Boolean.TRUE.equals(overflow.bool());
    AttributeValue changes = record.get(CHANGES);
    if (changes != null && changes.hasSs()) {
      for (String raw : changes.ss()) {
        Optional<Map.Entry<ItemId, Long>> entry = parse(raw);
        if (entry.isEmpty()) {
          complete = false;
          continue;
        }
        latest.merge(entry.get().getKey(), entry.get().getValue(), Math::max);
      }
    }
    return complete;
  }
}
