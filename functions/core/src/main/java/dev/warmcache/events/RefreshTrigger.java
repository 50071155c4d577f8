package dev.warmcache.events;

/**
 * What started a refresh, by the name the workflow gives it: its first task's {@code trigger}, the
 * {@code trigger} of the {@code CacheRefreshed} and {@code CacheRefreshFailed} events, and the kind
 * the twin's console shows.
 */
public enum RefreshTrigger {
  /** DynamoDB's TTL deleted the item: a Pipe batch of one stream REMOVE record. */
  EXPIRY("expiry"),
  /** A reader's {@code CacheMiss} event. */
  MISS("miss"),
  /** An operator's {@code ForceRefresh} event. */
  FORCE("force");

  private final String wireName;

  RefreshTrigger(String wireName) {
    this.wireName = wireName;
  }

  /** The name in workflow documents and events. */
  public String wireName() {
    return wireName;
  }

  /** True if {@code name} is this trigger's wire name. */
  public boolean is(String name) {
    return wireName.equals(name);
  }
}
