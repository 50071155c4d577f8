package dev.warmcache.client;

/** The key breaks the id rules: 1 to 128 characters of {@code [A-Za-z0-9._~:@-]}. */
public final class InvalidKeyException extends WarmcacheException {
  private static final long serialVersionUID = 1L;

  InvalidKeyException(String message) {
    super(message);
  }
}
