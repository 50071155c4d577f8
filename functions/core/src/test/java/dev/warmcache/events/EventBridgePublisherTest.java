package dev.warmcache.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.id.ItemId;
import dev.warmcache.json.Json;
import dev.warmcache.settings.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Drives the real SDK client against a loopback HTTP endpoint that answers like EventBridge, so the
 * wire request (target, bus, source, detail) and PutEvents' partial-failure answer are both
 * exercised without AWS.
 */
class EventBridgePublisherTest {

  private HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final List<String> targets = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> answer =
      new AtomicReference<>("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"e-1\"}]}");
  private EventBridgeClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
          requests.add(Json.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
          byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    client =
        AwsClients.eventBridge(
            Settings.from(
                Map.of(
                    "AWS_ENDPOINT_URL_EVENTBRIDGE",
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "AWS_ACCESS_KEY_ID",
                    "test",
                    "AWS_SECRET_ACCESS_KEY",
                    "test")));
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void sendsCacheMissToTheConfiguredBus() {
    new EventBridgePublisher(client, "my-bus")
        .publish(CacheEvent.cacheMiss(ItemId.of("15"), MissReason.ABSENT));
    assertEquals(List.of("AWSEvents.PutEvents"), targets);
    JsonNode entry = requests.get(0).get("Entries").get(0);
    assertEquals("my-bus", entry.get("EventBusName").asText());
    assertEquals("warmcache.reader", entry.get("Source").asText());
    assertEquals("CacheMiss", entry.get("DetailType").asText());
    assertEquals("{\"id\":\"15\",\"reason\":\"absent\"}", entry.get("Detail").asText());
  }

  /**
   * PutEvents takes at most 10 entries per request: 23 go in three, and the entries the bus rejects
   * (reported per entry in a 200 answer) are handed back, not dropped.
   */
  @Test
  void publishAllBatchesByTenAndHandsBackRejectedEntries() {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      entries
          .append(i == 0 ? "" : ",")
          .append(i == 1 ? "{\"ErrorCode\":\"ThrottlingException\"}" : "{\"EventId\":\"e\"}");
    }
    answer.set("{\"FailedEntryCount\":1,\"Entries\":[" + entries + "]}");
    List<CacheEvent> events = new java.util.ArrayList<>();
    for (int i = 0; i < 23; i++) {
      events.add(CacheEvent.cacheMiss(ItemId.of("k" + i), MissReason.ABSENT));
    }

    List<CacheEvent> failed = new EventBridgePublisher(client, "b").publishAll(events);

    assertEquals(3, requests.size());
    assertEquals(List.of(10, 10, 3), requests.stream().map(r -> r.get("Entries").size()).toList());
    assertEquals(List.of(events.get(1), events.get(11), events.get(21)), failed);
  }

  @Test
  void aFailedEntryIsAnError() {
    answer.set(
        "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"try later\"}]}");
    EventPublishException e =
        assertThrows(
            EventPublishException.class,
            () ->
                new EventBridgePublisher(client, "b")
                    .publish(CacheEvent.cacheMiss(ItemId.of("15"), MissReason.EXPIRED)));
    assertEquals("bus b rejected CacheMiss (InternalFailure: try later)", e.getMessage());
  }

  @Test
  void anUnreachableBusIsAnError() {
    server.stop(0);
    EventPublishException e =
        assertThrows(
            EventPublishException.class,
            () ->
                new EventBridgePublisher(client, "b")
                    .publish(CacheEvent.cacheMiss(ItemId.of("15"), MissReason.EXPIRED)));
    assertTrue(e.getMessage().startsWith("PutEvents to bus b failed"), e.getMessage());
  }
}
