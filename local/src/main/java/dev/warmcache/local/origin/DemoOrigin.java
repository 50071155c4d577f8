package dev.warmcache.local.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.warmcache.local.edge.TwinError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The demo origin the twin's refresh function fetches from, mounted on the edge port under {@code
 * /_twin/origin}. It stands in for the real upstream API, so it is deliberately observable and
 * controllable:
 *
 * <ul>
 *   <li>{@code GET /_twin/origin/items/{id}}: a JSON value per demo id ({@code 1}..{@code 20} and a
 *       few named ones); unknown ids are 404. Every fetch returns a new revision (so each refresh
 *       is visible) with a strong {@code ETag}; {@code If-None-Match} with the current ETag is a
 *       304. With {@code changeEveryFetch=false} the revision stays put and conditional GETs hit
 *       304.
 *   <li>{@code GET /_twin/origin/stats}: requests served per id (tests and benchmarks count origin
 *       calls with it); {@code DELETE} resets the counters.
 *   <li>{@code GET|POST /_twin/origin/control}: {@code latencyMs}, {@code failureRate} (0..1,
 *       answered with 503), {@code changeEveryFetch}, {@code statusById} (force a status for one
 *       id, such as {@code {"7":500}}); a POST changes only the fields it names.
 * </ul>
 */
public final class DemoOrigin implements HttpHandler {

  public static final String PATH = "/_twin/origin";

  /** The demo ids the twin seeds and prints. */
  public static final List<String> NAMED_IDS = List.of("alpha", "bravo", "charlie");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, AtomicLong> revisions = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> requestsById = new ConcurrentHashMap<>();
  private final AtomicLong notModified = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Control control = new Control(0, 0.0, true, Map.of());

