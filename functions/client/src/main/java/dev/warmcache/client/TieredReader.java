package dev.warmcache.reader;

import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventPublishException;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.events.MissReason;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.settings.Settings;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The read path: memory, then DynamoDB, then (for absent keys) a bounded wait for the refresh
 * workflow. One instance per handler instance; thread-safe, although Lambda sends one request at a
 * time, because the twin and the tests do not.
 */
final class TieredReader {

  private static final Logger LOG = LoggerFactory.getLogger(TieredReader.class);
  private static final long FIRST_POLL_MILLIS = 25;
  private static final long MAX_POLL_MILLIS = 400;

  private final Settings settings;
  private final ItemStore store;
  private final EventPublisher events;
  private final Clock clock;
  private final MemoryTier memory;
  private final MissLimiter missLimiter;
  private final Coherence coherence;
  private final EarlyRefresh early;

  /** In-flight DynamoDB reads per key: concurrent callers join the first one. */
  private final ConcurrentHashMap<ItemId, CompletableFuture<Answer>> inflight =
      new ConcurrentHashMap<>();

  TieredReader(
      Settings settings,
      ItemStore store,
      EventPublisher events,
      Clock clock,
      MemoryTier memory,
      MissLimiter missLimiter,
      Coherence coherence) {
    this.settings = settings;
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.memory = memory;
    this.missLimiter = missLimiter;
    this.coherence = coherence;
    this.early = new EarlyRefresh(settings.earlyRefreshBeta());
  }

  Answer read(ItemId id, Tally tally) {
    long now = clock.millis();
    coherence.syncIfDue(now, tally);
    MemoryTier.Entry hit = memory.get(id, now);
    if (hit != null) {
      if (early.onRead(hit, now)) {
        requestRefresh(id, MissReason.EARLY, hit.item().version(), tally);
      }
      return new Answer.Value(hit, Source.MEMORY, false);
    }
    CompletableFuture<Answer> mine = new CompletableFuture<>();
    CompletableFuture<Answer> running = inflight.putIfAbsent(id, mine);
    if (running != null) {
      tally.sharedFlight = true;
      return join(running);
    }
    try {
      Answer answer = readThrough(id, tally);
      mine.complete(answer);
      return answer;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(id, mine);
    }
  }

  /**
   * Reloads {@code id} with a consistent read only if this instance holds an older version. A key
   * this instance does not hold is not loaded: priming keeps warm entries current, it does not pull
   * cold keys into every instance.
   */
  Answer prime(ItemId id, long version, Instance instance, Tally tally) {
    coherence.syncIfDue(clock.millis(), tally);
    OptionalLong held = memory.heldVersion(id);
    if (held.isEmpty()) {
      return new Answer.Primed(id, false, OptionalLong.empty(), "not-held", instance);
    }
    if (held.getAsLong() >= version) {
      return new Answer.Primed(id, false, held, "up-to-date", instance);
    }
    Optional<Item> fresh = get(id, ReadConsistency.STRONG, tally);
    if (fresh.isEmpty()) {
      memory.invalidate(id);
      return new Answer.Primed(id, false, OptionalLong.empty(), "gone", instance);
    }
    Item item = fresh.get();
    coherence.observed(id, item.version());
    if (item.isExpiredAt(clock.instant())) {
      memory.invalidate(id);
      return new Answer.Primed(id, false, OptionalLong.empty(), "expired", instance);
    }
    MemoryTier.Entry now = memory.offer(item);
    boolean newer = now.item().version() > held.getAsLong();
    return new Answer.Primed(
        id,
        newer,
        OptionalLong.of(now.item().version()),
        newer ? "reloaded" : "no-newer-version",
        instance);
  }

  private Answer readThrough(ItemId id, Tally tally) {
    // A caller that finished just before we became leader may already have filled memory.
    MemoryTier.Entry hit = memory.get(id);
    if (hit != null) {
      return new Answer.Value(hit, Source.MEMORY, false);
    }
    // A key the change feed just dropped is read consistently until its new version shows.
    long expected = coherence.expectedVersion(id);
    Optional<Item> found =
        get(id, expected > 0 ? ReadConsistency.STRONG : ReadConsistency.EVENTUAL, tally);
    if (found.isEmpty()) {
      requestRefresh(id, MissReason.ABSENT, -1, tally);
      return awaitLanding(id, -1, MissReason.ABSENT, tally);
    }
    Item item = found.get();
    coherence.observed(id, item.version());
    resetIdle(item, tally);
    long nowMillis = clock.millis();
    if (nowMillis < item.expiresAtEpochSeconds() * 1000) {
      MemoryTier.Entry entry = memory.offer(item);
      if (early.onRead(entry, nowMillis)) {
        requestRefresh(id, MissReason.EARLY, item.version(), tally);
      }
      return new Answer.Value(entry, Source.DYNAMODB, false);
    }
    requestRefresh(id, MissReason.EXPIRED, item.version(), tally);
    if (nowMillis < (item.expiresAtEpochSeconds() + settings.maxStale().toSeconds()) * 1000) {
      return new Answer.Value(MemoryTier.entryFor(item), Source.DYNAMODB, true);
    }
    return awaitLanding(id, item.version(), MissReason.EXPIRED, tally);
  }

