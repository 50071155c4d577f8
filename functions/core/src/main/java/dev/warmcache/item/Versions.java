package dev.warmcache.item;

import java.time.Duration;

/**
 * Where a key's next version comes from, so that no input can steer it.
 *
 * <p>A version is never continued from a trigger's word. The refresh workflow takes it from the
 * table when the table holds the key ({@link #next}: one more than the stored version), and from
 * the clock when it does not ({@link #floor}: the epoch millisecond of the write). That floor is
 * above every version a reader can hold, because no write stores a version above its own time:
 * counting versions start at 1, a floor version is its write's millisecond, and the lease lets a
 * key take at most one write per origin round trip, far less than one per millisecond. So a key
 * whose item TTL deleted is rewritten above what any reader served, without believing the REMOVE
 * record's OldImage, which is execution input and may be forged.
 *
 * <p>{@link #ceiling} is the highest version an honest write can have stored by a given time, with
 * a day's room for clock skew. A version above it was written by hand or by a forgery that an older
 * warmcache believed. It is refused everywhere: readers never load such an item (so none serves
 * it), a trigger carrying one fails, and a refresh replaces it with the floor. That replacement is
 * the one write that lowers a stored version, and no reader sees it go backwards, because no reader
 * ever held the version it replaces. A key can therefore never be frozen at {@link
 * Item#MAX_VERSION}: the clock reaches it in the year 287,000.
 *
 * <pre>{@code
 * long version = stored.isPresent()
 *     ? Versions.next(stored.get().version(), nowMillis)
 *     : Versions.floor(nowMillis);
 * }</pre>
 */
public final class Versions {

  /** Room above the clock for skew between the hosts that write and the host that judges. */
  public static final Duration SKEW_ALLOWANCE = Duration.ofDays(1);

  private Versions() {}

  /** The first version of a key the table does not hold: above every version written before. */
  public static long floor(long nowMillis) {
    return Math.max(1, nowMillis);
  }

  /** The highest version an honest write can have stored by {@code nowMillis}. */
  public static long ceiling(long nowMillis) {
    return Math.min(Item.MAX_VERSION, nowMillis + SKEW_ALLOWANCE.toMillis());
  }

  /** Whether {@code version} is one that warmcache could have written by {@code nowMillis}. */
  public static boolean justified(long version, long nowMillis) {
    return version >= 0 && version <= ceiling(nowMillis);
  }

  /**
   * The version that replaces a stored {@code version}: one more, or the floor when the stored one
   * is not {@link #justified} (then nobody ever served it, see the class comment).
   */
  public static long next(long storedVersion, long nowMillis) {
    return justified(storedVersion, nowMillis) ? storedVersion + 1 : floor(nowMillis);
  }
}
