package dev.warmcache.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.warmcache.id.ItemId;
import dev.warmcache.settings.InvalidSettingException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginClientTest {

  private HttpServer server;
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "{\"ok\":true}";
  private volatile String contentType = "application/json";
  private volatile String location;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            paths.add(exchange.getRequestURI().getRawPath());
            if (location != null) {
              exchange.getResponseHeaders().add("Location", location);
            }
            exchange.getResponseHeaders().add("Content-Type", contentType);
            byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
              }
            }
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OriginClient client(int maxBytes) {
    return new OriginClient(
        "http://127.0.0.1:" + server.getAddress().getPort() + "/items/{id}.json",
        Duration.ofMillis(500),
        Duration.ofMillis(1000),
        maxBytes);
  }

  @Test
  void theIdIsOneEncodedSegmentOfTheTemplatePath() throws Exception {
    OriginClient origin = client(1024);

    OriginResponse response = origin.get(ItemId.of("a:b@c.d~e"), Validators.NONE);

    assertEquals(List.of("/items/a%3Ab%40c.d~e.json"), paths);
    OriginResponse.Fetched fetched = assertInstanceOf(OriginResponse.Fetched.class, response);
    assertEquals("{\"ok\":true}", fetched.body());
    assertEquals("/items/%2E%2E.json", origin.urlFor(ItemId.of("..")).getRawPath());
  }

  @Test
  void redirectsAreNotFollowed() {
    status = 302;
    location = "http://127.0.0.1:1/elsewhere";
    body = "";

    OriginException e =
        assertThrows(
            OriginException.class, () -> client(1024).get(ItemId.of("r"), Validators.NONE));

    assertEquals(OriginException.Kind.REJECTED, e.kind());
    assertEquals(1, paths.size());
  }

  @Test
  void throttlingIsWorthARetryAndOtherClientErrorsAreNot() {
    status = 429;
    assertEquals(
        OriginException.Kind.UNAVAILABLE,
        assertThrows(OriginException.class, () -> client(1024).get(ItemId.of("t"), Validators.NONE))
            .kind());
    status = 403;
    assertEquals(
        OriginException.Kind.REJECTED,
        assertThrows(OriginException.class, () -> client(1024).get(ItemId.of("t"), Validators.NONE))
            .kind());
    status = 410;
    assertInstanceOf(OriginResponse.NotFound.class, assertDoesNotThrowGet());
  }

  private OriginResponse assertDoesNotThrowGet() {
    try {
      return client(1024).get(ItemId.of("t"), Validators.NONE);
    } catch (OriginException e) {
      throw new AssertionError(e.getMessage());
    }
  }

  @Test
  void aBodyOverTheLimitOrNotInItsCharsetIsRefused() {
    body = "x".repeat(2048);
    assertEquals(
        OriginException.Kind.TOO_LARGE,
        assertThrows(
                OriginException.class, () -> client(1024).get(ItemId.of("big"), Validators.NONE))
            .kind());
    body = "caf\u00e9";
    contentType = "text/plain; charset=utf-8";
    assertEquals(
        OriginException.Kind.REJECTED,
        assertThrows(
                OriginException.class, () -> client(1024).get(ItemId.of("latin"), Validators.NONE))
            .kind(),
        "a Latin-1 byte is not UTF-8");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/items", "https://api.example.com/items?id={id}",
            "ftp://api.example.com/{id}",
        "https://{id}.example.com/items", "/items/{id}", "https://api.example.com/{id}/{id}"
      })
  void templatesThatLetTheIdEscapeThePathAreRefused(String template) {
    assertThrows(
        InvalidSettingException.class,
        () -> new OriginClient(template, Duration.ofSeconds(1), Duration.ofSeconds(1), 10));
  }

  /** Headers at once, then one byte every 200 ms: the read timeout must cover the body too. */
  @Test
  void aSlowDripBodyFailsWithinTheReadTimeoutNotTheFunctionTimeout() throws Exception {
    server.createContext(
        "/drip/",
        exchange -> {
          try (exchange) {
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < 100; i++) {
              out.write('x');
              out.flush();
              Thread.sleep(200);
            }
          } catch (InterruptedException | IOException e) {
            // The client hung up, which is what the test wants.
          }
        });
    OriginClient origin =
        new OriginClient(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/drip/{id}",
            Duration.ofMillis(500),
            Duration.ofMillis(1000),
            1024);
    long start = System.nanoTime();

    OriginException e =
        assertThrows(OriginException.class, () -> origin.get(ItemId.of("15"), Validators.NONE));

    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(OriginException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.getMessage().contains("whole response"), e.getMessage());
    assertTrue(
        tookMillis < 5_000,
        "gave up after " + tookMillis + " ms, not after the 20 s the drip takes");
  }

  /** An endless body with no Content-Length is cut at the limit, not read to the end. */
  @Test
  void anEndlessBodyIsCutAtTheLimit() throws Exception {
    server.createContext(
        "/endless/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            byte[] block = new byte[8192];
            for (int i = 0; i < 100_000; i++) {
              out.write(block);
            }
          } catch (IOException e) {
            // The client hung up after the limit.
          }
        });
    OriginClient origin =
        new OriginClient(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/endless/{id}",
            Duration.ofMillis(500),
            Duration.ofMillis(5000),
            1024);

    OriginException e =
        assertThrows(OriginException.class, () -> origin.get(ItemId.of("15"), Validators.NONE));

    assertEquals(OriginException.Kind.TOO_LARGE, e.kind());
  }
}
