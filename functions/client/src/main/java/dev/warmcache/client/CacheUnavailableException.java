package dev.warmcache.client;

/**
 * The table could not be read (unreachable, throttled past the SDK's retries, access denied) or
 * holds a record that is no valid item, and nothing servable was at hand.
 */
public final class CacheUnavailableException extends WarmcacheException {
  private static final long serialVersionUID = 1L;

  CacheUnavailableException(String message) {
    super(message);
  }
}
