package dev.warmcache.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as the front sees it.
 *
 * @param method the method, upper case as sent
 * @param rawPath the path as sent, still percent-encoded
 * @param rawQuery the query string without {@code ?}, empty when there is none
 * @param headers header names are case-insensitive; repeated headers are joined with commas, as the
 *     function URL event joins them
 * @param bodyBytes the size of the request body (the front reads none)
 */
public record HttpRequest(
    String method, String rawPath, String rawQuery, Map<String, String> headers, long bodyBytes) {

  public HttpRequest {
    TreeMap<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(headers);
    headers = java.util.Collections.unmodifiableMap(caseless);
    method = method.toUpperCase(Locale.ROOT);
    rawQuery = rawQuery == null ? "" : rawQuery;
  }

  /** A bodiless request, for tests and samples. */
  public static HttpRequest of(String method, String rawPath, Map<String, String> headers) {
    return new HttpRequest(method, rawPath, "", headers, 0);
  }

  /** A header's value, or {@code null}. */
  public String header(String name) {
    return headers.get(name);
  }
}
