package dev.warmcache.refresh.errors;

/** A CacheMiss or ForceRefresh event without {@code detail.id}. */
public final class MissingIdException extends RefreshException {

  public MissingIdException(String message) {
    super(message);
  }
}
