package dev.warmcache.origin;

import dev.warmcache.id.ItemId;
import dev.warmcache.settings.InvalidSettingException;
import dev.warmcache.settings.OriginTemplate;
import dev.warmcache.settings.Settings;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** GETs one item from the origin. Thread-safe; build one per function instance and reuse it. */
public final class OriginClient {

  private static final String PLACEHOLDER = OriginTemplate.PLACEHOLDER;

  private final String prefix;
  private final String suffix;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final int maxBodyBytes;
  private final HttpClient http;

  /**
   * @param urlTemplate an absolute http(s) URL with exactly one {@code {id}} in its path
   * @param maxBodyBytes bodies larger than this are refused with {@link
   *     OriginException.Kind#TOO_LARGE}
   */
  public OriginClient(
      String urlTemplate, Duration connectTimeout, Duration readTimeout, int maxBodyBytes) {
    OriginTemplate.check(urlTemplate, "ORIGIN_URL_TEMPLATE");
    int at = urlTemplate.indexOf(PLACEHOLDER);
    this.prefix = urlTemplate.substring(0, at);
    this.suffix = urlTemplate.substring(at + PLACEHOLDER.length());
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.maxBodyBytes = maxBodyBytes;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * From {@code ORIGIN_URL_TEMPLATE}, {@code ORIGIN_CONNECT_TIMEOUT_MS}, {@code
   * ORIGIN_READ_TIMEOUT_MS}, {@code MAX_VALUE_BYTES}.
   */
  public static OriginClient from(Settings settings) {
    String template =
        settings
            .originUrlTemplate()
            .orElseThrow(
                () ->
                    new InvalidSettingException(
                        "ORIGIN_URL_TEMPLATE is required, e.g. https://api.example.com/items/{id}"));
    return new OriginClient(
        template,
        settings.originConnectTimeout(),
        settings.originReadTimeout(),
        settings.maxValueBytes());
  }

  /** The URL for {@code id}: the id becomes exactly one percent-encoded path segment. */
  public URI urlFor(ItemId id) {
    return URI.create(prefix + encodeSegment(id.value()) + suffix);
  }

  /**
   * Encodes everything but RFC 3986 unreserved characters, and the dots of a {@code .} or {@code
   * ..} segment too, so that no id can climb the path.
   */
  static String encodeSegment(String value) {
    if (value.equals(".") || value.equals("..")) {
      return value.replace(".", "%2E");
    }
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * GETs {@code id}. The connection must open within the connect timeout and then the whole
   * response, headers and body, must arrive within the read timeout: an origin that sends its
   * headers and then drips the body fails as {@link OriginException.Kind#UNAVAILABLE} instead of
   * holding the function until Lambda's own timeout.
   */
  public OriginResponse get(ItemId id, Validators validators) throws OriginException {
    URI url = urlFor(id);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url)
            .GET()
            .timeout(readTimeout)
            .header("Accept", "application/json, text/plain;q=0.9, */*;q=0.8");
    if (validators.etag() != null) {
      request.header("If-None-Match", validators.etag());
    }
    if (validators.lastModified() != null) {
      request.header("If-Modified-Since", validators.lastModified());
    }
    CompletableFuture<HttpResponse<BoundedBody.Bytes>> exchange =
        http.sendAsync(request.build(), info -> BoundedBody.of(info, maxBodyBytes));
    HttpResponse<BoundedBody.Bytes> response;
    try {
      response = exchange.get(connectTimeout.plus(readTimeout).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new OriginException(
          OriginException.Kind.UNAVAILABLE,
          "origin did not send its whole response within "
              + readTimeout.toMillis()
              + " ms for "
              + url);
    } catch (ExecutionException e) {
      throw failure(e.getCause(), url);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new OriginException(
          OriginException.Kind.UNAVAILABLE, "interrupted while fetching " + url);
    }
    int status = response.statusCode();
    if (status == 200) {
      return fetched(response, url);
    }
    if (status == 304) {
      return new OriginResponse.NotModified();
    }
    if (status == 404 || status == 410) {
      return new OriginResponse.NotFound(status);
    }
    if (status >= 500 || status == 408 || status == 429) {
      throw new OriginException(
          OriginException.Kind.UNAVAILABLE, "origin answered " + status + " for " + url);
    }
    if (status >= 300 && status < 400) {
      throw new OriginException(
          OriginException.Kind.REJECTED,
          "origin answered " + status + " (redirects are not followed) for " + url);
    }
    throw new OriginException(
        OriginException.Kind.REJECTED, "origin answered " + status + " for " + url);
  }

  private OriginException failure(Throwable cause, URI url) {
    if (cause instanceof HttpConnectTimeoutException) {
      return new OriginException(
          OriginException.Kind.UNAVAILABLE, "origin connect timed out for " + url);
    }
    if (cause instanceof HttpTimeoutException) {
      return new OriginException(
          OriginException.Kind.UNAVAILABLE,
          "origin did not answer within " + readTimeout.toMillis() + " ms for " + url);
    }
    if (cause instanceof ConnectException) {
      return new OriginException(
          OriginException.Kind.UNAVAILABLE, "origin refused the connection for " + url);
    }
    return new OriginException(
        OriginException.Kind.UNAVAILABLE,
        "origin I/O failed for "
            + url
            + ": "
            + (cause == null ? "unknown" : cause.getClass().getSimpleName()));
  }

  private OriginResponse fetched(HttpResponse<BoundedBody.Bytes> response, URI url)
      throws OriginException {
    BoundedBody.Bytes body = response.body();
    if (body.truncated()) {
      long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      throw new OriginException(
          OriginException.Kind.TOO_LARGE,
          "origin body "
              + (declared > 0 ? "of " + declared + " bytes " : "")
              + "exceeds MAX_VALUE_BYTES="
              + maxBodyBytes
              + " for "
              + url);
    }
    String contentType = response.headers().firstValue("Content-Type").orElse(null);
    return new OriginResponse.Fetched(
        decode(body.bytes(), contentType, url),
        contentType,
        response.headers().firstValue("ETag").orElse(null),
        response.headers().firstValue("Last-Modified").orElse(null));
  }

  /**
   * Values are stored as DynamoDB strings, so the body must be text in its declared charset (UTF-8
   * by default).
   */
  private static String decode(byte[] bytes, String contentType, URI url) throws OriginException {
    Charset charset = StandardCharsets.UTF_8;
    if (contentType != null) {
      for (String part : contentType.split(";")) {
        String p = part.trim();
        if (p.regionMatches(true, 0, "charset=", 0, 8)) {
          try {
            charset = Charset.forName(p.substring(8).replace("\"", "").trim());
          } catch (RuntimeException e) {
            throw new OriginException(
                OriginException.Kind.REJECTED, "origin declared an unknown charset for " + url);
          }
        }
      }
    }
    try {
      return charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new OriginException(
          OriginException.Kind.REJECTED,
          "origin body is not valid " + charset + " text for " + url);
    }
  }
}
