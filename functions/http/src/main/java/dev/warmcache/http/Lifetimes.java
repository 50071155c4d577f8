package dev.warmcache.http;

import dev.warmcache.client.CachedValue;
import java.time.Duration;
import java.time.Instant;

/**
 * How long caches may keep one value, derived from its {@code fetchedAt} and {@code expiresAt} and
 * the two caps, in whole seconds.
 *
 * <p>warmcache relays the origin's response, so it says how old that response is: {@code Age} is
 * the time since the fetch, and every lifetime counts from the fetch too, as a cache relaying a
 * stored response does (RFC 9111 4.2.3: a cache's current age includes {@code Age}). What a cache
 * receiving this response may do from now on is then:
 *
 * <ul>
 *   <li>use it fresh for {@code min(cap, expiresAt - now)}: never past {@code expiresAt};
 *   <li>use it stale (while revalidating, or when warmcache fails) until {@code expiresAt +
 *       MAX_STALE_SECONDS}, the moment warmcache itself stops serving it.
 * </ul>
 *
 * A stale value has no freshness left ({@code max-age=0, s-maxage=0}) and no {@code
 * must-revalidate}, so caches may still use it under {@code stale-while-revalidate}.
 *
 * @param age seconds since the origin fetch
 * @param maxAge the browser's lifetime, counted from the fetch
 * @param sharedMaxAge a shared cache's lifetime, counted from the fetch
 * @param staleWindow seconds a cache may use the value after its lifetime ends
 */
record Lifetimes(long age, long maxAge, long sharedMaxAge, long staleWindow) {

  static Lifetimes of(
      CachedValue value, Instant now, Duration maxAgeCap, Duration sharedCap, Duration maxStale) {
    long nowSeconds = now.getEpochSecond();
    long fetched = Math.min(value.fetchedAt().getEpochSecond(), nowSeconds);
    long expires = value.expiresAt().getEpochSecond();
    long age = nowSeconds - fetched;
    long remaining = value.stale() ? 0 : Math.max(0, expires - nowSeconds);
    long maxAge = remaining == 0 ? 0 : age + Math.min(maxAgeCap.toSeconds(), remaining);
    long sharedMaxAge = remaining == 0 ? 0 : age + Math.min(sharedCap.toSeconds(), remaining);
    long staleUntil = expires + maxStale.toSeconds();
    long staleWindow = Math.max(0, staleUntil - fetched - Math.max(maxAge, sharedMaxAge));
    return new Lifetimes(age, maxAge, sharedMaxAge, staleWindow);
  }

  String cacheControl() {
    return "public, max-age="
        + maxAge
        + ", s-maxage="
        + sharedMaxAge
        + ", stale-while-revalidate="
        + staleWindow
        + ", stale-if-error="
        + staleWindow;
  }
}
