package dev.warmcache.events;

/** Sources and detail-types on the bus; the rule patterns in events/*.json match these strings. */
public final class EventNames {
  public static final String SOURCE_READER = "warmcache.reader";
  public static final String SOURCE_ADMIN = "warmcache.admin";
  public static final String SOURCE_REFRESH = "warmcache.refresh";

  public static final String CACHE_MISS = "CacheMiss";
  public static final String FORCE_REFRESH = "ForceRefresh";
  public static final String CACHE_REFRESHED = "CacheRefreshed";
  public static final String CACHE_REFRESH_FAILED = "CacheRefreshFailed";

  private EventNames() {}
}
