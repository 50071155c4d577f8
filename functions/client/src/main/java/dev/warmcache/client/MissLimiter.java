package dev.warmcache.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warmcache.id.ItemId;
import java.time.Duration;

/**
 * Allows at most one CacheMiss per key per {@code MISS_INTERVAL_SECONDS} from this instance. The
 * workflow's lease de-duplicates across instances; this keeps a hot missing key from flooding the
 * bus from one instance. Bounded, so a stream of distinct missing ids cannot grow memory.
 */
final class MissLimiter {

  private static final long MAX_TRACKED_KEYS = 100_000;

  private final Cache<ItemId, Boolean> recent;

  MissLimiter(Duration interval, Ticker ticker) {
    this.recent =
        interval.isZero()
            ? null
            : Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .expireAfterWrite(interval)
                .maximumSize(MAX_TRACKED_KEYS)
                .build();
  }

  /** True if the caller may publish a CacheMiss for {@code id} now; records that it did. */
  boolean tryAcquire(ItemId id) {
    return recent == null || recent.asMap().putIfAbsent(id, Boolean.TRUE) == null;
  }

  /** Forgets a publish that failed, so the next request for the key tries again. */
  void release(ItemId id) {
    if (recent != null) {
      recent.invalidate(id);
    }
  }
}
