package dev.warmcache.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fetch task against a real origin on loopback: the lifetime and the Δ of its write. */
class RefreshFetchTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant SECOND = Instant.parse("2026-11-22T00:00:00Z");

  private HttpServer origin;

  @BeforeEach
  void start() throws Exception {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    origin.createContext(
        "/items/",
        exchange -> {
          byte[] body = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    origin.start();
  }

  @AfterEach
  void stop() {
    origin.stop(0);
  }

  private JsonNode fetch(long fetchedAtMillis, String current, String trigger) throws Exception {
    return fetch(fetchedAtMillis, current, "{}", trigger);
  }

  private JsonNode fetch(long fetchedAtMillis, String current, String expired, String trigger)
      throws Exception {
    RefreshHandler handler =
        new RefreshHandler(
            Settings.from(
                Map.of(
                    "TTL_SECONDS",
                    "20",
                    "TTL_JITTER",
                    "0",
                    "ORIGIN_URL_TEMPLATE",
                    "http://127.0.0.1:" + origin.getAddress().getPort() + "/items/{id}")),
            Clock.fixed(Instant.ofEpochMilli(fetchedAtMillis), ZoneOffset.UTC));
    String request =
        "{\"task\":\"fetch\",\"refresh\":{\"id\":\"15\",\"trigger\":\""
            + trigger
            + "\",\"startedAt\":\""
            + (SECOND.toEpochMilli() - 1_000)
            + "\",\"expired\":"
            + expired
            + ",\"current\":"
            + current
            + "}}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toByteArray()).path("write");
  }

  /**
   * DynamoDB's TTL is in whole seconds; the fetch time is rounded to the nearest one, so a lifetime
   * is TTL_SECONDS on average, not half a second less.
   */
  @ParameterizedTest
  @CsvSource({"0, 20", "499, 20", "500, 21", "999, 21"})
  void theLifetimeStartsAtTheNearestSecond(long millisIntoTheSecond, long expiresAfter)
      throws Exception {
    JsonNode write =
        fetch(SECOND.toEpochMilli() + millisIntoTheSecond, "{\"exists\":false}", "expiry");
    assertEquals(
        SECOND.getEpochSecond() + expiresAfter, write.path("expiresAt").asLong(), write.toString());
  }

  /**
   * A claim the task input forges (it is written by readers and only carried through the workflow's
   * state) never stretches Δ: Δ then counts from the execution's start.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\"soon\"", "-1", "1e30", "true", "{\"N\":\"1795305599500\"}", "null"})
  void aForgedClaimLeavesDeltaFromTheExecutionsStart(String claim) throws Exception {
    JsonNode write =
        fetch(
            SECOND.toEpochMilli(),
            "{\"exists\":false,\"refreshRequestedAt\":" + claim + "}",
            "miss");
    assertEquals("1000", write.path("item").path("refreshMillis").path("N").asText(), claim);
  }

  /**
   * Δ runs from the readers' claim that asked for a miss's refresh (taken within one lease before
   * the execution started); otherwise, and for other triggers, from the execution's start.
   */
  @ParameterizedTest
  @CsvSource({
    "miss, -1500, 1500",
    "expiry, -1500, 1000",
    "miss, -500, 1000",
    "miss, -40000, 1000",
    "miss, , 1000"
  })
  void deltaRunsFromTheClaimThatAskedForTheRefresh(String trigger, Long claim, long delta)
      throws Exception {
    String current =
        claim == null
            ? "{\"exists\":false}"
            : "{\"exists\":false,\"refreshRequestedAt\":" + (SECOND.toEpochMilli() + claim) + "}";
    JsonNode write = fetch(SECOND.toEpochMilli(), current, trigger);
    assertEquals(
        Long.toString(delta),
        write.path("item").path("refreshMillis").path("N").asText(),
        write.toString());
  }

  /**
   * Where the next version comes from: the table, or the clock's floor when the table holds none or
   * holds one that no write can have stored. Never the expired image, which is execution input: a
   * forged image at 2^53 - 2 once pushed a key to the maximum and froze it.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "first write | {\"exists\":false} | {} | floor",
        "after a TTL deletion | {\"exists\":false} | {\"version\":7} | floor",
        "a forged image at the old border | {\"exists\":false} | {\"version\":9007199254740990} | floor",
        "a stored value | {\"exists\":true,\"version\":4} | {} | 5",
        "a stored value, a forged image | {\"exists\":true,\"version\":4} | {\"version\":9007199254740990} | 5",
        "a stored floor version | {\"exists\":true,\"version\":1795219200000} | {} | 1795219200001",
        "a stored version to repair | {\"exists\":true,\"version\":-1,\"malformed\":\"x\"} | {} | floor"
      })
  void theNextVersionComesFromTheTableOrTheClockNeverFromTheInput(
      String name, String current, String expired, String expected) throws Exception {
    long now = SECOND.toEpochMilli() + 250;
    JsonNode write = fetch(now, current, expired, "expiry");
    long version = write.path("version").asLong();
    assertEquals(expected.equals("floor") ? now : Long.parseLong(expected), version, name);
    assertEquals(now + 86_400_000L, write.path("ceiling").asLong(), "a day of skew above now");
    assertEquals(version, write.path("item").path("version").path("N").asLong());
  }
}
