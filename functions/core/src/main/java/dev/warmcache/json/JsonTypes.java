package dev.warmcache.json;

import com.fasterxml.jackson.databind.JsonNode;

/** Names JSON node types the way a caller reading an error message thinks of them. */
public final class JsonTypes {
  private JsonTypes() {}

  public static String describe(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
      case STRING -> "a string";
      case BINARY -> "binary data";
      case MISSING -> "nothing";
    };
  }
}
