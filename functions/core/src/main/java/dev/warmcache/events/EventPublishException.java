package dev.warmcache.events;

/** The bus did not accept an event (a failed entry or an API error). */
public final class EventPublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EventPublishException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
