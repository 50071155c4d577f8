package dev.warmcache.http;

import dev.warmcache.client.CachedValue;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP response of the front.
 *
 * @param status the status code
 * @param headers in the order they are sent
 * @param body empty for {@code HEAD}, 304 and every status without content
 * @param served the value the response is about (200, 304 and a negative entry's 404), for the
 *     host's logs and metrics
 */
public record HttpResponse(
    int status, Map<String, String> headers, byte[] body, Optional<CachedValue> served) {

  public HttpResponse {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A header's value (exact name), or {@code null}. */
  public String header(String name) {
    return headers.get(name);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
