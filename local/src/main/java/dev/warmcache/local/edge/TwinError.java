package dev.warmcache.local.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The error body of the twin's own endpoints (the console, {@code /_twin/...}), defined once:
 * {@code {"error": code, "message": message}}. AWS service paths answer in their service's shape
 * instead ({@link AwsException}).
 *
 * <pre>{@code
 * send(exchange, 404, TwinError.body("NotFound", "No item 42"));
 * }</pre>
 */
public final class TwinError {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TwinError() {}

  public static ObjectNode body(String code, String message) {
    return JSON.createObjectNode().put("error", code).put("message", message);
  }
}
