package dev.warmcache.refresh.errors;

/** The origin failed in a way worth retrying: 5xx, 408, 429, a timeout or a refused connection. */
public final class OriginUnavailableException extends RefreshException {

  public OriginUnavailableException(String message) {
    super(message);
  }
}
