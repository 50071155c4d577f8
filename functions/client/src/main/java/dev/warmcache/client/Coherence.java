package dev.warmcache.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.changes.Changes;
import dev.warmcache.id.ItemId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Keeps this instance's memory tier coherent with the table: at most once per {@code
 * COHERENCE_INTERVAL_MS}, inside an invocation and before it answers (Lambda freezes an instance
 * between invocations, so there is no background thread), it reads the change feed since its last
 * sync and drops every held key that has a newer version. When it cannot know what changed (a gap
 * longer than the feed's window, an overflowed bucket) it drops everything.
 *
 * <p>A dropped key is remembered with the version it must reach, so the next read of it is strongly
 * consistent: an eventually consistent read right after the write could still return the old
 * version and put it back for a whole memory TTL.
 *
 * <p>Bound: a warm instance never serves a value older than the latest write by more than the
 * interval plus one sync read. See docs/freshness.md.
 */
final class Coherence {

  private static final Logger LOG = LoggerFactory.getLogger(Coherence.class);

  /**
   * How long a dropped key keeps asking for a consistent read: far past DynamoDB's replication lag.
   */
  private static final Duration EXPECTATION_LIFETIME = Duration.ofSeconds(10);

  private static final long MAX_EXPECTATIONS = 100_000;

  private final ChangeFeed feed;
  private final MemoryTier memory;
  private final Clock clock;
  private final long intervalMillis;
  private final Cache<ItemId, Long> expected;

  /** Epoch ms at or after which the next invocation syncs; {@code Long.MAX_VALUE} when off. */
  private volatile long nextSyncAt;

  /** Epoch ms at which the last successful sync read the feed: the next one reads from there. */
  private long syncedAt;

  Coherence(ChangeFeed feed, MemoryTier memory, Clock clock, Ticker ticker, Duration interval) {
    this.feed = feed;
    this.memory = memory;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.expected =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .ticker(ticker)
            .expireAfterWrite(EXPECTATION_LIFETIME)
            .maximumSize(MAX_EXPECTATIONS)
            .build();
    boolean on = intervalMillis > 0 && memory.enabled();
    // A new instance holds nothing, so its first sync is one interval after init.
    this.syncedAt = clock.millis();
    this.nextSyncAt = on ? syncedAt + intervalMillis : Long.MAX_VALUE;
  }

  /** One comparison unless a sync is due; then the sync, which never throws. */
  void syncIfDue(long nowMillis, Tally tally) {
    if (nowMillis >= nextSyncAt) {
      sync(nowMillis, tally);
    }
  }

  private synchronized void sync(long nowMillis, Tally tally) {
    if (nowMillis < nextSyncAt) {
      return;
    }
    nextSyncAt = nowMillis + intervalMillis;
    long from = ChangeFeed.bucket(syncedAt - ChangeFeed.SKEW_MILLIS);
    long to = ChangeFeed.bucket(nowMillis);
    Changes changes;
    if (to - from + 1 > ChangeFeed.WINDOW_BUCKETS) {
      changes = Changes.unknown();
    } else {
      try {
        changes = feed.read(from, to);
        tally.syncReads++;
      } catch (SdkException e) {
        // Served as if no sync were due; the next one reads from the same point, and a
        // failure that outlasts the window ends in a drop of the whole tier.
        tally.syncFailures++;
        LOG.warn("change feed not read ({} to {}): {}", from, to, e.getMessage());
        return;
      }
    }
    syncedAt = nowMillis;
    if (!changes.complete()) {
      memory.clear();
      tally.memoryCleared = true;
      return;
    }
    for (Map.Entry<ItemId, Long> change : changes.latest().entrySet()) {
      if (memory.dropOlderThan(change.getKey(), change.getValue())) {
        expected.put(change.getKey(), change.getValue());
        tally.changedKeysDropped++;
      }
    }
  }

  /** The version a read of {@code id} must find to be current, or 0 when any will do. */
  long expectedVersion(ItemId id) {
    Long v = expected.getIfPresent(id);
    return v == null ? 0 : v;
  }

  /**
   * A read found {@code version} of {@code id}: stop asking for consistent reads once it is
   * current.
   */
  void observed(ItemId id, long version) {
    expected.asMap().computeIfPresent(id, (key, wanted) -> version >= wanted ? null : wanted);
  }

  /**
   * After a SnapStart restore: the snapshot may be days old, so nothing held at the checkpoint is
   * vouched for. Drops the tier and syncs from now on.
   */
  synchronized void forgetEverything() {
    memory.clear();
    expected.invalidateAll();
    syncedAt = clock.millis();
    if (nextSyncAt != Long.MAX_VALUE) {
      nextSyncAt = syncedAt + intervalMillis;
    }
  }
}
