package dev.warmcache.item;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's JSON wire form of an attribute map ({@code {"id":{"S":"15"}}}), which is what Step
 * Functions' DynamoDB integrations read and return, and what the twin's console scans. The item
 * mapping itself stays in {@link ItemStore}; this only changes the notation, for the scalar types
 * items use.
 *
 * <pre>{@code
 * Optional<Item> item = ItemStore.fromAttributes(AttributeJson.read(scanned));
 * }</pre>
 */
public final class AttributeJson {

  private AttributeJson() {}

  public static ObjectNode write(Map<String, AttributeValue> attributes) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    attributes.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              AttributeValue v = e.getValue();
              ObjectNode typed = out.putObject(e.getKey());
              if (v.s() != null) {
                typed.put("S", v.s());
              } else if (v.n() != null) {
                typed.put("N", v.n());
              } else if (v.bool() != null) {
                typed.put("BOOL", v.bool());
              } else {
                typed.put("NULL", true);
              }
            });
    return out;
  }

  /**
   * The attribute map a DynamoDB JSON object holds; empty for a missing or null node.
   *
   * @throws MalformedItemException if the node is not an object
   */
  public static Map<String, AttributeValue> read(JsonNode node) {
    Map<String, AttributeValue> out = new HashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new MalformedItemException("an item must be a DynamoDB attribute map");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode typed = e.getValue();
      if (typed.has("S")) {
        out.put(e.getKey(), AttributeValue.fromS(typed.get("S").asText()));
      } else if (typed.has("N")) {
        out.put(e.getKey(), AttributeValue.fromN(typed.get("N").asText()));
      } else if (typed.has("BOOL")) {
        out.put(e.getKey(), AttributeValue.fromBool(typed.get("BOOL").asBoolean()));
      } else if (typed.has("NULL")) {
        out.put(e.getKey(), AttributeValue.fromNul(true));
      }
      // Other types (sets, maps, lists) are not part of a warmcache item and are ignored.
    }
    return out;
  }
}
