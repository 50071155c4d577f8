package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import dev.warmcache.local.edge.AwsJsonClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The cache table as the page shows it, read and written through the twin's DynamoDB API: one row
 * per item with a value preview, never the whole value, and "Expire now" as a plain {@code
 * UpdateItem} so DynamoDB Local's own TTL sweep, its stream and the pipe do the rest.
 */
final class Items {

  static final int PREVIEW_CHARS = 120;

  private final AwsJsonClient aws;
  private final ObjectMapper json;
  private final String tableName;
  private final Clock clock;

  Items(AwsJsonClient aws, ObjectMapper json, String tableName, Clock clock) {
    this.aws = aws;
    this.json = json;
    this.tableName = tableName;
    this.clock = clock;
  }

  /** The id the product's own {@link ItemId} accepts (a JSON integer counts), else a typed 400. */
  static String validId(JsonNode id) {
    try {
      return ItemId.fromJson(id).value();
    } catch (InvalidIdException e) {
      throw ConsoleException.badRequest("InvalidId", e.getMessage());
    }
  }

  /** Up to {@code max} items ordered by id (numeric ids in numeric order). */
  ArrayNode list(int max) {
    List<JsonNode> found = new ArrayList<>();
    JsonNode startKey = null;
    do {
      ObjectNode request = json.createObjectNode().put("TableName", tableName).put("Limit", max);
      if (startKey != null) {
        request.set("ExclusiveStartKey", startKey);
      }
      JsonNode page = ConsoleException.answerOf("Scan", () -> aws.dynamoDb("Scan", request));
      // The change feed shares the table; its records are bookkeeping, not cached items.
      page.path("Items")
          .forEach(
              item -> {
                if (!dev.warmcache.changes.ChangeFeed.isChangeRecordKey(
                    item.path("id").path("S").asText(null))) {
                  found.add(item);
                }
              });
      startKey = page.hasNonNull("LastEvaluatedKey") ? page.get("LastEvaluatedKey") : null;
    } while (startKey != null && found.size() < max);
    long nowMs = clock.millis();
    ArrayNode out = json.createArrayNode();
    found.stream()
        .map(item -> row(item, nowMs))
        .sorted(
            Comparator.comparing((ObjectNode row) -> row.path("id").asText(), Items::naturalOrder))
        .limit(max)
        .forEach(out::add);
    return out;
  }

  /**
   * Moves {@code expiresAt} one second into the past. Readers then serve the value as stale, and
   * DynamoDB Local's TTL deletes it on its next sweep, which starts a TTL-triggered refresh.
   */
  ObjectNode expire(String id) {
    long past = clock.millis() / 1000 - 1;
    ObjectNode request = json.createObjectNode().put("TableName", tableName);
    request.putObject("Key").putObject("id").put("S", id);
    request.put("UpdateExpression", "SET expiresAt = :past");
    request.put("ConditionExpression", "attribute_exists(id)");
    request.putObject("ExpressionAttributeValues").putObject(":past").put("N", Long.toString(past));
    try {
      ConsoleException.answerOf("UpdateItem", () -> aws.dynamoDb("UpdateItem", request));
    } catch (ConsoleException e) {
      if ("ConditionalCheckFailedException".equals(e.code())) {
        throw new ConsoleException(
            404,
            "ItemNotFound",
            "No item with id " + id + " in table " + tableName + "; there is nothing to expire");
      }
      throw e;
    }
    return json.createObjectNode().put("id", id).put("expiresAt", past);
  }

  private ObjectNode row(JsonNode item, long nowMs) {
    ObjectNode row = json.createObjectNode();
    row.put("id", plain(item.path("id")));
    putNumber(row, "version", item.path("version"));
    String value = item.path("value").path("S").asText(null);
    if (value != null) {
      row.put(
          "preview",
          value.length() > PREVIEW_CHARS ? value.substring(0, PREVIEW_CHARS) + "…" : value);
      row.put("valueChars", value.length());
    }
    if (item.has("contentType")) {
      row.put("contentType", plain(item.path("contentType")));
    }
    putNumber(row, "fetchedAt", item.path("fetchedAt"));
    putNumber(row, "expiresAt", item.path("expiresAt"));
    putNumber(row, "idleRefreshes", item.path("idleRefreshes"));
    row.put("notFound", item.path("notFound").path("BOOL").asBoolean(false));
    row.put(
        "stale",
        item.has("expiresAt")
            && Long.parseLong(item.path("expiresAt").path("N").asText("0")) * 1000 < nowMs);
    JsonNode lease = lease(item, nowMs);
    if (lease != null) {
      row.set("lease", lease);
    }
    return row;
  }

  /**
   * The single-flight lease, if one is held: the owner is the lease's string attribute, the
   * deadline its number attribute (epoch seconds or milliseconds). A lease past its deadline is not
   * held.
   */
  private JsonNode lease(JsonNode item, long nowMs) {
    String owner = null;
    Long until = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      if (!attribute.getKey().toLowerCase().contains("lease")) {
        continue;
      }
      JsonNode value = attribute.getValue();
      if (value.has("S") && owner == null) {
        owner = value.get("S").asText();
      } else if (value.has("N") && until == null) {
        long n = Long.parseLong(value.get("N").asText().replaceAll("\\..*", ""));
        until = n < 100_000_000_000L ? n * 1000 : n;
      }
    }
    if (owner == null && until == null || until != null && until <= nowMs) {
      return null;
    }
    ObjectNode lease = json.createObjectNode();
    lease.put("owner", owner);
    if (until != null) {
      lease.put("until", until);
    }
    return lease;
  }

  private static String plain(JsonNode attribute) {
    if (attribute.has("S")) {
      return attribute.get("S").asText();
    }
    if (attribute.has("N")) {
      return attribute.get("N").asText();
    }
    return attribute.isMissingNode() ? null : attribute.toString();
  }

  private static void putNumber(ObjectNode row, String field, JsonNode attribute) {
    if (attribute.has("N")) {
      row.put(field, Long.parseLong(attribute.get("N").asText().replaceAll("\\..*", "")));
    }
  }

  /** "2" before "10": demo ids are mostly numbers. */
  static int naturalOrder(String a, String b) {
    boolean an = a.chars().allMatch(Character::isDigit) && !a.isEmpty() && a.length() < 19;
    boolean bn = b.chars().allMatch(Character::isDigit) && !b.isEmpty() && b.length() < 19;
    if (an && bn) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return an != bn ? (an ? -1 : 1) : a.compareTo(b);
  }
}
