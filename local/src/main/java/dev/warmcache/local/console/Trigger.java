package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.RefreshTrigger;

/**
 * What started an execution, read from its input in the trigger's native shape: the EventBridge
 * event of a {@code ForceRefresh} or {@code CacheMiss} rule target, or the {@code [record]} batch
 * of a TTL deletion that the pipe delivers. Kinds are the workflow's own trigger names ({@link
 * RefreshTrigger}); anything else was started by hand ({@code StartExecution}), which the console
 * calls {@code manual} and the workflow rejects as an unrecognised trigger.
 *
 * @param kind a {@link RefreshTrigger#wireName()} ({@code expiry}, {@code miss}, {@code force}), or
 *     {@value #MANUAL}
 * @param id the item id, or {@code null} if the input names none
 * @param detail a one-line description for a tooltip
 */
record Trigger(String kind, String id, String detail) {

  static final String MANUAL = "manual";

  static Trigger of(JsonNode input) {
    JsonNode event = input;
    if (input.isArray() && input.size() > 0) {
      JsonNode record = input.get(0);
      if ("REMOVE".equals(record.path("eventName").asText())) {
        JsonNode keys = record.path("dynamodb").path("Keys");
        String id = text(keys.path("id").path("S"));
        boolean byTtl =
            "dynamodb.amazonaws.com"
                .equals(record.path("userIdentity").path("principalId").asText());
        return new Trigger(
            RefreshTrigger.EXPIRY.wireName(),
            id,
            byTtl
                ? "DynamoDB TTL deleted the item (stream record via the pipe)"
                : "stream REMOVE record");
      }
      event = record;
    }
    String detailType = event.path("detail-type").asText("");
    JsonNode detail = event.path("detail");
    String id = text(detail.path("id"));
    if (detailType.equals(EventNames.FORCE_REFRESH)) {
      return new Trigger(
          RefreshTrigger.FORCE.wireName(),
          id,
          EventNames.FORCE_REFRESH + " from " + event.path("source").asText("?"));
    }
    if (detailType.equals(EventNames.CACHE_MISS)) {
      String reason = detail.path("reason").asText("");
      return new Trigger(
          RefreshTrigger.MISS.wireName(),
          id,
          EventNames.CACHE_MISS + (reason.isEmpty() ? "" : " (" + reason + ")"));
    }
    if (detailType.isEmpty()) {
      // Started by hand with StartExecution, say {"id": "15"}.
      return new Trigger(MANUAL, text(event.path("id")), "StartExecution");
    }
    return new Trigger(MANUAL, id, detailType + " from " + event.path("source").asText("?"));
  }

  /** Ids arrive as strings, but a JSON number is an id too ({"id": 15} means "15"). */
  private static String text(JsonNode node) {
    return node.isTextual() || node.isNumber() ? node.asText() : null;
  }
}