  /**
   * Polls with a consistent read and doubling sleeps until a fresh version newer than {@code
   * olderThan} lands or {@code MISS_WAIT_MS} runs out. The wait is measured on the monotonic clock;
   * freshness is judged on the wall clock like everywhere else.
   */
  private Answer awaitLanding(ItemId id, long olderThan, MissReason reason, Tally tally) {
    long start = System.nanoTime();
    long deadline = start + settings.missWait().toNanos();
    long sleep = FIRST_POLL_MILLIS;
    while (true) {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        break;
      }
      try {
        Thread.sleep(Math.min(sleep, remaining));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      sleep = Math.min(sleep * 2, MAX_POLL_MILLIS);
      Optional<Item> landed = get(id, ReadConsistency.STRONG, tally);
      if (landed.isPresent()
          && landed.get().version() > olderThan
          && !landed.get().isExpiredAt(clock.instant())) {
        resetIdle(landed.get(), tally);
        return new Answer.Value(memory.offer(landed.get()), Source.ORIGIN, false);
      }
    }
    return new Answer.Pending(id, reason, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private Optional<Item> get(ItemId id, ReadConsistency consistency, Tally tally) {
    tally.dynamoDbReads++;
    try {
      return store.get(id, consistency);
    } catch (SdkException e) {
      throw new ReaderUnavailableException(
          "reading " + id + " from table " + store.tableName() + " failed: " + e.getMessage());
    }
  }

  /**
   * Publishes a CacheMiss naming the version seen ({@code -1}: none), at most once per key per
   * interval from this instance and, for a stored item, only if this instance wins the claim on it
   * (one per interval fleet-wide). A claim that fails for any other reason than losing publishes
   * anyway, so no refresh is lost to a throttled or unreachable table.
   */
  private void requestRefresh(ItemId id, MissReason reason, long seenVersion, Tally tally) {
    if (!missLimiter.tryAcquire(id)) {
      tally.missEventsSuppressed++;
      return;
    }
    long claimedAt = -1;
    if (seenVersion >= 0) {
      long now = clock.millis();
      try {
        if (!store.claimRefresh(id, now, settings.missInterval())) {
          tally.claimsLost++;
          return;
        }
        claimedAt = now;
      } catch (SdkException e) {
        LOG.warn("refresh claim for {} failed, publishing anyway: {}", id, e.getMessage());
      }
    }
    try {
      events.publish(
          seenVersion < 0
              ? CacheEvent.cacheMiss(id, reason)
              : CacheEvent.cacheMiss(id, reason, seenVersion));
      tally.missEventsPublished++;
      if (reason == MissReason.EARLY) {
        tally.earlyRefreshes++;
      }
    } catch (EventPublishException e) {
      // Still answer (stale or pending); forget the attempt so the next request retries it.
      missLimiter.release(id);
      releaseClaim(id, claimedAt);
      tally.missEventFailures++;
      LOG.warn("CacheMiss for {} not published: {}", id, e.getMessage());
    }
  }

  private void releaseClaim(ItemId id, long claimedAt) {
    if (claimedAt < 0) {
      return;
    }
    try {
      store.releaseRefreshClaim(id, claimedAt);
    } catch (SdkException e) {
      // The claim lapses after MISS_INTERVAL_SECONDS anyway.
      LOG.warn("refresh claim for {} not released: {}", id, e.getMessage());
    }
  }

  /** Marks the key as read so the workflow keeps refreshing it; a failure only costs that mark. */
  private void resetIdle(Item item, Tally tally) {
    if (item.idleRefreshes() <= 0) {
      return;
    }
    try {
      if (store.resetIdle(item.id())) {
        tally.idleResets++;
      }
    } catch (SdkException e) {
      LOG.warn("idleRefreshes of {} not reset: {}", item.id(), e.getMessage());
    }
  }

  private static Answer join(CompletableFuture<Answer> running) {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReaderUnavailableException("interrupted while waiting for a shared read");
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ReaderUnavailableException("shared read failed: " + e.getCause());
    }
  }
}
