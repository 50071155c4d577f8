package dev.warmcache.http;

import dev.warmcache.client.CacheUnavailableException;
import dev.warmcache.client.CachedValue;
import dev.warmcache.client.InvalidKeyException;
import dev.warmcache.client.NotCachedException;
import dev.warmcache.client.Source;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET} and {@code HEAD} of {@code /items/{id}} through the client, in HTTP's caching
 * vocabulary. Nothing a request carries is stored: the path names a key, and the validators choose
 * between 200 and 304; a URL, a value or a lifetime has no way in.
 *
 * <pre>{@code
 * HttpFront front = new HttpFront(Warmcache.fromEnvironment(), Settings.from(System.getenv()),
 *     Clock.systemUTC());
 * HttpResponse r = front.respond(HttpRequest.of("GET", "/items/15", Map.of()));
 * r.status();                 // 200
 * r.header("ETag");           // "1796559711335"
 * r.header("Cache-Control");  // public, max-age=47, s-maxage=77, stale-while-revalidate=498, ...
 * }</pre>
 *
 * Statuses: 200, 304, 404 (no such resource, or the origin's negative entry, cacheable for its
 * remaining life), 400 (bad id), 405 (other methods, with {@code Allow}), 413/414 (oversize
 * requests), 503 with {@code Retry-After} (nothing landed within {@code MISS_WAIT_MS}, or the table
 * could not be read). Every error body is {@code application/problem+json}. See docs/http.md.
 */
public final class HttpFront {

  /** The one resource: {@code /items/{id}}, the id percent-encoded into one path segment. */
  public static final String ITEMS = "/items/";

  /** The longest path and query accepted; an id is at most 128 characters. */
  public static final int MAX_URI_BYTES = 2048;

  /** A read carries no body; a few bytes are tolerated, more is not a read. */
  public static final int MAX_BODY_BYTES = 1024;

  static final String ALLOW = "GET, HEAD";

  private final dev.warmcache.client.Warmcache cache;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration sharedMaxAge;
  private final Duration maxStale;
  private final String retryAfter;

  public HttpFront(dev.warmcache.client.Warmcache cache, Settings settings, Clock clock) {
    this.cache = cache;
    this.clock = clock;
    this.maxAge = settings.httpMaxAge();
    this.sharedMaxAge = settings.httpSharedMaxAge();
    this.maxStale = settings.maxStale();
    // A miss that did not land within the wait usually lands within another one.
    this.retryAfter = Long.toString(Math.max(1, (settings.missWait().toMillis() + 999) / 1000));
  }

  /** Answers one request; never throws for anything a caller can send. */
  public HttpResponse respond(HttpRequest request) {
    if (request.rawPath().length() + request.rawQuery().length() > MAX_URI_BYTES) {
      return problem(
          Problem.URI_TOO_LONG, "the path and query may be at most " + MAX_URI_BYTES + " bytes");
    }
    if (request.bodyBytes() > MAX_BODY_BYTES) {
      return problem(
          Problem.REQUEST_TOO_LARGE,
          "a read carries no body; this one had " + request.bodyBytes() + " bytes");
    }
    if (!request.rawPath().startsWith(ITEMS)
        || request.rawPath().indexOf('/', ITEMS.length()) >= 0
        || request.rawPath().length() == ITEMS.length()) {
      return problem(
          Problem.NO_SUCH_RESOURCE, "the only resource is " + ITEMS + "{id}, e.g. " + ITEMS + "15");
    }
    boolean head = request.method().equals("HEAD");
    if (!head && !request.method().equals("GET")) {
      HttpResponse refused =
          problem(
              Problem.METHOD_NOT_ALLOWED,
              "items are read with GET or HEAD; nothing can be written through HTTP");
      Map<String, String> headers = new LinkedHashMap<>(refused.headers());
      headers.put("Allow", ALLOW);
      return new HttpResponse(refused.status(), headers, refused.body(), Optional.empty());
    }
    String id = decode(request.rawPath().substring(ITEMS.length()));
    if (id == null) {
      return problem(Problem.INVALID_ID, "the id segment is not valid percent-encoded UTF-8");
    }
    CachedValue value;
    try {
      value = cache.get(id);
    } catch (InvalidKeyException e) {
      return problem(Problem.INVALID_ID, e.getMessage());
    } catch (NotCachedException e) {
      return unavailable(Problem.NOT_CACHED_YET, e.getMessage());
    } catch (CacheUnavailableException e) {
      return unavailable(
          Problem.CACHE_UNAVAILABLE, "the cache could not be read just now; retry shortly");
    }
    return render(request, value);
  }

  /**
   * The response to {@code request} for a value already read: what {@link #respond} answers once
   * the client returned it. Hosts use it to warm the path before a SnapStart snapshot without
   * reading anything.
   */
  public HttpResponse render(HttpRequest request, CachedValue value) {
    boolean head = request.method().equals("HEAD");
    Lifetimes lifetimes = Lifetimes.of(value, clock.instant(), maxAge, sharedMaxAge, maxStale);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", lifetimes.cacheControl());
    headers.put("Age", Long.toString(lifetimes.age()));
    headers.put(
        "X-Cache", value.source() == Source.ORIGIN ? "Miss from warmcache" : "Hit from warmcache");
    headers.put("X-Warmcache-Source", value.source().wire());
    if (value.notFound()) {
      headers.put("Content-Type", Problem.CONTENT_TYPE);
      byte[] body =
          head
              ? new byte[0]
              : Problem.NOT_FOUND_AT_ORIGIN.body(
                  "the origin has no item " + Problem.clip(value.id()));
      return new HttpResponse(404, headers, body, Optional.of(value));
    }
    headers.put("ETag", Validators.etag(value));
    headers.put("Last-Modified", Validators.lastModified(value));
    if (Validators.notModified(request, value)) {
      return new HttpResponse(304, headers, new byte[0], Optional.of(value));
    }
    headers.put("Content-Type", contentType(value));
    byte[] body = head ? new byte[0] : value.value().getBytes(StandardCharsets.UTF_8);
    return new HttpResponse(200, headers, body, Optional.of(value));
  }

  private static String contentType(CachedValue value) {
    String stored = value.contentType();
    if (stored != null && !stored.isBlank()) {
      return stored;
    }
    return value.isJson() ? "application/json" : "text/plain; charset=utf-8";
  }

  private HttpResponse unavailable(Problem problem, String detail) {
    HttpResponse response = problem(problem, detail);
    Map<String, String> headers = new LinkedHashMap<>(response.headers());
    headers.put("Retry-After", retryAfter);
    return new HttpResponse(response.status(), headers, response.body(), Optional.empty());
  }

  /** Errors are never stored: a cache that kept a 503 would keep answering it after recovery. */
  static HttpResponse problem(Problem problem, String detail) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", Problem.CONTENT_TYPE);
    headers.put("Cache-Control", "no-store");
    return new HttpResponse(problem.status, headers, problem.body(detail), Optional.empty());
  }

  /**
   * Strict percent-decoding of one path segment: {@code %XX} pairs only, the result valid UTF-8;
   * {@code +} stays {@code +}, as in a path. Returns {@code null} for anything else.
   */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        if (c > 0x7f) {
          return null;
        }
        bytes.write(c);
        continue;
      }
      if (i + 2 >= segment.length()) {
        return null;
      }
      int hi = Character.digit(segment.charAt(i + 1), 16);
      int lo = Character.digit(segment.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }
}
