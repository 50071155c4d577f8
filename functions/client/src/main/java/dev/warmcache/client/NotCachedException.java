package dev.warmcache.client;

import dev.warmcache.events.MissReason;

/**
 * Nothing servable landed within {@code MISS_WAIT_MS}: the key was absent, or expired longer than
 * {@code MAX_STALE_SECONDS} ago. A refresh was requested; a retry in a few seconds usually finds
 * it.
 */
public final class NotCachedException extends WarmcacheException {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final MissReason reason;
  private final long waitedMillis;

  NotCachedException(String id, MissReason reason, long waitedMillis) {
    super(
        reason == MissReason.ABSENT
            ? id + " is not cached yet; a refresh was requested. Retry in a few seconds."
            : id
                + " expired too long ago to be served stale; a refresh was requested."
                + " Retry in a few seconds.");
    this.id = id;
    this.reason = reason;
    this.waitedMillis = waitedMillis;
  }

  /** The key. */
  public String id() {
    return id;
  }

  /** {@code ABSENT} or {@code EXPIRED}: what the refresh request said. */
  public MissReason reason() {
    return reason;
  }

  /** How long the call waited for the refresh to land. */
  public long waitedMillis() {
    return waitedMillis;
  }
}
