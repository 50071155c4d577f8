package dev.warmcache.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.RefreshTrigger;
import dev.warmcache.refresh.errors.MissingIdException;
import dev.warmcache.refresh.errors.UnrecognisedTriggerException;

/**
 * The three shapes that start a refresh, each as its source delivers it, turned into one document
 * {@code {"trigger","id","expired"[, "detail"]}}: in the first task rather than in Choice and Pass
 * states, because every state entered is a billed transition. Nothing here is trusted yet; the
 * lease task checks the id and the expired image next.
 */
final class Trigger {

  private Trigger() {}

  static ObjectNode normalize(JsonNode input) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    if (input.isArray()) {
      JsonNode record = input.path(0).path("dynamodb");
      if (!record.path("Keys").path("id").has("S") || !record.has("OldImage")) {
        throw unrecognised();
      }
      doc.put("trigger", RefreshTrigger.EXPIRY.wireName());
      doc.set("id", record.path("Keys").path("id").get("S"));
      doc.set("expired", record.get("OldImage"));
      return doc;
    }
    String type = input.path("detail-type").asText("");
    if (!type.equals(EventNames.CACHE_MISS) && !type.equals(EventNames.FORCE_REFRESH)) {
      throw unrecognised();
    }
    JsonNode detail = input.path("detail");
    if (!detail.has("id")) {
      throw new MissingIdException("The CacheMiss or ForceRefresh event has no detail.id.");
    }
    doc.put(
        "trigger",
        (type.equals(EventNames.CACHE_MISS) ? RefreshTrigger.MISS : RefreshTrigger.FORCE)
            .wireName());
    doc.set("id", detail.get("id"));
    if (type.equals(EventNames.CACHE_MISS)) {
      doc.set("detail", detail);
    }
    doc.putObject("expired");
    return doc;
  }

  private static UnrecognisedTriggerException unrecognised() {
    return new UnrecognisedTriggerException(
        "The input is neither a CacheMiss event, a ForceRefresh event nor a Pipe batch of one"
            + " DynamoDB stream record.");
  }
}
