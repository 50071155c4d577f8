package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.warmcache.json.Json;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The production wiring, public constructor and all: a miss leaves the handler as a real
 * EventBridge PutEvents call (here to a loopback endpoint that records it, until the twin's
 * EventBridge replaces it) on the bus named by EVENT_BUS_NAME.
 */
class CacheMissOverEventBridgeTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  @Test
  void absentKeyPublishesCacheMissThroughTheEventBridgeClient() throws Exception {
    List<JsonNode> entries = new CopyOnWriteArrayList<>();
    HttpServer bus =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    bus.createContext(
        "/",
        exchange -> {
          JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes());
          body.get("Entries").forEach(entries::add);
          byte[] answer =
              "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"1\"}]}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    bus.start();
    try {
      Map<String, String> env = DYNAMODB.env();
      env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:" + bus.getAddress().getPort());
      env.put("EVENT_BUS_NAME", "warmcache-test-bus");
      env.put("MISS_WAIT_MS", "0");
      ReaderHandler handler = new ReaderHandler(env);

      JsonNode answer = Harness.call(handler, "{\"id\":\"404-not-here\"}");
      assertTrue(answer.get("pending").asBoolean(), answer.toString());
      Harness.call(handler, "{\"id\":\"404-not-here\"}");

      assertEquals(1, entries.size(), "the second miss within the interval is not re-sent");
      JsonNode entry = entries.get(0);
      assertEquals("warmcache-test-bus", entry.get("EventBusName").asText());
      assertEquals("warmcache.reader", entry.get("Source").asText());
      assertEquals("CacheMiss", entry.get("DetailType").asText());
      assertEquals(
          Json.MAPPER.readTree("{\"id\":\"404-not-here\",\"reason\":\"absent\"}"),
          Json.MAPPER.readTree(entry.get("Detail").asText()));
    } finally {
      bus.stop(0);
    }
  }
}
