package dev.warmcache.local.tasks;

import java.util.List;

/**
 * Where {@code events:putEvents} tasks deliver. The twin's EventBridge matches its rules behind it.
 */
@FunctionalInterface
public interface EventBus {

  /** One result per entry, in order. */
  List<Result> putEvents(List<EventEntry> entries);

  /** Per-entry outcome: an event id, or an error code and message. */
  record Result(String eventId, String errorCode, String errorMessage) {
    public static Result accepted(String eventId) {
      return new Result(eventId, null, null);
    }

    public boolean failed() {
      return errorCode != null;
    }
  }
}
