package dev.warmcache.changes;

import dev.warmcache.id.ItemId;
import java.util.Map;

/**
 * What one read of the change feed learned.
 *
 * @param latest the newest version written per id within the buckets read
 * @param complete {@code false} when the reader cannot know everything that changed (an overflowed
 *     bucket, a bucket DynamoDB did not return, an entry it cannot parse): the caller must then
 *     drop everything it holds
 */
public record Changes(Map<ItemId, Long> latest, boolean complete) {

  public Changes {
    latest = Map.copyOf(latest);
  }

  /** Nothing can be known: drop everything. */
  public static Changes unknown() {
    return new Changes(Map.of(), false);
  }
}
