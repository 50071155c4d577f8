package dev.warmcache.local.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.warmcache.local.edge.TwinError;
import dev.warmcache.local.edge.TwinReply;
import dev.warmcache.local.lambda.pool.FunctionNotFoundException;
import dev.warmcache.local.lambda.pool.LambdaPool;
import java.io.IOException;

/**
 * {@code /_twin/functions/<name>}: {@code GET} says whether a function serves, {@code POST
 * {"available": false}} makes every invocation of it fail with Lambda's {@code ServiceException}
 * (through Invoke, its function URL and the workflow alike) until {@code {"available": true}}. Not
 * an AWS API: it stands in for an outage, so that callers' failure handling can be tested.
 *
 * <pre>{@code
 * curl -X POST -H 'Content-Type: application/json' -d '{"available":false}' \
 *     http://127.0.0.1:4566/_twin/functions/warmcache-reader
 * }</pre>
 */
public final class FunctionAvailability implements HttpHandler {

  public static final String PATH = "/_twin/functions";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LambdaPool pool;

  public FunctionAvailability(LambdaPool pool) {
    this.pool = pool;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String name = path.length() > PATH.length() + 1 ? path.substring(PATH.length() + 1) : "";
      int status = 200;
      ObjectNode body;
      try {
        if (exchange.getRequestMethod().equals("POST")) {
          JsonNode request = readJson(exchange);
          JsonNode available = request == null ? null : request.get("available");
          if (available == null || !available.isBoolean()) {
            throw new IllegalArgumentException("Send {\"available\": true|false}");
          }
          pool.setAvailable(name, available.asBoolean());
        } else if (!exchange.getRequestMethod().equals("GET")) {
          throw new UnsupportedOperationException("Use GET or POST");
        }
        body =
            JSON.createObjectNode().put("function", name).put("available", pool.isAvailable(name));
        if (pool.function(name).isEmpty()) {
          throw new FunctionNotFoundException(name);
        }
      } catch (FunctionNotFoundException e) {
        status = 404;
        body = TwinError.body("FunctionNotFound", "The twin hosts no function named " + clip(name));
      } catch (IllegalArgumentException e) {
        status = 400;
        body = TwinError.body("InvalidRequest", e.getMessage());
      } catch (UnsupportedOperationException e) {
        status = 405;
        body = TwinError.body("MethodNotAllowed", e.getMessage());
      }
      TwinReply.send(exchange, status, body);
    }
  }

  private static JsonNode readJson(HttpExchange exchange) {
    try {
      return JSON.readTree(exchange.getRequestBody().readNBytes(4096));
    } catch (IOException e) {
      throw new IllegalArgumentException("The body is not JSON; send {\"available\": true|false}");
    }
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
