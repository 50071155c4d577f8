package dev.warmcache.local.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reader's function URL on the twin, driven by curl exactly as the README shows it: statuses,
 * cache headers, validators, problem documents, and what a hostile caller gets.
 */
class FunctionUrlOverCurlTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Twin twin;
  static Fleet fleet;
  static String url;
  static final AtomicInteger httpInvocations = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Curl.assumeInstalled();
    twin = Twin.start(TwinOptions.builder().port(0).seed(false).build());
    fleet = new Fleet(twin);
    url = twin.functionUrl(Twin.READER).toString();
    twin.lambda()
        .addListener(
            (function, request, result) -> {
              if (function.equals(Twin.READER)
                  && new String(request, java.nio.charset.StandardCharsets.UTF_8)
                      .startsWith("{\"version\":\"2.0\"")) {
                httpInvocations.incrementAndGet();
              }
            });
  }

  @AfterAll
  static void stop() {
    if (fleet != null) fleet.close();
    if (twin != null) twin.close();
  }

  @AfterEach
  void available() {
    twin.lambda().setAvailable(Twin.READER, true);
  }

  private static void seed(String id, long version) {
    long now = System.currentTimeMillis();
    fleet.seed(id, version, now - 20_000, now / 1000 + 3_600);
  }

  @Test
  void aValueComesWithItsValidatorsAndLifetimesAndThenFromMemory() throws Exception {
    seed("c1", 5);

    Curl.Response first = Curl.run(url + "/items/c1");
    Curl.Response second = Curl.run(url + "/items/c1");

    assertEquals(200, first.status());
    assertEquals("{\"id\":\"c1\",\"v\":5}", first.body());
    assertEquals("application/json", first.header("Content-Type"));
    assertEquals("\"5\"", first.header("ETag"));
    assertTrue(first.header("Last-Modified").endsWith(" GMT"), first.headers().toString());
    assertTrue(Long.parseLong(first.header("Age")) >= 20, first.headers().toString());
    assertTrue(
        first
            .header("Cache-Control")
            .matches(
                "public, max-age=\\d+, s-maxage=\\d+, stale-while-revalidate=\\d+, stale-if-error=\\d+"),
        first.header("Cache-Control"));
    assertEquals("Hit from warmcache", first.header("X-Cache"));
    assertEquals("dynamodb", first.header("X-Warmcache-Source"));
    assertEquals("memory", second.header("X-Warmcache-Source"));
  }

  @Test
  void aRevalidationIsNotModifiedAndHeadHasNoBody() throws Exception {
    seed("c2", 9);

    Curl.Response notModified = Curl.run(url + "/items/c2", "-H", "If-None-Match: \"9\"");
    Curl.Response since =
        Curl.run(url + "/items/c2", "-H", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT");
    Curl.Response head = Curl.run(url + "/items/c2", "-I");

    assertEquals(304, notModified.status());
    assertEquals("", notModified.body());
    assertEquals("\"9\"", notModified.header("ETag"));
    assertEquals(304, since.status());
    assertEquals(200, head.status());
    assertEquals("\"9\"", head.header("ETag"));
    assertEquals("", head.body());
  }

  @Test
  void anIdTheOriginDoesNotKnowIsA404ThatCachesMayKeep() throws Exception {
    Curl.Response missing = Curl.run(url + "/items/no-such-demo-id");

    assertEquals(404, missing.status());
    assertEquals("application/problem+json", missing.header("Content-Type"));
    assertEquals("Miss from warmcache", missing.header("X-Cache"));
    assertEquals("origin", missing.header("X-Warmcache-Source"));
    assertTrue(missing.header("Cache-Control").startsWith("public, max-age="));
    assertEquals(
        "urn:warmcache:problem:not-found-at-origin", problem(missing).get("type").asText());
  }

  @Test
  void badRequestsGetTypedProblemsWithoutAnythingInternal() throws Exception {
    Curl.Response badId = Curl.run(url + "/items/a%20b");
    Curl.Response post = Curl.run(url + "/items/1", "-X", "POST", "-d", "{\"value\":\"evil\"}");
    Curl.Response route = Curl.run(url + "/set-cache?key=1&value=evil");
    Curl.Response console = Curl.run(url + "/console/api/snapshot");
    Curl.Response longUri = Curl.run(url + "/items/" + "a".repeat(3000));

    assertEquals(400, badId.status());
    assertEquals(405, post.status());
    assertEquals("GET, HEAD", post.header("Allow"));
    assertEquals(404, route.status());
    assertEquals(404, console.status(), "the function owns every path of its URL");
    assertEquals(414, longUri.status());
    for (Curl.Response r : java.util.List.of(badId, post, route, console, longUri)) {
      assertEquals("application/problem+json", r.header("Content-Type"), r.body());
      assertEquals("no-store", r.header("Cache-Control"));
      assertFalse(r.body().contains("Exception"), r.body());
      assertFalse(r.body().contains("dev.warmcache"), r.body());
    }
  }

  @Test
  void anUnavailableFunctionIsA503AndServesAgainWhenBack() throws Exception {
    seed("c3", 2);
    twin.lambda().setAvailable(Twin.READER, false);

    Curl.Response down = Curl.run(url + "/items/c3");
    twin.lambda().setAvailable(Twin.READER, true);
    Curl.Response back = Curl.run(url + "/items/c3");

    assertEquals(503, down.status());
    assertEquals(200, back.status());
  }

  @Test
  void theTwinControlFailsAFunctionOverHttpToo() throws Exception {
    String control = twin.endpoint() + "/_twin/functions/" + Twin.READER;

    Curl.Response off =
        Curl.run(
            control,
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"available\":false}");
    Curl.Response form = Curl.run(control, "-X", "POST", "-d", "available=true");
    Curl.Response on =
        Curl.run(
            control,
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"available\":true}");

    assertEquals(200, off.status());
    assertFalse(JSON.readTree(off.body()).get("available").asBoolean());
    assertEquals(415, form.status(), "a page's simple form post cannot reach a twin control");
    assertTrue(JSON.readTree(on.body()).get("available").asBoolean());
  }

  @Test
  void onlyTheTwinsOwnLoopbackNamesAreServed() throws Exception {
    String port = Integer.toString(twin.endpoint().getPort());
    Curl.Response rebound =
        Curl.run(
            "http://warmcache-reader.lambda-url.localhost.evil.example:" + port + "/items/1",
            "--resolve",
            "warmcache-reader.lambda-url.localhost.evil.example:" + port + ":127.0.0.1");
    Curl.Response nested =
        Curl.run("http://a.warmcache-reader.lambda-url.localhost:" + port + "/items/1");
    Curl.Response crossOrigin = Curl.run(url + "/items/1", "-H", "Origin: http://evil.example");
    Curl.Response unknown = Curl.run("http://nobody.lambda-url.localhost:" + port + "/items/1");
    // A page served by the function URL may not drive the twin's own endpoints.
    Curl.Response fromUrlPage =
        Curl.run(
            twin.endpoint() + "/console/api/force-refresh",
            "-X",
            "POST",
            "-H",
            "Origin: " + url,
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"id\":\"1\"}");
    int before = httpInvocations.get();

    assertEquals(403, rebound.status());
    assertEquals(403, nested.status());
    assertEquals(403, crossOrigin.status());
    assertEquals(404, unknown.status());
    assertEquals(403, fromUrlPage.status());
    assertEquals(before, httpInvocations.get(), "none of them reached the function");
  }

  @Test
  void theConsoleShowsAnItemsHttpAnswer() throws Exception {
    seed("c5", 11);

    Curl.Response shown = Curl.run(twin.endpoint() + "/console/api/http?id=c5");
    Curl.Response bad = Curl.run(twin.endpoint() + "/console/api/http?id=a%20b");

    assertEquals(200, shown.status());
    JsonNode answer = JSON.readTree(shown.body());
    assertEquals(url, answer.get("url").asText());
    assertEquals(200, answer.get("status").asInt());
    assertEquals("\"11\"", answer.get("headers").get("ETag").asText());
    assertTrue(answer.get("headers").get("Cache-Control").asText().startsWith("public, max-age="));
    assertEquals(400, bad.status());
  }

  private static JsonNode problem(Curl.Response r) throws Exception {
    return JSON.readTree(r.body());
  }
}
