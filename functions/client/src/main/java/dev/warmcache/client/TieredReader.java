package dev.warmcache.client;

import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventPublishException;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.events.MissReason;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.MalformedItemException;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.settings.Settings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
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
 * workflow. One per {@link Warmcache}; thread-safe, although Lambda sends one request at a time to
 * an instance, because other hosts, the twin and the tests do not.
 */
final class TieredReader {

  private static final Logger LOG = LoggerFactory.getLogger(TieredReader.class);
  private static final long FIRST_POLL_MILLIS = 25;
  private static final long MAX_POLL_MILLIS = 400;

  private final Settings settings;
  private final ItemStore store;

  /** Where claims and idle resets go: the refresh home's replica (the same store in one region). */
  private final ItemStore writes;

  private final EventPublisher events;
  private final Clock clock;
  private final MemoryTier memory;
  private final MissLimiter missLimiter;
  private final Coherence coherence;
  private final EarlyRefresh early;

  /** In-flight DynamoDB reads per key: concurrent callers join the first one. */
  private final ConcurrentHashMap<ItemId, CompletableFuture<CachedValue>> inflight =
      new ConcurrentHashMap<>();

  TieredReader(
      Settings settings,
      ItemStore store,
      ItemStore writes,
      EventPublisher events,
      Clock clock,
      MemoryTier memory,
      MissLimiter missLimiter,
      Coherence coherence) {
    this.settings = settings;
    this.store = store;
    this.writes = writes;
    this.events = events;
    this.clock = clock;
    this.memory = memory;
    this.missLimiter = missLimiter;
    this.coherence = coherence;
    this.early = new EarlyRefresh(settings.earlyRefreshBeta());
  }

