package dev.warmcache.local.edge;

import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The twin's one HTTP port on 127.0.0.1, answering only the local user. Everything under {@code /}
 * goes through the {@link Router}; other parts of the twin (the console under {@code /console},
 * twin internals under {@code /_twin/...}) mount their own handlers on a path.
 *
 * <p>It runs on Jetty's non-blocking connector: a connection that sends half a request holds a
 * socket, not a thread, and a bounded pool serves the requests that did arrive. Before any handler
 * runs, {@link EdgeGuard} refuses what a web page could send: a foreign {@code Host} (DNS
 * rebinding), a foreign {@code Origin}, and simple requests to the twin's own state-changing
 * endpoints. Every refusal and every error is JSON in the shape of the service asked.
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

  private static final Logger LOG = Logger.getLogger(EdgeServer.class.getName());

  /** AWS caps synchronous Lambda payloads at 6 MB; nothing the twin serves needs more. */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  /**
   * Workers for requests whose headers and body have arrived. A synchronous Invoke may wait seconds
   * for a workflow, so this is generous, but bounded: Lambda's own concurrency limit is what turns
   * callers away, and a flood queues instead of exhausting the JVM.
   */
  static final int MAX_THREADS = 256;

  /**
   * How long a connection may stay silent, in a request or between requests, before it is closed.
   * Above the longest synchronous Invoke the twin serves (the reader's timeout, at most 67 s with
   * {@code MISS_WAIT_MS} at its maximum), so no legitimate caller is cut off.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(75);

  /** How long the whole body of a request may take to arrive once its headers have. */
  static final Duration BODY_TIMEOUT = Duration.ofSeconds(10);

  private final Server server;
  private final ServerConnector connector;

  /** Built on the first request, once the port (possibly chosen by the OS) is known. */
  private volatile EdgeGuard guard;

  private final Map<String, HttpHandler> mounts =
      new ConcurrentSkipListMap<>(
          (a, b) -> b.length() != a.length() ? b.length() - a.length() : a.compareTo(b));

  private final Router router;

  private EdgeServer(Server server, ServerConnector connector, Router router) {
    this.server = server;
    this.connector = connector;
    this.router = router;
  }

  /** Binds 127.0.0.1 on {@code port} (0 picks a free one) and starts serving. */
  public static EdgeServer start(int port, Router router) throws IOException {
    QueuedThreadPool workers = new QueuedThreadPool(MAX_THREADS, 4);
    workers.setName("edge");
    workers.setDaemon(true);
    Server server = new Server(workers);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    EdgeServer edge = new EdgeServer(server, connector, router);
    server.setHandler(edge.new Dispatch(router));
    server.setErrorHandler(new JsonErrors());
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      throw e;
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("the edge could not start: " + e.getMessage(), e);
    }
    return edge;
  }

  /**
   * Hands every request under {@code path} to {@code handler}, with the body already read (for the
   * console and twin internals). Errors answered for that path use the {@code {"error", "message"}}
   * shape those handlers use.
   */
  public void mount(String path, HttpHandler handler) {
    mounts.put(path, handler);
  }

  public int port() {
    return connector.getLocalPort();
  }

  private EdgeGuard guard() {
    EdgeGuard g = guard;
    // Host services may register after the first request (the router opens late).
    java.util.Set<String> suffixes = router.hostSuffixes();
    if (g == null || !g.hostSuffixes().equals(suffixes)) {
      g = new EdgeGuard(port(), suffixes);
      guard = g;
    }
    return g;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  @Override
  public void close() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.log(Level.FINE, "stopping the edge", e);
    }
  }

  /** Guards, reads the body without holding a thread, then answers on a worker. */
  private final class Dispatch extends org.eclipse.jetty.server.Handler.Abstract {

    private final Router router;

    Dispatch(Router router) {
      this.router = router;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      // The path as sent, still percent-encoded, as the services and handlers expect it.
      String rawPath = request.getHttpURI().getPath();
      // A function URL's paths are the function's, whatever they look like.
      boolean hostService = router.hostRoute(request.getHeaders().get("Host")) != null;
      Map.Entry<String, HttpHandler> mount =
          rawPath == null || hostService ? null : mountFor(rawPath);
      ErrorShape shape = mount == null ? ErrorShape.AWS : ErrorShape.TWIN;
      EdgeResponse refusal =
          guard()
              .check(
                  request.getMethod(),
                  rawPath,
                  request.getHeaders().get("Host"),
                  request.getHeaders().get("Origin"),
                  request.getHeaders().get("Content-Type"),
                  mount != null,
                  shape);
      if (refusal != null) {
        refuse(response, callback, refusal);
        return true;
      }
      if (rawPath == null) {
        refuse(
            response,
            callback,
            shape.error(400, "InvalidRequest", "The request path is malformed"));
        return true;
      }
      long declared = request.getLength();
      if (declared > MAX_BODY_BYTES) {
        refuse(response, callback, tooLarge(shape));
        return true;
      }
      CompletableFuture<byte[]> body =
          Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES)
              .orTimeout(BODY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      body.whenCompleteAsync(
          (bytes, failure) -> {
            EdgeResponse answer;
            if (failure != null) {
              answer = bodyFailure(failure, shape);
            } else {
              answer = answer(request, rawPath, bytes, mount);
            }
            send(response, callback, answer);
          },
          server.getThreadPool());
      return true;
    }

    private EdgeResponse answer(
        Request request, String rawPath, byte[] body, Map.Entry<String, HttpHandler> mount) {
      String query = request.getHttpURI().getQuery();
      Map<String, java.util.List<String>> headers =
          new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (HttpField field : request.getHeaders()) {
        headers
            .computeIfAbsent(field.getName(), k -> new java.util.ArrayList<>())
            .add(field.getValue());
      }
      EdgeRequest edgeRequest = new EdgeRequest(request.getMethod(), rawPath, query, headers, body);
      if (mount == null) {
        return router.dispatch(edgeRequest);
      }
      return BufferedExchange.run(mount.getKey(), mount.getValue(), edgeRequest, endpoint());
    }
  }

  private Map.Entry<String, HttpHandler> mountFor(String path) {
    for (Map.Entry<String, HttpHandler> m : mounts.entrySet()) {
      String prefix = m.getKey();
      if (path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
        return m;
      }
    }
    return null;
  }

  private static EdgeResponse tooLarge(ErrorShape shape) {
    return shape.error(
        413, "RequestEntityTooLargeException", "Request body exceeds " + MAX_BODY_BYTES + " bytes");
  }

  private static EdgeResponse bodyFailure(Throwable failure, ErrorShape shape) {
    Throwable cause =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return shape.error(
          408,
          "RequestTimeout",
          "The request body did not arrive within " + BODY_TIMEOUT.toSeconds() + " s");
    }
    if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
      return tooLarge(shape);
    }
    return shape.error(400, "InvalidRequest", "The request body could not be read");
  }

  /**
   * Answers without reading the request body. The connection then closes, so the answer says so: a
   * client that reused it would find it closed under its next request.
   */
  private static void refuse(Response response, Callback callback, EdgeResponse answer) {
    response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    send(response, callback, answer);
  }

  static void send(Response response, Callback callback, EdgeResponse answer) {
    response.setStatus(answer.status());
    for (Map.Entry<String, String> header : answer.headers().entrySet()) {
      response.getHeaders().put(header.getKey(), header.getValue());
    }
    if (answer.body().length == 0) {
      callback.succeeded();
      return;
    }
    response.getHeaders().put("Content-Length", answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback);
  }
}
