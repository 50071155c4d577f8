package dev.warmcache.local.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The twin's one HTTP port on 127.0.0.1. Everything under {@code /} goes through the {@link
 * Router}; other parts of the twin (the console under {@code /console}, twin internals under {@code
 * /_twin/...}) mount their own handlers on a path.
 *
 * <pre>{@code
 * Router router = new Router().register(eventBridge).register(lambda);
 * try (EdgeServer edge = EdgeServer.start(0, router)) {
 *   edge.mount("/console", consoleHandler);
 *   URI endpoint = edge.endpoint();
 * }
 * }</pre>
 */
public final class EdgeServer implements AutoCloseable {

  /** AWS caps synchronous Lambda payloads at 6 MB; nothing the twin serves needs more. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private final HttpServer server;
  private final ExecutorService workers;

  private EdgeServer(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /** Binds 127.0.0.1 on {@code port} (0 picks a free one) and starts serving. */
  public static EdgeServer start(int port, Router router) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    AtomicInteger threads = new AtomicInteger();
    // Unbounded on purpose: a synchronous Invoke may wait seconds for a workflow, and Lambda's own
    // concurrency limit, not the edge, is what turns callers away.
    ExecutorService workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "edge-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(workers);
    server.createContext("/", exchange -> serve(exchange, router));
    server.start();
    return new EdgeServer(server, workers);
  }

  /**
   * Hands every request under {@code path} to {@code handler} as is (for the console and streams).
   */
  public void mount(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  private static void serve(HttpExchange exchange, Router router) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      EdgeResponse response;
      if (body.length > MAX_BODY_BYTES) {
        response =
            Router.error(
                null,
                new AwsException(
                    413,
                    "RequestEntityTooLargeException",
                    "Request body exceeds " + MAX_BODY_BYTES + " bytes"));
      } else {
        URI uri = exchange.getRequestURI();
        response =
            router.dispatch(
                new EdgeRequest(
                    exchange.getRequestMethod(),
                    uri.getRawPath(),
                    uri.getRawQuery(),
                    exchange.getRequestHeaders(),
                    body));
      }
      write(exchange, response);
    }
  }

  static void write(HttpExchange exchange, EdgeResponse response) throws IOException {
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      exchange.getResponseHeaders().set(header.getKey(), header.getValue());
    }
    boolean empty = response.body().length == 0 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
    try {
      workers.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