  CachedValue read(ItemId id, Tally tally) {
    long now = clock.millis();
    coherence.syncIfDue(now, tally);
    MemoryTier.Entry hit = memory.get(id, now);
    if (hit != null) {
      if (early.onRead(hit, now)) {
        requestRefresh(id, MissReason.EARLY, hit.item().version(), tally);
      }
      return new CachedValue(hit, Source.MEMORY, false);
    }
    CompletableFuture<CachedValue> mine = new CompletableFuture<>();
    CompletableFuture<CachedValue> running = inflight.putIfAbsent(id, mine);
    if (running != null) {
      tally.sharedFlight = true;
      return join(running);
    }
    try {
      CachedValue answer = readThrough(id, tally);
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
   * The tiers for several keys at once: memory, then the rest in {@code BatchGetItem} calls, the
   * misses claimed and published in batched {@code PutEvents}, and one wait for all of them. Keys
   * with nothing servable after the wait, or that could not be read, are absent from the answer.
   */
  Map<ItemId, CachedValue> readAll(Collection<ItemId> ids, Tally tally) {
    long now = clock.millis();
    coherence.syncIfDue(now, tally);
    Map<ItemId, CachedValue> answers = new HashMap<>();
    List<ItemId> toRead = new ArrayList<>();
    List<Ask> asks = new ArrayList<>();
    for (ItemId id : new LinkedHashSet<>(ids)) {
      MemoryTier.Entry hit = memory.get(id, now);
      if (hit == null) {
        toRead.add(id);
        continue;
      }
      if (early.onRead(hit, now)) {
        addIfAdmitted(asks, admit(id, MissReason.EARLY, hit.item().version(), tally));
      }
      answers.put(id, new CachedValue(hit, Source.MEMORY, false));
    }
    Map<ItemId, Long> waiting = new HashMap<>();
    if (!toRead.isEmpty()) {
      boolean strong = toRead.stream().anyMatch(id -> coherence.expectedVersion(id) > 0);
      ItemStore.BatchRead read =
          getAll(toRead, strong ? ReadConsistency.STRONG : ReadConsistency.EVENTUAL, tally);
      long nowMillis = clock.millis();
      for (ItemId id : toRead) {
        Item item = read.items().get(id);
        if (item == null) {
          if (!read.unread().contains(id)) {
            addIfAdmitted(asks, admit(id, MissReason.ABSENT, -1, tally));
            waiting.put(id, -1L);
          }
          continue;
        }
        coherence.observed(id, item.version());
        resetIdle(item, tally);
        if (nowMillis < item.expiresAtEpochSeconds() * 1000) {
          MemoryTier.Entry entry = memory.offer(item);
          if (early.onRead(entry, nowMillis)) {
            addIfAdmitted(asks, admit(id, MissReason.EARLY, item.version(), tally));
          }
          answers.put(id, new CachedValue(entry, Source.DYNAMODB, false));
          continue;
        }
        addIfAdmitted(asks, admit(id, MissReason.EXPIRED, item.version(), tally));
        if (nowMillis < (item.expiresAtEpochSeconds() + settings.maxStale().toSeconds()) * 1000) {
          answers.put(id, new CachedValue(memory.entryFor(item), Source.DYNAMODB, true));
        } else {
          waiting.put(id, item.version());
        }
      }
    }
    requestRefreshes(asks, tally);
    if (!waiting.isEmpty()) {
      awaitAllLanding(waiting, answers, tally);
    }
    return answers;
  }

  private static void addIfAdmitted(List<Ask> asks, Ask ask) {
    if (ask != null) {
      asks.add(ask);
    }
  }

  /** One bounded wait for every key in {@code waiting} (id to the version it must beat). */
  private void awaitAllLanding(
      Map<ItemId, Long> waiting, Map<ItemId, CachedValue> answers, Tally tally) {
    long deadline = System.nanoTime() + settings.missWait().toNanos();
    long sleep = FIRST_POLL_MILLIS;
    while (!waiting.isEmpty()) {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        return;
      }
      try {
        Thread.sleep(Math.min(sleep, remaining));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      sleep = Math.min(sleep * 2, MAX_POLL_MILLIS);
      ItemStore.BatchRead landed = getAll(waiting.keySet(), ReadConsistency.STRONG, tally);
      for (Item item : landed.items().values()) {
        Long olderThan = waiting.get(item.id());
        if (olderThan != null && item.version() > olderThan && !item.isExpiredAt(clock.instant())) {
          resetIdle(item, tally);
          answers.put(item.id(), new CachedValue(memory.offer(item), Source.ORIGIN, false));
          waiting.remove(item.id());
        }
      }
    }
  }

  private ItemStore.BatchRead getAll(
      Collection<ItemId> ids, ReadConsistency consistency, Tally tally) {
    try {
      ItemStore.BatchRead read = store.getAll(ids, consistency);
      tally.dynamoDbReads += read.requests();
      return read;
    } catch (SdkException e) {
      throw new CacheUnavailableException(
          "reading "
              + ids.size()
              + " keys from table "
              + store.tableName()
              + " failed: "
              + e.getMessage());
    }
  }

  /**
   * Reloads {@code id} with a consistent read only if this instance holds an older version. A key
   * this instance does not hold is not loaded: priming keeps warm entries current, it does not pull
   * cold keys into every instance.
   */
  PrimeOutcome prime(ItemId id, long version, Tally tally) {
    coherence.syncIfDue(clock.millis(), tally);
    OptionalLong held = memory.heldVersion(id);
    if (held.isEmpty()) {
      return new PrimeOutcome(id.value(), false, OptionalLong.empty(), "not-held");
    }
    if (held.getAsLong() >= version) {
      return new PrimeOutcome(id.value(), false, held, "up-to-date");
    }
    Optional<Item> fresh = get(id, ReadConsistency.STRONG, tally);
    if (fresh.isEmpty()) {
      memory.invalidate(id);
      return new PrimeOutcome(id.value(), false, OptionalLong.empty(), "gone");
    }
    Item item = fresh.get();
    coherence.observed(id, item.version());
    if (item.isExpiredAt(clock.instant())) {
      memory.invalidate(id);
      return new PrimeOutcome(id.value(), false, OptionalLong.empty(), "expired");
    }
    MemoryTier.Entry now = memory.offer(item);
    boolean newer = now.item().version() > held.getAsLong();
    return new PrimeOutcome(
        id.value(),
        newer,
        OptionalLong.of(now.item().version()),
        newer ? "reloaded" : "no-newer-version");
  }

  private CachedValue readThrough(ItemId id, Tally tally) {
    // A caller that finished just before we became leader may already have filled memory.
    MemoryTier.Entry hit = memory.get(id);
    if (hit != null) {
      return new CachedValue(hit, Source.MEMORY, false);
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
      return new CachedValue(entry, Source.DYNAMODB, false);
    }
    requestRefresh(id, MissReason.EXPIRED, item.version(), tally);
    if (nowMillis < (item.expiresAtEpochSeconds() + settings.maxStale().toSeconds()) * 1000) {
      return new CachedValue(memory.entryFor(item), Source.DYNAMODB, true);
    }
    return awaitLanding(id, item.version(), MissReason.EXPIRED, tally);
  }

  /**
   * Polls with a consistent read and doubling sleeps until a fresh version newer than {@code
   * olderThan} lands or {@code MISS_WAIT_MS} runs out. The wait is measured on the monotonic clock;
   * freshness is judged on the wall clock like everywhere else.
   */
  private CachedValue awaitLanding(ItemId id, long olderThan, MissReason reason, Tally tally) {
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
        return new CachedValue(memory.offer(landed.get()), Source.ORIGIN, false);
      }
    }
    throw new NotCachedException(
        id.value(), reason, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private Optional<Item> get(ItemId id, ReadConsistency consistency, Tally tally) {
    tally.dynamoDbReads++;
    try {
      return store.get(id, consistency);
    } catch (MalformedItemException e) {
      throw new CacheUnavailableException(
          "table " + store.tableName() + " holds no valid item for " + id + ": " + e.getMessage());
    } catch (SdkException e) {
      throw new CacheUnavailableException(
          "reading " + id + " from table " + store.tableName() + " failed: " + e.getMessage());
    }
  }

  /**
   * Publishes a CacheMiss naming the version seen ({@code -1}: none), at most once per key per
   * interval from this client and, for a stored item, only if this client wins the claim on it (one
   * per interval fleet-wide). A claim that fails for any other reason than losing publishes anyway,
   * so no refresh is lost to a throttled or unreachable table.
   */
  private void requestRefresh(ItemId id, MissReason reason, long seenVersion, Tally tally) {
    Ask ask = admit(id, reason, seenVersion, tally);
    if (ask == null) {
      return;
    }
    try {
      events.publish(ask.event());
      published(ask, tally);
    } catch (EventPublishException e) {
      failed(ask, tally, e.getMessage());
    }
  }

  /** As {@link #requestRefresh} for several keys, published in batched {@code PutEvents}. */
  private void requestRefreshes(List<Ask> asks, Tally tally) {
    if (asks.isEmpty()) {
      return;
    }
    Set<CacheEvent> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
    rejected.addAll(events.publishAll(asks.stream().map(Ask::event).toList()));
    for (Ask ask : asks) {
      if (rejected.contains(ask.event())) {
        failed(ask, tally, "the bus did not accept it");
      } else {
        published(ask, tally);
      }
    }
  }

  /**
   * A CacheMiss this client may publish: it passed the limiter and won the claim if it needed one.
   */
  private record Ask(ItemId id, MissReason reason, long claimedAt, CacheEvent event) {}

  /** The limiter and the claim; {@code null} if this client is not to ask. */
  private Ask admit(ItemId id, MissReason reason, long seenVersion, Tally tally) {
    if (!missLimiter.tryAcquire(id)) {
      tally.missEventsSuppressed++;
      return null;
    }
    long claimedAt = -1;
    if (seenVersion >= 0) {
      long now = clock.millis();
      try {
        if (!writes.claimRefresh(id, now, settings.missInterval())) {
          tally.claimsLost++;
          return null;
        }
        claimedAt = now;
      } catch (SdkException e) {
        LOG.warn("refresh claim for {} failed, publishing anyway: {}", id, e.getMessage());
      }
    }
    return new Ask(
        id,
        reason,
        claimedAt,
        seenVersion < 0
            ? CacheEvent.cacheMiss(id, reason)
            : CacheEvent.cacheMiss(id, reason, seenVersion));
  }

  private static void published(Ask ask, Tally tally) {
    tally.missEventsPublished++;
    if (ask.reason() == MissReason.EARLY) {
      tally.earlyRefreshes++;
    }
  }

  /** Still answers (stale or pending); forgets the attempt so the next read retries it. */
  private void failed(Ask ask, Tally tally, String why) {
    missLimiter.release(ask.id());
    releaseClaim(ask.id(), ask.claimedAt());
    tally.missEventFailures++;
    LOG.warn("CacheMiss for {} not published: {}", ask.id(), why);
  }

  private void releaseClaim(ItemId id, long claimedAt) {
    if (claimedAt < 0) {
      return;
    }
    try {
      writes.releaseRefreshClaim(id, claimedAt);
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
      if (writes.resetIdle(item.id())) {
        tally.idleResets++;
      }
    } catch (SdkException e) {
      LOG.warn("idleRefreshes of {} not reset: {}", item.id(), e.getMessage());
    }
  }

  private static CachedValue join(CompletableFuture<CachedValue> running) {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheUnavailableException("interrupted while waiting for a shared read");
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CacheUnavailableException("shared read failed: " + e.getCause());
    }
  }
}
