package dev.warmcache.local.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge as a hostile web page or a slow client meets it, over raw sockets so that every header
 * (Host included) is exactly what an attacker would send.
 */
class EdgeSecurityTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EdgeServer edge;
  private final AtomicInteger actions = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    edge = EdgeServer.start(0, new Router());
    edge.mount(
        "/_twin/action",
        exchange -> {
          actions.incrementAndGet();
          byte[] ok = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, ok.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(ok);
          }
        });
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  private record Answer(int status, JsonNode body, String raw) {}

  private Answer send(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String raw = readAll(socket.getInputStream());
      int status = Integer.parseInt(raw.substring(9, 12));
      String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
      return new Answer(status, body.isEmpty() ? null : JSON.readTree(body), raw);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      out.write(buffer, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private String post(String path, String host, String origin, String contentType, String body) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: "
        + host
        + "\r\n"
        + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + body;
  }

  private String own() {
    return "127.0.0.1:" + edge.port();
  }

  /** The reproduction: a DNS-rebinding page names its own host and origin. */
  @Test
  void aForeignHostIsRefusedWithJsonInTheShapeOfThePathsOwner() throws Exception {
    String evil = "evil.com:" + edge.port();
    Answer twin = send(post("/_twin/action", evil, "http://" + evil, "application/json", "{}"));
    assertEquals(403, twin.status());
    assertEquals("ForbiddenHost", twin.body().path("error").asText(), twin.raw());
    Answer aws =
        send(post("/2015-03-31/functions/warmcache-reader/invocations", evil, null, null, "{}"));
    assertEquals(403, aws.status());
    assertEquals("ForbiddenHost", aws.body().path("__type").asText(), aws.raw());
    assertTrue(aws.raw().contains("x-amzn-ErrorType: ForbiddenHost"), aws.raw());
    assertEquals(0, actions.get(), "nothing ran");

    for (String host : List.of(own(), "localhost:" + edge.port(), "LOCALHOST:" + edge.port())) {
      assertEquals(
          200, send(post("/_twin/action", host, null, "application/json", "{}")).status(), host);
    }
    assertEquals(
        403,
        send(post("/_twin/action", "127.0.0.1:1", null, "application/json", "{}")).status(),
        "another port is another origin");
  }

  /** The reproduction: a cross-origin "simple request" to the origin control. */
  @Test
  void crossOriginAndSimpleRequestsCannotChangeTwinState() throws Exception {
    Answer crossOrigin =
        send(
            post(
                "/_twin/action",
                own(),
                "http://attacker.example",
                "text/plain",
                "{\"latencyMs\":60000}"));
    assertEquals(403, crossOrigin.status());
    assertEquals("ForbiddenOrigin", crossOrigin.body().path("error").asText());
    Answer crossOriginJson =
        send(post("/_twin/action", own(), "http://attacker.example", "application/json", "{}"));
    assertEquals(403, crossOriginJson.status());
    Answer simple = send(post("/_twin/action", own(), null, "text/plain", "{}"));
    assertEquals(415, simple.status());
    assertEquals("UnsupportedMediaType", simple.body().path("error").asText());
    Answer form =
        send(post("/_twin/action", own(), null, "application/x-www-form-urlencoded", "a=b"));
    assertEquals(415, form.status());
    assertEquals(0, actions.get(), "nothing ran");

    Answer sameOrigin =
        send(post("/_twin/action", own(), "http://" + own(), "application/json", "{}"));
    assertEquals(200, sameOrigin.status(), sameOrigin.raw());
    assertEquals(1, actions.get());
  }

  /**
   * The reproduction: 60 stalled bodies held 57 threads; here 200, and a read still
   * answers.
   */
  @Test
  void stalledConnectionsHoldNoThreadsAndANormalRequestStillAnswersWithinASecond()
      throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port());
        String head =
            i % 2 == 0
                // Headers complete, body promised and never sent.
                ? "POST /_twin/action HTTP/1.1\r\nHost: "
                    + own()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
                // Headers never finished.
                : "GET /_twin/action HTTP/1.1\r\nHost: " + own() + "\r\nX-Slow: ";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
        stalled.add(socket);
      }
      Thread.sleep(300);
      long edgeThreads =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("edge"))
              .count();

      long start = System.nanoTime();
      Answer normal = send(post("/_twin/action", own(), null, "application/json", "{}"));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(200, normal.status(), normal.raw());
      assertTrue(
          tookMillis < 1_000, "answered in " + tookMillis + " ms beside 200 stalled connections");
      assertTrue(edgeThreads <= EdgeServer.MAX_THREADS, edgeThreads + " edge threads");
      assertTrue(
          edgeThreads < 50,
          "stalled connections hold sockets, not threads: " + edgeThreads + " threads");
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void aBodyThatStopsArrivingIsAnsweredWithJsonAfterTheBodyTimeout() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
      socket.setSoTimeout((int) EdgeServer.BODY_TIMEOUT.toMillis() + 5_000);
      socket
          .getOutputStream()
          .write(
              ("POST /_twin/action HTTP/1.1\r\nHost: "
                      + own()
                      + "\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{")
                  .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String raw = readAll(socket.getInputStream());
      assertTrue(raw.startsWith("HTTP/1.1 408"), raw);
      assertTrue(raw.contains("\"error\":\"RequestTimeout\""), raw);
    }
    assertEquals(0, actions.get());
  }

  @Test
  void malformedRequestsGetJsonNeverHtmlOrAnExceptionName() throws Exception {
    for (String request :
        List.of(
            "GET /_twin/action?arn=%zz HTTP/1.1\r\nHost: "
                + own()
                + "\r\nConnection: close\r\n\r\n",
            "GET /%zz HTTP/1.1\r\nHost: " + own() + "\r\nConnection: close\r\n\r\n",
            "GET /console/%2e%2e/pom.xml HTTP/1.1\r\nHost: "
                + own()
                + "\r\nConnection: close\r\n\r\n",
            "BREW / HTCPCP/1.0\r\n\r\n")) {
      String raw;
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), edge.port())) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        raw = readAll(socket.getInputStream());
      }
      String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
      assertTrue(body.startsWith("{"), request + " answered " + raw);
      assertTrue(!raw.toLowerCase().contains("<html") && !raw.contains("Exception\""), raw);
      JSON.readTree(body);
    }
  }
}
