package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.InvalidIdException;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.AttributeJson;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.MalformedItemException;
import dev.warmcache.local.edge.AwsJsonClient;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
                    item.path(ItemAttributes.ID).path("S").asText(null))) {
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
    request.putObject("Key").putObject(ItemAttributes.ID).put("S", id);
    request.put("UpdateExpression", "SET " + ItemAttributes.EXPIRES_AT + " = :past");
    request.put("ConditionExpression", "attribute_exists(" + ItemAttributes.ID + ")");
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

  /**
   * One row, read through the product's own mapping ({@link ItemStore#fromAttributes}); a lease
   * stub (no version yet) shows its id and lease only, and a record the product cannot read shows
   * why, rather than a guess.
   */
  private ObjectNode row(JsonNode scanned, long nowMs) {
    Map<String, AttributeValue> attributes;
    try {
      attributes = AttributeJson.read(scanned);
    } catch (MalformedItemException e) {
      return json.createObjectNode().put("malformed", e.getMessage());
    }
    ObjectNode row = json.createObjectNode();
    AttributeValue id = attributes.get(ItemAttributes.ID);
    row.put("id", id == null ? null : id.s());
    try {
      ItemStore.fromAttributes(attributes).ifPresent(item -> describe(row, item, nowMs));
    } catch (MalformedItemException e) {
      row.put("malformed", e.getMessage());
    }
    JsonNode lease = lease(attributes, nowMs);
    if (lease != null) {
      row.set("lease", lease);
    }
    return row;
  }

  private static void describe(ObjectNode row, Item item, long nowMs) {
    row.put("version", item.version());
    if (item.value() != null) {
      String value = item.value();
      row.put(
          "preview",
          value.length() > PREVIEW_CHARS ? value.substring(0, PREVIEW_CHARS) + "…" : value);
      row.put("valueChars", value.length());
    }
    if (item.contentType() != null) {
      row.put("contentType", item.contentType());
    }
    row.put("fetchedAt", item.fetchedAtMillis());
    row.put("expiresAt", item.expiresAtEpochSeconds());
    row.put("idleRefreshes", item.idleRefreshes());
    row.put("notFound", item.notFound());
    row.put("stale", item.isExpiredAt(Instant.ofEpochMilli(nowMs)));
  }

  /**
   * The single-flight lease, if one is held: {@link ItemAttributes#LEASE_OWNER} and {@link
   * ItemAttributes#LEASE_UNTIL} (epoch milliseconds), as the workflow writes them. A lease past its
   * deadline is not held.
   */
  private JsonNode lease(Map<String, AttributeValue> attributes, long nowMs) {
    AttributeValue owner = attributes.get(ItemAttributes.LEASE_OWNER);
    AttributeValue until = attributes.get(ItemAttributes.LEASE_UNTIL);
    Long untilMs = null;
    if (until != null && until.n() != null) {
      try {
        // DynamoDB numbers reach 10^125; clamp before converting, so a forged one costs nothing.
        untilMs =
            new BigDecimal(until.n())
                .max(BigDecimal.valueOf(Long.MIN_VALUE))
                .min(BigDecimal.valueOf(Long.MAX_VALUE))
                .longValue();
      } catch (NumberFormatException e) {
        untilMs = null;
      }
    }
    if (owner == null && untilMs == null || untilMs != null && untilMs <= nowMs) {
      return null;
    }
    ObjectNode lease = json.createObjectNode();
    lease.put("owner", owner == null ? null : owner.s());
    if (untilMs != null) {
      lease.put("until", untilMs);
    }
    return lease;
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
