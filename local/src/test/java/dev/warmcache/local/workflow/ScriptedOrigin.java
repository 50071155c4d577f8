package dev.warmcache.local.workflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP origin on 127.0.0.1 whose answers a test scripts: each request takes the next
 * scripted behaviour, or the default one when the script is used up. Records what it received.
 */
final class ScriptedOrigin implements AutoCloseable {

  /** What the origin does with one request. */
  @FunctionalInterface
  interface Behaviour {
    void answer(HttpExchange exchange) throws IOException, InterruptedException;
  }

  /** One received request: the raw (still percent-encoded) path and the headers a test looks at. */
  record Request(String rawPath, String ifNoneMatch, String ifModifiedSince) {}

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Behaviour fallback =
      respond(200, "application/json", "{\"default\":true}", Map.of());

  ScriptedOrigin() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.setExecutor(threads);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            requests.add(
                new Request(
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("If-None-Match"),
                    exchange.getRequestHeaders().getFirst("If-Modified-Since")));
            Behaviour next = script.poll();
            (next == null ? fallback : next).answer(exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // The client gave up (a timeout test); nothing to answer.
          }
        });
    server.start();
  }

  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/items/{id}";
  }

  void reset(Behaviour defaultBehaviour) {
    script.clear();
    requests.clear();
    fallback = defaultBehaviour;
  }

  void then(Behaviour behaviour) {
    script.add(behaviour);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  static Behaviour respond(
      int status, String contentType, String body, Map<String, String> headers) {
    return exchange -> {
      headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      if (contentType != null) {
        exchange.getResponseHeaders().add("Content-Type", contentType);
      }
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      if (status == 304 || bytes.length == 0) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    };
  }

  static Behaviour json(String body) {
    return respond(200, "application/json", body, Map.of());
  }

  static Behaviour delayed(long millis, Behaviour then) {
    return exchange -> {
      Thread.sleep(millis);
      then.answer(exchange);
    };
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
