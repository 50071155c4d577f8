package dev.warmcache.local.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemoOriginTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private EdgeServer edge;
  private String base;

  @BeforeEach
  void start() throws Exception {
    edge = EdgeServer.start(0, new Router());
    edge.mount(DemoOrigin.PATH, new DemoOrigin());
    base = edge.endpoint() + DemoOrigin.PATH;
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  private HttpResponse<String> get(String path, String ifNoneMatch) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyFetchIsANewRevisionAndIsCounted() throws Exception {
    HttpResponse<String> first = get("/items/15", null);
    HttpResponse<String> second =
        get("/items/15", first.headers().firstValue("ETag").orElseThrow());
    assertEquals(200, first.statusCode());
    assertEquals(200, second.statusCode(), "a changed value is a 200 even for a conditional GET");
    assertNotEquals(
        JSON.readTree(first.body()).path("revision"),
        JSON.readTree(second.body()).path("revision"));
    assertNotEquals(first.headers().firstValue("ETag"), second.headers().firstValue("ETag"));
    JsonNode stats = JSON.readTree(get("/stats", null).body());
    assertEquals(2, stats.path("byId").path("15").asLong());
  }

  @Test
  void conditionalGetOfAStableValueIsNotModified() throws Exception {
    assertEquals(200, post("/control", "{\"changeEveryFetch\":false}").statusCode());
    HttpResponse<String> first = get("/items/alpha", null);
    HttpResponse<String> again =
        get("/items/alpha", first.headers().firstValue("ETag").orElseThrow());
    assertEquals(304, again.statusCode());
    assertEquals(1, JSON.readTree(get("/stats", null).body()).path("notModified").asLong());
  }

  @Test
  void unknownIdsFailuresAndForcedStatuses() throws Exception {
    assertEquals(404, get("/items/nope", null).statusCode());
    post("/control", "{\"statusById\":{\"7\":500}}");
    assertEquals(500, get("/items/7", null).statusCode());
    assertEquals(200, get("/items/8", null).statusCode());
    post("/control", "{\"failureRate\":1.0}");
    assertEquals(503, get("/items/8", null).statusCode());
    assertEquals(2, JSON.readTree(get("/stats", null).body()).path("failures").asLong());
  }

  @Test
  void badControlIsATypedError() throws Exception {
    HttpResponse<String> response = post("/control", "{\"failureRate\":7}");
    assertEquals(400, response.statusCode());
    assertEquals("BadRequest", JSON.readTree(response.body()).path("error").asText());
    assertEquals(400, post("/control", "[not json").statusCode());
  }
}