  /** What the control endpoint adjusts. */
  public record Control(
      long latencyMs,
      double failureRate,
      boolean changeEveryFetch,
      Map<String, Integer> statusById) {
    public Control {
      if (latencyMs < 0 || latencyMs > 60_000) {
        throw new IllegalArgumentException("latencyMs must be between 0 and 60000");
      }
      if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
        throw new IllegalArgumentException("failureRate must be between 0 and 1");
      }
      for (Integer status : statusById.values()) {
        if (status == null || status < 200 || status > 599) {
          throw new IllegalArgumentException("statusById values must be HTTP statuses (200..599)");
        }
      }
      statusById = Map.copyOf(statusById);
    }
  }

  public DemoOrigin() {
    allIds().forEach(id -> revisions.put(id, new AtomicLong()));
  }

  /** Every id the origin knows, numbers first. */
  public static List<String> allIds() {
    return Stream.concat(
            IntStream.rangeClosed(1, 20).mapToObj(Integer::toString), NAMED_IDS.stream())
        .toList();
  }

  /** The origin URL template for the refresh function, given the edge endpoint. */
  public static String urlTemplate(String edgeEndpoint) {
    return edgeEndpoint + PATH + "/items/{id}";
  }

  public Control control() {
    return control;
  }

  public void control(Control control) {
    this.control = control;
  }

  /** Requests served for one id so far (200, 304 and failures alike). */
  public long requests(String id) {
    AtomicLong count = requestsById.get(id);
    return count == null ? 0 : count.get();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath().substring(PATH.length());
      String method = exchange.getRequestMethod();
      try {
        if (path.startsWith("/items/") && (method.equals("GET") || method.equals("HEAD"))) {
          item(
              exchange,
              URLDecoder.decode(path.substring("/items/".length()), StandardCharsets.UTF_8));
        } else if (path.equals("/stats") && method.equals("GET")) {
          send(exchange, 200, stats(), Map.of());
        } else if (path.equals("/stats") && method.equals("DELETE")) {
          requestsById.clear();
          notModified.set(0);
          failures.set(0);
          send(exchange, 200, stats(), Map.of());
        } else if (path.equals("/control") && method.equals("GET")) {
          send(exchange, 200, JSON.valueToTree(control), Map.of());
        } else if (path.equals("/control") && method.equals("POST")) {
          control(exchange);
        } else {
          send(
              exchange,
              404,
              error("NotFound", "No " + method + " " + PATH + path + " on the demo origin"),
              Map.of());
        }
      } catch (IllegalArgumentException e) {
        send(exchange, 400, error("BadRequest", e.getMessage()), Map.of());
      }
    }
  }

  private void item(HttpExchange exchange, String id) throws IOException {
    requestsById.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
    Control now = control;
    if (now.latencyMs() > 0) {
      try {
        Thread.sleep(now.latencyMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Integer forced = now.statusById().get(id);
    if (forced != null && forced >= 300) {
      failures.incrementAndGet();
      send(
          exchange,
          forced,
          error("Forced", "The demo origin was told to answer " + forced + " for " + id),
          Map.of());
      return;
    }
    if (now.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < now.failureRate()) {
      failures.incrementAndGet();
      send(
          exchange,
          503,
          error(
              "Unavailable",
              "The demo origin failed on purpose (failureRate " + now.failureRate() + ")"),
          Map.of("Retry-After", "1"));
      return;
    }
    AtomicLong revision = revisions.get(id);
    if (revision == null) {
      send(exchange, 404, error("NotFound", "The demo origin has no item " + id), Map.of());
      return;
    }
    long current = revision.get();
    String etag = "\"" + id + "-" + current + "\"";
    String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
    if (etag.equals(ifNoneMatch) && !now.changeEveryFetch()) {
      notModified.incrementAndGet();
      exchange.getResponseHeaders().set("ETag", etag);
      exchange.sendResponseHeaders(304, -1);
      return;
    }
    if (now.changeEveryFetch()) {
      current = revision.incrementAndGet();
      etag = "\"" + id + "-" + current + "\"";
    }
    ObjectNode value = JSON.createObjectNode();
    value.put("id", id);
    value.put("name", "demo item " + id);
    value.put("revision", current);
    value.put("price", Math.round(ThreadLocalRandom.current().nextDouble(1, 100) * 100) / 100.0);
    value.put("generatedAt", Instant.now().toString());
    send(exchange, 200, value, Map.of("ETag", etag, "Cache-Control", "no-cache"));
  }

  private void control(HttpExchange exchange) throws IOException {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.getRequestBody().readNBytes(64 * 1024));
    } catch (IOException e) {
      throw new IllegalArgumentException("The control body must be a JSON object");
    }
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("The control body must be a JSON object");
    }
    Control old = control;
    Map<String, Integer> statuses = new TreeMap<>(old.statusById());
    if (body.has("statusById")) {
      statuses.clear();
      body.path("statusById")
          .fields()
          .forEachRemaining(
              f -> statuses.put(f.getKey(), f.getValue().isInt() ? f.getValue().asInt() : null));
    }
    control =
        new Control(
            body.has("latencyMs") ? requireNumber(body, "latencyMs").asLong() : old.latencyMs(),
            body.has("failureRate")
                ? requireNumber(body, "failureRate").asDouble()
                : old.failureRate(),
            body.has("changeEveryFetch")
                ? body.path("changeEveryFetch").asBoolean(true)
                : old.changeEveryFetch(),
            statuses);
    send(exchange, 200, JSON.valueToTree(control), Map.of());
  }

  private static JsonNode requireNumber(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return value;
  }

  private ObjectNode stats() {
    ObjectNode stats = JSON.createObjectNode();
    long total = 0;
    ObjectNode byId = JSON.createObjectNode();
    for (Map.Entry<String, AtomicLong> entry : new TreeMap<>(requestsById).entrySet()) {
      byId.put(entry.getKey(), entry.getValue().get());
      total += entry.getValue().get();
    }
    stats.put("total", total);
    stats.put("notModified", notModified.get());
    stats.put("failures", failures.get());
    stats.set("byId", byId);
    return stats;
  }

  private static ObjectNode error(String code, String message) {
    return TwinError.body(code, message);
  }

  private static void send(
      HttpExchange exchange, int status, JsonNode body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    headers.forEach(exchange.getResponseHeaders()::set);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
