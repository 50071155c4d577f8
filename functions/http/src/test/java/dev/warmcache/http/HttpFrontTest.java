package dev.warmcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.client.Warmcache;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.json.Json;
import dev.warmcache.settings.Settings;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The front against DynamoDB Local through the real client, with the clock fixed so that every
 * lifetime is an exact number.
 */
class HttpFrontTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  /** Whole seconds, so that fetchedAt, expiresAt and now compare exactly. */
  private static final Instant NOW = Instant.ofEpochSecond(Instant.now().getEpochSecond());

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private final RecordingEventPublisher events = new RecordingEventPublisher();
  private ItemStore store;

  @BeforeEach
  void clean() {
    DYNAMODB.clear();
    store = new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE);
  }

  private HttpFront front(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(DYNAMODB.env());
    all.put("HTTP_MAX_AGE_SECONDS", "30");
    all.put("HTTP_SHARED_MAX_AGE_SECONDS", "60");
    all.put("MAX_STALE_SECONDS", "300");
    all.put("MISS_WAIT_MS", "0");
    all.putAll(settings);
    Warmcache cache =
        Warmcache.builder()
            .settings(all)
            .dynamoDbClient(DYNAMODB.client())
            .eventPublisher(events)
            .clock(CLOCK)
            .build();
    return new HttpFront(cache, Settings.from(all), CLOCK);
  }

  private HttpFront front() {
    return front(Map.of());
  }

  /** A value fetched {@code age} seconds ago that expires {@code remaining} seconds from now. */
  private void store(String id, long version, long age, long remaining) {
    store.put(
        Item.builder(ItemId.of(id))
            .value("{\"name\":\"" + id + "\"}")
            .contentType("application/json")
            .version(version)
            .fetchedAtMillis(NOW.minusSeconds(age).toEpochMilli())
            .expiresAtEpochSeconds(NOW.getEpochSecond() + remaining)
            .build());
  }

  private static HttpResponse get(HttpFront front, String path, Map<String, String> headers) {
    return front.respond(HttpRequest.of("GET", path, headers));
  }

  @Test
  void aFreshValueCarriesItsValidatorsAndLifetimesCappedFromNow() {
    store("15", 7, 100, 3600);
    HttpFront front = front();

    HttpResponse first = get(front, "/items/15", Map.of());
    HttpResponse second = get(front, "/items/15", Map.of());

    assertEquals(200, first.status());
    assertEquals("{\"name\":\"15\"}", first.bodyText());
    assertEquals("application/json", first.header("Content-Type"));
    assertEquals("\"7\"", first.header("ETag"));
    assertEquals(Validators.httpDate(NOW.minusSeconds(100)), first.header("Last-Modified"));
    assertEquals("100", first.header("Age"));
    // Fresh for 30 s (browser) and 60 s (shared) from now; stale use ends at expiresAt + 300.
    long window = 3600 + 300 - 60;
    assertEquals(
        "public, max-age=130, s-maxage=160, stale-while-revalidate="
            + window
            + ", stale-if-error="
            + window,
        first.header("Cache-Control"));
    assertEquals("Hit from warmcache", first.header("X-Cache"));
    assertEquals("dynamodb", first.header("X-Warmcache-Source"));
    assertEquals("memory", second.header("X-Warmcache-Source"));
    assertEquals(first.header("Cache-Control"), second.header("Cache-Control"));
  }

  @Test
  void noLifetimeReachesPastExpiresAt() {
    store("15", 7, 10, 12);

    HttpResponse r = get(front(), "/items/15", Map.of());

    // 12 s of freshness left: both caps give way to it.
    assertEquals(
        "public, max-age=22, s-maxage=22, stale-while-revalidate=300, stale-if-error=300",
        r.header("Cache-Control"));
    assertEquals("10", r.header("Age"));
  }

  @Test
  void aStaleValueHasNoFreshnessAndNoMustRevalidateButAStaleWindowUntilMaxStale() {
    store("15", 7, 400, -100);

    HttpResponse r = get(front(), "/items/15", Map.of());

    assertEquals(200, r.status());
    assertEquals("400", r.header("Age"));
    // A cache counts staleness from the fetch (Age 400); warmcache serves it 200 s more.
    assertEquals(
        "public, max-age=0, s-maxage=0, stale-while-revalidate=600, stale-if-error=600",
        r.header("Cache-Control"));
    assertFalse(r.header("Cache-Control").contains("must-revalidate"));
    assertEquals(1, events.events().size(), "the stale read asked for a refresh");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"7\"", "W/\"7\"", "\"3\", \"7\"", "*"})
  void aMatchingIfNoneMatchIsNotModified(String ifNoneMatch) {
    store("15", 7, 100, 3600);

    HttpResponse r = get(front(), "/items/15", Map.of("If-None-Match", ifNoneMatch));

    assertEquals(304, r.status());
    assertEquals(0, r.body().length);
    assertEquals("\"7\"", r.header("ETag"));
    assertTrue(r.header("Cache-Control").startsWith("public, max-age=130"));
    assertNull(r.header("Content-Type"));
  }

  @Test
  void anotherVersionsEtagGetsTheValue() {
    store("15", 8, 100, 3600);

    HttpResponse r = get(front(), "/items/15", Map.of("If-None-Match", "\"7\""));

    assertEquals(200, r.status());
    assertEquals("\"8\"", r.header("ETag"));
  }

  @ParameterizedTest
  @CsvSource({"0,304", "50,304", "101,200"})
  void ifModifiedSinceIsNotModifiedUnlessOlderThanTheFetch(long secondsAgo, int status) {
    store("15", 7, 100, 3600);

    HttpResponse r =
        get(
            front(),
            "/items/15",
            Map.of("If-Modified-Since", Validators.httpDate(NOW.minusSeconds(secondsAgo))));

    assertEquals(status, r.status());
  }

  @Test
  void ifNoneMatchDecidesOverIfModifiedSinceAndABadDateIsIgnored() {
    store("15", 7, 100, 3600);
    HttpFront front = front();

    assertEquals(
        200,
        get(
                front,
                "/items/15",
                Map.of("If-None-Match", "\"6\"", "If-Modified-Since", Validators.httpDate(NOW)))
            .status());
    assertEquals(200, get(front, "/items/15", Map.of("If-Modified-Since", "yesterday")).status());
  }

  @Test
  void headHasTheHeadersOfGetAndNoBody() {
    store("15", 7, 100, 3600);
    HttpFront front = front();

    HttpResponse head = front.respond(HttpRequest.of("HEAD", "/items/15", Map.of()));
    HttpResponse get = get(front, "/items/15", Map.of());

    assertEquals(200, head.status());
    assertEquals(0, head.body().length);
    assertEquals(get.header("ETag"), head.header("ETag"));
    assertEquals(get.header("Cache-Control"), head.header("Cache-Control"));
    assertEquals(get.header("Content-Type"), head.header("Content-Type"));
  }

  @Test
  void aNegativeEntryIsA404CacheableForItsRemainingLife() {
    store.put(
        Item.builder(ItemId.of("gone"))
            .notFound(true)
            .version(3)
            .fetchedAtMillis(NOW.minusSeconds(5).toEpochMilli())
            .expiresAtEpochSeconds(NOW.getEpochSecond() + 20)
            .build());

    HttpResponse r = get(front(), "/items/gone", Map.of());

    assertEquals(404, r.status());
    assertEquals(Problem.CONTENT_TYPE, r.header("Content-Type"));
    assertEquals(
        "public, max-age=25, s-maxage=25, stale-while-revalidate=300, stale-if-error=300",
        r.header("Cache-Control"));
    JsonNode problem = problem(r);
    assertEquals("urn:warmcache:problem:not-found-at-origin", problem.get("type").asText());
    assertEquals(404, problem.get("status").asInt());
  }

  @Test
  void nothingLandingWithinTheWaitIsA503WithRetryAfterThatNoCacheKeeps() {
    HttpResponse r = get(front(Map.of("MISS_WAIT_MS", "1500")), "/items/absent", Map.of());

    assertEquals(503, r.status());
    assertEquals("2", r.header("Retry-After"));
    assertEquals("no-store", r.header("Cache-Control"));
    assertEquals("urn:warmcache:problem:not-cached-yet", problem(r).get("type").asText());
    assertEquals(1, events.events().size());
  }

  @ParameterizedTest
  @CsvSource({
    "GET,/items/a%20b,400,invalid-id",
    "GET,/items/%zz,400,invalid-id",
    "GET,/items/%C3%28,400,invalid-id",
    "GET,/items/15/more,404,no-such-resource",
    "GET,/items/,404,no-such-resource",
    "GET,/,404,no-such-resource",
    "GET,/set-cache,404,no-such-resource",
    "POST,/items/15,405,method-not-allowed",
    "PUT,/items/15,405,method-not-allowed",
    "DELETE,/items/15,405,method-not-allowed",
    "OPTIONS,/items/15,405,method-not-allowed"
  })
  void badRequestsGetTypedProblemsThatNoCacheKeeps(
      String method, String path, int status, String type) {
    HttpResponse r = front().respond(HttpRequest.of(method, path, Map.of()));

    assertEquals(status, r.status());
    assertEquals("no-store", r.header("Cache-Control"));
    assertEquals(Problem.CONTENT_TYPE, r.header("Content-Type"));
    JsonNode problem = problem(r);
    assertEquals("urn:warmcache:problem:" + type, problem.get("type").asText());
    assertEquals(status, problem.get("status").asInt());
    assertFalse(r.bodyText().contains("Exception"), r.bodyText());
    assertFalse(r.bodyText().contains("dev.warmcache"), r.bodyText());
    if (status == 405) {
      assertEquals("GET, HEAD", r.header("Allow"));
    }
    assertTrue(events.events().isEmpty(), "no bad request reaches the refresh path");
  }

  @Test
  void aLongIdIsRefusedAsAnIdAndAnOversizeRequestAsTooLarge() {
    HttpFront front = front();

    assertEquals(400, get(front, "/items/" + "a".repeat(129), Map.of()).status());
    assertEquals(
        414, get(front, "/items/" + "a".repeat(HttpFront.MAX_URI_BYTES), Map.of()).status());
    HttpResponse withBody = front.respond(new HttpRequest("GET", "/items/15", "", Map.of(), 1025));
    assertEquals(413, withBody.status());
  }

  @Test
  void aQueryStringStoresNothingAndChangesNothing() {
    store("15", 7, 100, 3600);
    HttpFront front = front();

    HttpResponse r =
        front.respond(
            new HttpRequest(
                "GET",
                "/items/15",
                "origin_url=http%3A%2F%2F169.254.169.254%2F&value=x&cdnTTL=99999",
                Map.of(),
                0));

    assertEquals(200, r.status());
    assertEquals("{\"name\":\"15\"}", r.bodyText());
    assertTrue(r.header("Cache-Control").startsWith("public, max-age=130, s-maxage=160"));
    assertTrue(events.events().isEmpty());
  }

  private static JsonNode problem(HttpResponse r) {
    try {
      return Json.MAPPER.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError(r.bodyText(), e);
    }
  }
}
