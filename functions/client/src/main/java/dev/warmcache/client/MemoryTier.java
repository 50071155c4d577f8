package dev.warmcache.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.settings.Settings;
import java.time.Clock;
import java.util.OptionalLong;

/**
 * The memory tier of one client (one per Lambda instance): fresh items only, each kept at most
 * {@code MEMORY_TTL_SECONDS} and never past its own {@code expiresAt}, bounded by entry count and
 * by estimated bytes.
 *
 * <p>Caffeine bounds by count or by weight, not both, so each entry weighs at least {@code
 * MEMORY_MAX_BYTES / MEMORY_MAX_ENTRIES}: with that floor the weight bound also caps the count.
 * Maintenance runs on the calling thread, because Lambda freezes background threads between
 * invocations.
 */
final class MemoryTier {

  /**
   * A cached item plus what the host's {@link Rendering} made of it, once. {@code earlyFromMillis}
   * is when the early-refresh window opens, worked out once so a hit before it pays one comparison;
   * {@code lastReadMillis} is when this client last read the key, for the early-refresh policy.
   */
  static final class Entry {
    private final Item item;
    private Object rendered;
    private long renderedBytes;
    private final long earlyFromMillis;

    /**
     * Plain, not volatile: Lambda runs one request at a time per instance, and a lost update only
     * blurs a gap.
     */
    long lastReadMillis;

    Entry(Item item, long earlyFromMillis) {
      this.item = item;
      this.earlyFromMillis = earlyFromMillis;
    }

    Item item() {
      return item;
    }

    Object rendered() {
      return rendered;
    }

    long earlyFromMillis() {
      return earlyFromMillis;
    }
  }

  /** Rough JVM cost of an entry beyond its strings: node, record, boxed key, headers. */
  private static final int OVERHEAD_BYTES = 200;

  private final Cache<ItemId, Entry> cache;
  private final Clock clock;
  private final Rendering<Object> rendering;

  /**
   * @param rendering the host's, or {@code null}
   */
  @SuppressWarnings("unchecked")
  MemoryTier(Settings settings, Clock clock, Ticker ticker, Rendering<?> rendering) {
    this.clock = clock;
    this.rendering = (Rendering<Object>) rendering;
    long ttlNanos = settings.memoryTtl().toNanos();
    if (ttlNanos == 0 || settings.memoryMaxEntries() == 0 || settings.memoryMaxBytes() == 0) {
      this.cache = null;
      return;
    }
    long floor =
        Math.min(
            Integer.MAX_VALUE,
            (settings.memoryMaxBytes() + settings.memoryMaxEntries() - 1)
                / settings.memoryMaxEntries());
    this.cache =
        Caffeine.newBuilder()
            .executor(Runnable::run)
            .ticker(ticker)
            .maximumWeight(settings.memoryMaxBytes())
            .weigher(
                (ItemId id, Entry e) ->
                    (int) Math.max(floor, Math.min(Integer.MAX_VALUE, estimateBytes(e))))
            // A fixed lifetime, not Caffeine's variable expiry: its timer wheel was most of a
            // memory hit (docs/client.md, the profile). An entry past its own expiresAt before
            // then is never served: get() refuses and removes it on the next read.
            .expireAfterWrite(settings.memoryTtl())
            .build();
  }

  boolean enabled() {
    return cache != null;
  }

  /** The entry if present, younger than the memory TTL and not past {@code expiresAt}. */
  Entry get(ItemId id) {
    return get(id, clock.millis());
  }

  /** As {@link #get(ItemId)}, judged at {@code nowMillis} that the caller already read. */
  Entry get(ItemId id, long nowMillis) {
    if (cache == null) {
      return null;
    }
    Entry e = cache.getIfPresent(id);
    if (e != null && nowMillis >= e.item().expiresAtEpochSeconds() * 1000) {
      // Caffeine's timer and the wall clock can disagree by a tick; expiresAt is the contract.
      cache.asMap().remove(id, e);
      return null;
    }
    return e;
  }

  /**
   * Stores a fresh item unless a newer version is already held (a slow eventual read must not undo
   * a prime). Returns the entry now held.
   */
  Entry offer(Item item) {
    Entry candidate = entryFor(item);
    if (cache == null || clock.millis() >= item.expiresAtEpochSeconds() * 1000) {
      return candidate;
    }
    return cache
        .asMap()
        .merge(
            item.id(),
            candidate,
            (held, offered) -> held.item().version() > offered.item().version() ? held : offered);
  }

  OptionalLong heldVersion(ItemId id) {
    Entry e = get(id);
    return e == null ? OptionalLong.empty() : OptionalLong.of(e.item().version());
  }

  void invalidate(ItemId id) {
    if (cache != null) {
      cache.invalidate(id);
    }
  }

  /**
   * Drops {@code id} if this tier holds a version older than {@code version}.
   *
   * @return {@code true} if an entry was dropped
   */
  boolean dropOlderThan(ItemId id, long version) {
    if (cache == null) {
      return false;
    }
    boolean[] dropped = {false};
    cache
        .asMap()
        .computeIfPresent(
            id,
            (key, held) -> {
              if (held.item().version() < version) {
                dropped[0] = true;
                return null;
              }
              return held;
            });
    return dropped[0];
  }

  /** Drops every entry: what they hold can no longer be vouched for. */
  void clear() {
    if (cache != null) {
      cache.invalidateAll();
    }
  }

  long size() {
    if (cache == null) {
      return 0;
    }
    cache.cleanUp();
    return cache.estimatedSize();
  }

  long weight() {
    if (cache == null) {
      return 0;
    }
    return cache.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
  }

  /** An entry for {@code item}, rendered by the host's rendering if there is one. */
  Entry entryFor(Item item) {
    Entry entry = new Entry(item, EarlyRefresh.windowOpensAt(item));
    if (rendering != null) {
      Object rendered = rendering.render(new CachedValue(entry, Source.MEMORY, false));
      entry.rendered = rendered;
      entry.renderedBytes = rendered == null ? 0 : rendering.bytes(rendered);
    }
    return entry;
  }

  /** The item's strings as UTF-16 plus what its rendering holds plus fixed overhead. */
  static long estimateBytes(Entry e) {
    Item item = e.item();
    long chars =
        item.id().value().length()
            + length(item.value())
            + length(item.contentType())
            + length(item.etag())
            + length(item.lastModified());
    return OVERHEAD_BYTES + 2L * chars + e.renderedBytes;
  }

  private static int length(String s) {
    return s == null ? 0 : s.length();
  }
}
