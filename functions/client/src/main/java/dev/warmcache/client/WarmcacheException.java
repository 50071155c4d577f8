package dev.warmcache.client;

/**
 * What the cache throws, by subclass: {@link NotCachedException}, {@link InvalidKeyException},
 * {@link CacheUnavailableException}. No stack trace is recorded: the message names the key and the
 * reason, and nothing internal leaks to whoever the host shows it to.
 */
public abstract class WarmcacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WarmcacheException(String message) {
    super(message, null, false, false);
  }
}
