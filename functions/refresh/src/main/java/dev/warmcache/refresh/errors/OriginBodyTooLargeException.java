package dev.warmcache.refresh.errors;

/** The origin's body is larger than MAX_VALUE_BYTES; it is not stored. */
public final class OriginBodyTooLargeException extends RefreshException {

  public OriginBodyTooLargeException(String message) {
    super(message);
  }
}
