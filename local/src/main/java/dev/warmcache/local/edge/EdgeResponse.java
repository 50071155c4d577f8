package dev.warmcache.local.edge;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response a provider hands back to the edge; immutable. */
public record EdgeResponse(int status, Map<String, String> headers, byte[] body) {

  public EdgeResponse {
    // In the order given: HTTP does not care, but people reading curl -i do.
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  public static EdgeResponse of(int status, String contentType, String body) {
    return new EdgeResponse(
        status, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy with one more header. */
  public EdgeResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new EdgeResponse(status, more, body);
  }
}
