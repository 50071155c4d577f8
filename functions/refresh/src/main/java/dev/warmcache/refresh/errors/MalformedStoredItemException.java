package dev.warmcache.refresh.errors;

/**
 * The stored item cannot be refreshed: its version is unreadable or leaves no higher version to
 * write, so no fetch could ever replace it. Named, instead of ending "Another refresh took over"
 * while every read of the key fails.
 */
public final class MalformedStoredItemException extends RefreshException {

  public MalformedStoredItemException(String message) {
    super(message);
  }
}
