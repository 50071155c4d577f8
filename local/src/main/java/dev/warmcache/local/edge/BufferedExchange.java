package dev.warmcache.local.edge;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a {@link HttpHandler} (the console, the demo origin, the twin's status) on a request the
 * edge has already read, and collects its answer. The handlers keep the JDK's small, well-known
 * interface; the edge keeps the network.
 */
final class BufferedExchange extends HttpExchange {

  private static final Logger LOG = Logger.getLogger(BufferedExchange.class.getName());

  private final MountContext context;
  private final EdgeRequest request;
  private final URI uri;
  private final InetSocketAddress local;
  private final Headers requestHeaders = new Headers();
  private final Headers responseHeaders = new Headers();
  private final Map<String, Object> attributes = new HashMap<>();
  private InputStream in;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private OutputStream outStream = out;
  private int status = -1;

  private BufferedExchange(MountContext context, EdgeRequest request, URI uri, URI endpoint) {
    this.context = context;
    this.request = request;
    this.uri = uri;
    this.local = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
    request.headers().forEach((name, values) -> requestHeaders.put(name, List.copyOf(values)));
    this.in = new ByteArrayInputStream(request.body());
  }

  /**
   * The handler's answer to {@code request}, or a JSON error if it failed or the URI is malformed.
   */
  static EdgeResponse run(
      String mountPath, HttpHandler handler, EdgeRequest request, URI endpoint) {
    URI uri;
    try {
      uri =
          new URI(request.path() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery()));
    } catch (URISyntaxException e) {
      return ErrorShape.TWIN.error(400, "InvalidRequest", "The request URI is malformed");
    }
    BufferedExchange exchange =
        new BufferedExchange(new MountContext(mountPath, handler), request, uri, endpoint);
    try {
      handler.handle(exchange);
    } catch (Exception | Error e) {
      LOG.log(Level.SEVERE, "handler for " + mountPath + " failed on " + request.path(), e);
      return ErrorShape.TWIN.error(
          500,
          "InternalError",
          "The twin failed to answer " + mountPath + "; its log has the details");
    }
    if (exchange.status < 0) {
      return ErrorShape.TWIN.error(
          500, "InternalError", "The twin's handler for " + mountPath + " sent no answer");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    exchange.responseHeaders.forEach(
        (name, values) -> {
          if (!values.isEmpty()) {
            headers.put(name, values.get(0));
          }
        });
    return new EdgeResponse(exchange.status, headers, exchange.out.toByteArray());
  }

  @Override
  public Headers getRequestHeaders() {
    return requestHeaders;
  }

  @Override
  public Headers getResponseHeaders() {
    return responseHeaders;
  }

  @Override
  public URI getRequestURI() {
    return uri;
  }

  @Override
  public String getRequestMethod() {
    return request.method();
  }

  @Override
  public HttpContext getHttpContext() {
    return context;
  }

  @Override
  public void close() {
    // Nothing to release: the request was read and the answer is collected in memory.
  }

  @Override
  public InputStream getRequestBody() {
    return in;
  }

  @Override
  public OutputStream getResponseBody() {
    return outStream;
  }

  @Override
  public void sendResponseHeaders(int rCode, long responseLength) {
    this.status = rCode;
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return new InetSocketAddress(local.getAddress(), 0);
  }

  @Override
  public int getResponseCode() {
    return status;
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return local;
  }

  @Override
  public String getProtocol() {
    return "HTTP/1.1";
  }

  @Override
  public Object getAttribute(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    attributes.put(name, value);
  }

  @Override
  public void setStreams(InputStream i, OutputStream o) {
    if (i != null) {
      this.in = i;
    }
    if (o != null) {
      this.outStream = o;
    }
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return null;
  }

  /** The mount a handler was registered on; {@link #getPath()} is what handlers read. */
  private static final class MountContext extends HttpContext {
    private final String path;
    private HttpHandler handler;
    private final Map<String, Object> attributes = new HashMap<>();
    private Authenticator authenticator;

    MountContext(String path, HttpHandler handler) {
      this.path = path;
      this.handler = handler;
    }

    @Override
    public HttpHandler getHandler() {
      return handler;
    }

    @Override
    public void setHandler(HttpHandler handler) {
      this.handler = handler;
    }

    @Override
    public String getPath() {
      return path;
    }

    @Override
    public HttpServer getServer() {
      return null;
    }

    @Override
    public Map<String, Object> getAttributes() {
      return attributes;
    }

    @Override
    public List<Filter> getFilters() {
      return List.of();
    }

    @Override
    public Authenticator setAuthenticator(Authenticator auth) {
      Authenticator previous = authenticator;
      authenticator = auth;
      return previous;
    }

    @Override
    public Authenticator getAuthenticator() {
      return authenticator;
    }
  }
}
