package dev.warmcache.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.item.Versions;
import dev.warmcache.refresh.errors.InvalidStreamRecordException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The OldImage of a TTL-expiry record, checked and reduced to what the workflow may believe.
 *
 * <p>The record is execution input: anyone allowed to call {@code StartExecution} can forge one. So
 * the image is refused unless it could be a warmcache item of this very key (same id, only
 * attributes warmcache writes, each of its type, a version that some write can have stored by now),
 * and even then only three facts survive: that it held a version, the idle count (so cold keys
 * retire) and a lease in progress. The next version is never continued from it (see {@code
 * Versions}). Its value never travels further, so no state can write it back.
 */
final class ExpiredImage {

  private static final Set<String> NUMBERS =
      Set.of(
          ItemAttributes.VERSION,
          ItemAttributes.FETCHED_AT,
          ItemAttributes.EXPIRES_AT,
          ItemAttributes.IDLE_REFRESHES,
          ItemAttributes.REFRESH_MILLIS,
          ItemAttributes.REFRESH_REQUESTED_AT,
          ItemAttributes.LEASE_UNTIL);

  private ExpiredImage() {}

  /**
   * @param image the record's OldImage as DynamoDB JSON ({@code {"id":{"S":"15"},...}})
   * @param id the key the record names in {@code Keys}
   * @param owner this execution's ARN
   * @param nowMillis the lease task's clock
   * @param leaseMillis {@code LEASE_SECONDS}: no lease the workflow writes ends later than now plus
   *     this
   * @return {@code {"version":N,"idleRefreshes":N}}, plus {@code heldBy}/{@code heldUntil} when
   *     another execution of this state machine held a live lease
   */
  static ObjectNode check(
      JsonNode image, ItemId id, String owner, long nowMillis, long leaseMillis) {
    if (!image.isObject()) {
      throw refuse(id, "the OldImage is not an attribute map");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      typeOf(id, attribute.getKey(), attribute.getValue());
    }
    if (!id.value().equals(image.path(ItemAttributes.ID).path("S").asText(null))) {
      throw refuse(id, "the OldImage belongs to another id than the record's key");
    }
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    // No version is continued from here (see Versions), but one above what any write can have
    // stored by now marks the record as forged, and it is refused.
    summary.put(
        "version", number(image, id, ItemAttributes.VERSION, 0, Versions.ceiling(nowMillis)));
    summary.put(
        "idleRefreshes", number(image, id, ItemAttributes.IDLE_REFRESHES, 0, Integer.MAX_VALUE));
    String holder = image.path(ItemAttributes.LEASE_OWNER).path("S").asText(null);
    if (holder != null
        && image.has(ItemAttributes.LEASE_UNTIL)
        && !holder.equals(owner)
        && holder.startsWith(stateMachinePrefix(owner))) {
      long until = number(image, id, ItemAttributes.LEASE_UNTIL, 0, Long.MAX_VALUE);
      if (until > nowMillis) {
        summary.put("heldBy", holder);
        // Whatever the image claims, a lease handed back ends within LEASE_SECONDS of now.
        summary.put("heldUntil", Long.toString(Math.min(until, nowMillis + leaseMillis)));
      }
    }
    return summary;
  }

  /** {@code arn:aws:states:region:account:execution:machine:} of an execution ARN. */
  private static String stateMachinePrefix(String executionArn) {
    int cut = executionArn.lastIndexOf(':');
    return cut < 0 ? executionArn + ":" : executionArn.substring(0, cut + 1);
  }

  private static void typeOf(ItemId id, String name, JsonNode typed) {
    if (!ItemAttributes.ALL.contains(name)) {
      throw refuse(id, "the OldImage holds \"" + name + "\", which warmcache never writes");
    }
    String expected =
        NUMBERS.contains(name) ? "N" : name.equals(ItemAttributes.NOT_FOUND) ? "BOOL" : "S";
    if (!typed.isObject() || typed.size() != 1 || !typed.has(expected)) {
      throw refuse(id, "the OldImage's \"" + name + "\" is not of type " + expected);
    }
  }

  private static long number(JsonNode image, ItemId id, String name, long min, long max) {
    JsonNode n = image.path(name).path("N");
    if (n.isMissingNode()) {
      return min;
    }
    try {
      // Any integer in range has at most 20 digits; a longer text is refused before it is parsed.
      BigDecimal value = n.asText().length() > 32 ? null : new BigDecimal(n.asText());
      if (value != null
          && value.compareTo(BigDecimal.valueOf(min)) >= 0
          && value.compareTo(BigDecimal.valueOf(max)) <= 0) {
        return value.longValueExact();
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // Falls through to the refusal below: not an integer.
    }
    throw refuse(
        id, "the OldImage's \"" + name + "\" is not an integer between " + min + " and " + max);
  }

  private static InvalidStreamRecordException refuse(ItemId id, String why) {
    return new InvalidStreamRecordException("TTL-expiry record for " + id + " refused: " + why);
  }
}
