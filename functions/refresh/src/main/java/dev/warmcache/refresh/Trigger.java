package dev.warmcache.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.events.EventNames;
import dev.warmcache.events.RefreshTrigger;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.refresh.errors.InvalidStreamRecordException;
import dev.warmcache.refresh.errors.MissingIdException;
import dev.warmcache.refresh.errors.UnrecognisedTriggerException;
import dev.warmcache.refresh.errors.UserDeleteException;

/**
 * The three shapes that start a refresh, each as its source delivers it, turned into one document
 * {@code {"trigger","id","expired"[, "detail"]}}: in the first task rather than in Choice and Pass
 * states, because every state entered is a billed transition. Nothing here is trusted yet; the
 * lease task checks the id and the expired image next.
 *
 * <p>A stream record is read as strictly as the Pipe reads it, because anyone who may call {@code
 * StartExecution} can send one the Pipe never would: a batch of exactly one record, a {@code
 * REMOVE} of an item with a version, carrying the TTL service identity, as {@code
 * events/ttl-expiry.filter.json} requires (a test holds these checks to that file), from this very
 * table's stream in the execution's own partition, region and account. The Pipe's source is that
 * stream, so every record it delivers passes.
 *
 * <p>In a global table a TTL deletion carries the TTL identity only in the region that did it; its
 * replicated deletion in the refresh home carries none. There the home's Pipe also passes a REMOVE
 * without identity ({@code events/ttl-expiry-replicated.filter.json}), and this task tells a
 * replicated expiry ({@code expiresAt} passed) from a replicated or local delete (not passed).
 */
final class Trigger {

  /** The identity DynamoDB's TTL process writes on its REMOVE records (the Pipes shape). */
  static final String TTL_IDENTITY_TYPE = "Service";

  static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";

  private Trigger() {}

  /**
   * @param input the execution input
   * @param owner this execution's ARN, whose partition, region and account a stream record's source
   *     must share
   * @param tableName the table whose stream may start a refresh
   */
  static ObjectNode normalize(JsonNode input, String owner, String tableName) {
    return normalize(input, owner, tableName, false, 0);
  }

  /**
   * @param globalTable whether the table has replicas in other regions: then a TTL deletion done in
   *     another region arrives here replicated, without the TTL identity, and is an expiry when the
   *     image's {@code expiresAt} has passed
   * @param nowEpochSeconds the clock, for that comparison
   */
  static ObjectNode normalize(
      JsonNode input, String owner, String tableName, boolean globalTable, long nowEpochSeconds) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    if (input.isArray()) {
      JsonNode streamRecord = input.path(0);
      JsonNode record = streamRecord.path("dynamodb");
      if (input.size() != 1
          || !record.path("Keys").path("id").has("S")
          || !record.has("OldImage")) {
        throw unrecognised();
      }
      if (!"REMOVE".equals(streamRecord.path("eventName").asText(null))) {
        throw new UnrecognisedTriggerException(
            "The stream record is a "
                + printable(streamRecord.path("eventName").asText("record without eventName"))
                + ", not a REMOVE: only an expiry starts a refresh from the stream.");
      }
      JsonNode identity = streamRecord.path("userIdentity");
      boolean ttl =
          TTL_IDENTITY_TYPE.equals(identity.path("type").asText(null))
              && TTL_PRINCIPAL.equals(identity.path("principalId").asText(null));
      // The replicated-deletion filter asks for no userIdentity.type, so the same here.
      if (!ttl && !(globalTable && identity.path("type").isMissingNode())) {
        throw new InvalidStreamRecordException(
            "The REMOVE record carries no TTL identity (userIdentity Service /"
                + " dynamodb.amazonaws.com): it is not an expiry.");
      }
      if (!fromOwnStream(streamRecord.path("eventSourceARN").asText(""), owner, tableName)) {
        throw new InvalidStreamRecordException(
            "The REMOVE record does not come from the stream of table "
                + tableName
                + " in this workflow's region and account.");
      }
      if (!record.path("OldImage").path(ItemAttributes.VERSION).has("N")) {
        throw new InvalidStreamRecordException(
            "The REMOVE record's OldImage holds no version: it is no expired item.");
      }
      if (!ttl) {
        // A replica's deletion: TTL deleted it in some region (AWS does not say which) if its
        // expiresAt had passed; otherwise someone deleted it, and a delete is left alone.
        JsonNode expiresAt = record.path("OldImage").path(ItemAttributes.EXPIRES_AT).path("N");
        long expired;
        try {
          expired = Long.parseLong(expiresAt.asText(""));
        } catch (NumberFormatException e) {
          throw new InvalidStreamRecordException(
              "The REMOVE record has no TTL identity and its OldImage no numeric expiresAt: it is"
                  + " no expired item.");
        }
        if (expired > nowEpochSeconds) {
          throw new UserDeleteException(
              "The REMOVE record has no TTL identity and its expiresAt has not passed: a delete,"
                  + " not an expiry. Nothing is refreshed.");
        }
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

  /**
   * Whether {@code arn:P:dynamodb:R:A:table/T/stream/L} names table {@code tableName} in the
   * partition P, region R and account A of the execution ARN {@code arn:P:states:R:A:execution:..}.
   */
  static boolean fromOwnStream(String sourceArn, String owner, String tableName) {
    String[] execution = owner.split(":", 6);
    String[] source = sourceArn.split(":", 6);
    if (execution.length < 6 || source.length < 6 || !execution[0].equals("arn")) {
      return false;
    }
    String prefix = "table/" + tableName + "/stream/";
    String resource = source[5];
    return source[0].equals("arn")
        && source[1].equals(execution[1])
        && source[2].equals("dynamodb")
        && source[3].equals(execution[3])
        && source[4].equals(execution[4])
        && resource.startsWith(prefix)
        && resource.length() > prefix.length()
        && resource.indexOf('/', prefix.length()) < 0;
  }

  /** An input's word, shortened and stripped of anything but plain characters, for a message. */
  private static String printable(String text) {
    String plain = text.replaceAll("[^A-Za-z0-9_ -]", "?");
    return plain.length() > 40 ? plain.substring(0, 40) + "..." : plain;
  }

  private static UnrecognisedTriggerException unrecognised() {
    return new UnrecognisedTriggerException(
        "The input is neither a CacheMiss event, a ForceRefresh event nor a Pipe batch of one"
            + " DynamoDB stream record.");
  }
}
