package dev.warmcache.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback origin for the twin benchmarks: every id exists, every fetch returns a new JSON value
 * of about {@code valueBytes} (so each refresh writes a new version), and fetches are counted per
 * id.
 */
final class BenchOrigin implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, AtomicLong> fetches = new ConcurrentHashMap<>();

  BenchOrigin(int valueBytes) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/items/",
        exchange -> {
          String id = exchange.getRequestURI().getRawPath().substring("/items/".length());
          long n = fetches.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
          String head = "{\"id\":\"" + id + "\",\"fetch\":" + n;
          String pad = "x".repeat(Math.max(0, valueBytes - head.length() - 10));
          byte[] body = (head + ",\"pad\":\"" + pad + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** {@code ORIGIN_URL_TEMPLATE} for the refresh function. */
  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/items/{id}";
  }

  /** Fetches so far, per id. */
  Map<String, Long> fetches() {
    Map<String, Long> copy = new HashMap<>();
    fetches.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
