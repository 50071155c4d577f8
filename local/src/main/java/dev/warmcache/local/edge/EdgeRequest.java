package dev.warmcache.local.edge;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request that reached the edge port, already read in full.
 *
 * @param headers header names are case-insensitive, as in HTTP
 */
public record EdgeRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {

  public EdgeRequest {
    TreeMap<String, List<String>> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(headers);
    headers = caseless;
    rawQuery = rawQuery == null ? "" : rawQuery;
  }

  /** The first value of a header, or {@code null}. */
  public String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** A query parameter, percent-decoded, or {@code null}. */
  public String query(String name) {
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (java.net.URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
        return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
