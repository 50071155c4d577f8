package dev.warmcache.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /_twin/status}: what the twin runs and how its plumbing is doing (pipe counters, dead
 * letters), for scripts, tests and the console.
 */
final class TwinStatus implements HttpHandler {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Twin twin;

  TwinStatus(Twin twin) {
    this.twin = twin;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      ObjectNode status = JSON.createObjectNode();
      status.put("status", "ready");
      status.put("endpoint", twin.endpoint().toString());
      status.put("stateMachineArn", twin.stateMachine().stateMachineArn());
      status.set("pipe", JSON.valueToTree(twin.pipe().stats()));
      ArrayNode letters = status.putArray("deadLetters");
      twin.deadLetters().list().forEach(letters::add);
      byte[] body = status.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
