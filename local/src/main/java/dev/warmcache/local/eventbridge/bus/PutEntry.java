package dev.warmcache.local.eventbridge.bus;

import java.time.Instant;
import java.util.List;

/**
 * One entry of {@code PutEvents}, as a caller sends it.
 *
 * @param detail the detail as JSON text (must be a JSON object)
 * @param eventBusName a bus name or ARN; empty or {@code null} for the account's default bus
 * @param time {@code null} for now
 */
public record PutEntry(
    String source,
    String detailType,
    String detail,
    String eventBusName,
    List<String> resources,
    Instant time) {

  public PutEntry {
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  /** Outcome of one entry: an event id, or AWS's per-entry error code and message. */
  public record Result(String eventId, String errorCode, String errorMessage) {
    public static Result accepted(String eventId) {
      return new Result(eventId, null, null);
    }

    static Result failed(String code, String message) {
      return new Result(null, code, message);
    }

    public boolean isFailed() {
      return errorCode != null;
    }
  }
}
