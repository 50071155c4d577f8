package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.json.Json;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reader as a function URL's function: payload format 2.0 events in, response documents out,
 * beside Invoke requests on the same instance and tiers.
 */
class FunctionUrlTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  @RegisterExtension final ReaderScope scope = new ReaderScope(DYNAMODB);

  private final RecordingEventPublisher events = new RecordingEventPublisher();

  private Harness harness() {
    return scope.open(Map.of("MISS_WAIT_MS", "0"), events, Clock.systemUTC());
  }

  /** An event as Lambda writes it for {@code GET /items/15} ({@code version} first). */
  static ObjectNode event(String method, String rawPath) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("version", "2.0");
    event.put("routeKey", "$default");
    event.put("rawPath", rawPath);
    event.put("rawQueryString", "");
    event.putObject("headers").put("host", "abc.lambda-url.us-east-1.on.aws");
    ObjectNode context = event.putObject("requestContext");
    context.put("accountId", "anonymous");
    context.put("apiId", "abc");
    context.put("requestId", "r-1");
    ObjectNode http = context.putObject("http");
    http.put("method", method);
    http.put("path", rawPath);
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", "127.0.0.1");
    event.put("isBase64Encoded", false);
    return event;
  }

  private void seed() {
    new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE)
        .put(
            Item.builder(ItemId.of("15"))
                .value("{\"name\":\"fifteen\"}")
                .contentType("application/json")
                .version(7)
                .fetchedAtMillis(System.currentTimeMillis())
                .expiresAtEpochSeconds(System.currentTimeMillis() / 1000 + 3600)
                .build());
  }

  @Test
  void aFunctionUrlEventGetsAnHttpResponseDocumentFromTheSameTiersAsInvoke() {
    seed();
    Harness reader = harness();

    JsonNode invoked = reader.call("{\"id\":\"15\"}");
    JsonNode response = reader.call(event("GET", "/items/15").toString());

    assertEquals("dynamodb", invoked.get("source").asText());
    assertEquals(200, response.get("statusCode").asInt());
    assertEquals("{\"name\":\"fifteen\"}", response.get("body").asText());
    assertFalse(response.get("isBase64Encoded").asBoolean());
    JsonNode headers = response.get("headers");
    assertEquals("\"7\"", headers.get("ETag").asText());
    assertEquals("memory", headers.get("X-Warmcache-Source").asText(), "the Invoke warmed it");
    assertEquals("application/json", headers.get("Content-Type").asText());
    assertEquals(1, reader.getItems());
  }

  @Test
  void aConditionalRequestIsNotModified() {
    seed();
    ObjectNode event = event("GET", "/items/15");
    ((ObjectNode) event.get("headers")).put("if-none-match", "\"7\"");

    JsonNode response = harness().call(event.toString());

    assertEquals(304, response.get("statusCode").asInt());
    assertEquals("", response.get("body").asText());
  }

  @Test
  void aMalformedEventIsA400ProblemAndAnOversizeOneA413() {
    Harness reader = harness();
    ObjectNode noMethod = event("GET", "/items/15");
    ((ObjectNode) noMethod.get("requestContext").get("http")).remove("method");
    ObjectNode huge = event("GET", "/items/15");
    huge.put("body", "x".repeat(2 * 1024 * 1024));

    JsonNode malformed = reader.call(noMethod.toString());
    JsonNode tooLarge = reader.call(huge.toString());

    assertEquals(400, malformed.get("statusCode").asInt());
    assertEquals("application/problem+json", malformed.get("headers").get("Content-Type").asText());
    assertEquals(413, tooLarge.get("statusCode").asInt());
    assertTrue(events.events().isEmpty());
  }

  @Test
  void invokeRequestsKeepTheirOwnLimitAndShape() {
    JsonNode answer = harness().call("{\"id\":\"" + "1".repeat(9000) + "\"}");

    assertEquals("RequestTooLarge", answer.get("error").asText());
  }
}
