package dev.warmcache.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import dev.warmcache.local.measure.Varnish;
import dev.warmcache.local.origin.DemoOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real shared cache, Varnish, in front of the twin's function URL, standing in for CloudFront:
 * the function's headers alone decide what the cache keeps, for how long, and what it may serve
 * stale. Every count of requests reaching the function is taken at the function (the twin's
 * invocation listener), not from the cache's own statistics.
 */
class SharedCacheTest {

  static final int SHARED_MAX_AGE = 10;
  static final int COHERENCE_MS = 500;
  static final int MAX_STALE = 6;

  static Twin twin;
  static Fleet fleet;
  static Varnish varnish;
  static final AtomicInteger functionRequests = new AtomicInteger();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    String missing = Varnish.missing();
    org.junit.jupiter.api.Assumptions.assumeTrue(missing == null, missing);
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(
                    Map.of(
                        "HTTP_SHARED_MAX_AGE_SECONDS", Integer.toString(SHARED_MAX_AGE),
                        "HTTP_MAX_AGE_SECONDS", "5",
                        "COHERENCE_INTERVAL_MS", Integer.toString(COHERENCE_MS),
                        "MAX_STALE_SECONDS", Integer.toString(MAX_STALE),
                        "MISS_WAIT_MS", "1500"))
                .build());
    fleet = new Fleet(twin);
    twin.lambda()
        .addListener(
            (function, request, result) -> {
              if (function.equals(Twin.READER)
                  && new String(request, StandardCharsets.UTF_8)
                      .startsWith("{\"version\":\"2.0\"")) {
                functionRequests.incrementAndGet();
              }
            });
    varnish = Varnish.start(twin.functionUrl(Twin.READER));
  }

  @AfterAll
  static void stop() {
    if (varnish != null) varnish.close();
    if (fleet != null) fleet.close();
    if (twin != null) twin.close();
  }

  @AfterEach
  void restore() {
    twin.lambda().setAvailable(Twin.READER, true);
    DemoOrigin.Control c = twin.origin().control();
    twin.origin().control(new DemoOrigin.Control(0, 0, c.changeEveryFetch(), c.statusById()));
  }

  private static HttpResponse<String> get(String id, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(varnish.endpoint() + "/items/" + id))
            .timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void seed(String id, long version, long secondsLeft) {
    long now = System.currentTimeMillis();
    fleet.seed(id, version, now, now / 1000 + secondsLeft);
  }

  @Test
  void twoHundredRequestsWithinSMaxAgeMakeOneRequestToTheFunction() throws Exception {
    seed("s1", 3, 3_600);
    int before = functionRequests.get();
    long start = System.nanoTime();

    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(32);
    try {
      for (int i = 0; i < 200; i++) {
        answers.add(clients.submit(() -> get("s1")));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.get();
        assertEquals(200, r.statusCode());
        assertEquals("{\"id\":\"s1\",\"v\":3}", r.body());
      }
    } finally {
      clients.shutdownNow();
    }
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertTrue(elapsedMs < SHARED_MAX_AGE * 1000L, "all within s-maxage: " + elapsedMs + " ms");
    assertEquals(1, functionRequests.get() - before, "requests that reached the function");
  }

  @Test
  void aForceRefreshShowsThroughTheCacheWithinSMaxAgePlusCoherencePlusASecond() throws Exception {
    fleet.forceRefresh("5", 0, Duration.ofSeconds(30));
    long v1 = fleet.storedVersion("5");
    assertEquals("\"" + v1 + "\"", get("5").headers().firstValue("ETag").orElseThrow());

    long t0 = System.currentTimeMillis();
    fleet.forceRefresh("5", v1, Duration.ofSeconds(30));
    long v2 = fleet.storedVersion("5");
    long seenAt = 0;
    while (System.currentTimeMillis() - t0 < 20_000) {
      if (get("5").headers().firstValue("ETag").orElseThrow().equals("\"" + v2 + "\"")) {
        seenAt = System.currentTimeMillis();
        break;
      }
      Thread.sleep(100);
    }

    assertTrue(seenAt > 0, "the cache served version " + v2 + " at last");
    long bound = SHARED_MAX_AGE * 1000L + COHERENCE_MS + 1000;
    assertTrue(seenAt - t0 <= bound, "new version after " + (seenAt - t0) + " ms, bound " + bound);
  }

  @Test
  void aConditionalRequestIsAnsweredNotModifiedByTheCache() throws Exception {
    seed("s3", 4, 3_600);
    HttpResponse<String> filled = get("s3");
    int before = functionRequests.get();

    HttpResponse<String> conditional = get("s3", "If-None-Match", "\"4\"");

    assertEquals(200, filled.statusCode());
    assertEquals(304, conditional.statusCode());
    assertEquals("", conditional.body());
    assertEquals("HIT", conditional.headers().firstValue("X-Shared-Cache").orElse(""));
    assertEquals(before, functionRequests.get());
  }

  @Test
  void withTheFunctionFailingTheCacheServesTheStaleValueUntilTheStaleWindowEnds() throws Exception {
    seed("s4", 6, 2);
    HttpResponse<String> filled = get("s4");
    assertTrue(
        filled.headers().firstValue("Cache-Control").orElseThrow().contains("stale-if-error="));
    twin.lambda().setAvailable(Twin.READER, false);
    Thread.sleep(3_000);

    HttpResponse<String> stale = get("s4");
    HttpResponse<String> againStale = get("s4");
    // expiresAt (2 s) + MAX_STALE_SECONDS (6 s) has passed: warmcache itself would not serve it.
    Thread.sleep((2 + MAX_STALE + 1) * 1000L - 3_000);
    HttpResponse<String> beyond = get("s4");

    assertEquals(200, stale.statusCode());
    assertEquals(filled.body(), stale.body());
    assertEquals("\"6\"", stale.headers().firstValue("ETag").orElseThrow());
    assertTrue(Long.parseLong(stale.headers().firstValue("Age").orElseThrow()) >= 2);
    assertEquals(200, againStale.statusCode());
    assertEquals(503, beyond.statusCode(), "past the stale window the failure shows");
  }

  @Test
  void aNegativeEntryIsCachedAndA503IsNot() throws Exception {
    int before = functionRequests.get();
    HttpResponse<String> first = get("no-such-s5");
    HttpResponse<String> second = get("no-such-s5");
    int afterNegative = functionRequests.get();

    DemoOrigin.Control c = twin.origin().control();
    twin.origin().control(new DemoOrigin.Control(5_000, 0, c.changeEveryFetch(), c.statusById()));
    HttpResponse<String> pending = get("7");
    HttpResponse<String> stillPending = get("7");

    assertEquals(404, first.statusCode());
    assertEquals(404, second.statusCode());
    assertEquals(1, afterNegative - before, "the 404 was kept");
    assertEquals(503, pending.statusCode());
    assertTrue(pending.headers().firstValue("Retry-After").isPresent());
    assertEquals(503, stillPending.statusCode());
    assertEquals(2, functionRequests.get() - afterNegative, "no 503 was kept");
  }
}
