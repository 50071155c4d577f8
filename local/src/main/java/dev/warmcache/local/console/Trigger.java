package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What started an execution, read from its input in the trigger's native shape: the EventBridge
 * event of a {@code ForceRefresh} or {@code CacheMiss} rule target, or the {@code [record]} batch
 * of a TTL deletion that the pipe delivers. Anything else was started by hand ({@code
 * StartExecution}).
 *
 * @param kind {@code force}, {@code miss}, {@code ttl} or {@code manual}
 * @param id the item id, or {@code null} if the input names none
 * @param detail a one-line description for a tooltip
 */
record Trigger(String kind, String id, String detail) {

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
            "ttl",
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
    switch (detailType) {
      case "ForceRefresh":
        return new Trigger("force", id, "ForceRefresh from " + event.path("source").asText("?"));
      case "CacheMiss":
        String reason = detail.path("reason").asText("");
        return new Trigger("miss", id, "CacheMiss" + (reason.isEmpty() ? "" : " (" + reason + ")"));
      case "":
        // Started by hand with StartExecution: the normalized shape, {"id": "15"}.
        return new Trigger("manual", text(event.path("id")), "StartExecution");
      default:
        return new Trigger("manual", id, detailType + " from " + event.path("source").asText("?"));
    }
  }

  /** Ids arrive as strings, but a JSON number is an id too ({"id": 15} means "15"). */
  private static String text(JsonNode node) {
    return node.isTextual() || node.isNumber() ? node.asText() : null;
  }
}
