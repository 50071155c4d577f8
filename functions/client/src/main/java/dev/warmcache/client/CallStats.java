package dev.warmcache.client;

/**
 * What one call of the cache did besides answering: handed to the {@link CacheListener} on the
 * calling thread, after the call and before it returns or throws. Hosts turn it into metrics and
 * log fields; the client itself writes neither.
 *
 * @param dynamoDbReads {@code GetItem} and {@code BatchGetItem} requests made
 * @param sharedRead true if the call joined another caller's read of the same key
 * @param missEventsPublished {@code CacheMiss} events published
 * @param missEventsSuppressed misses not published: one was sent for the key within {@code
 *     MISS_INTERVAL_SECONDS} from this client
 * @param missEventFailures {@code CacheMiss} events that could not be published
 * @param claimsLost misses not published because another client claimed the refresh
 * @param earlyRefreshes early refreshes requested (of those published)
 * @param idleResets {@code idleRefreshes} counters reset
 * @param changeFeedReads change-feed reads (coherence syncs)
 * @param changeFeedFailures change-feed reads that failed
 * @param changedKeysDropped memory entries dropped because the feed showed a newer version
 * @param memoryCleared true if the sync could not know what changed and dropped the memory tier
 */
public record CallStats(
    int dynamoDbReads,
    boolean sharedRead,
    int missEventsPublished,
    int missEventsSuppressed,
    int missEventFailures,
    int claimsLost,
    int earlyRefreshes,
    int idleResets,
    int changeFeedReads,
    int changeFeedFailures,
    int changedKeysDropped,
    boolean memoryCleared) {

  static CallStats of(Tally t) {
    return new CallStats(
        t.dynamoDbReads,
        t.sharedFlight,
        t.missEventsPublished,
        t.missEventsSuppressed,
        t.missEventFailures,
        t.claimsLost,
        t.earlyRefreshes,
        t.idleResets,
        t.syncReads,
        t.syncFailures,
        t.changedKeysDropped,
        t.memoryCleared);
  }
}
