package dev.warmcache.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * An RFC 9457 problem document. {@code type} names the problem in a URN of its own (RFC 9457 3.1.1
 * allows a URI that is not dereferenced); {@code detail} is written for the caller and never holds
 * a stack, a class name or more than a clipped echo of the input.
 */
enum Problem {
  INVALID_ID(400, "Bad Request"),
  MALFORMED_REQUEST(400, "Bad Request"),
  NO_SUCH_RESOURCE(404, "Not Found"),
  NOT_FOUND_AT_ORIGIN(404, "Not Found"),
  METHOD_NOT_ALLOWED(405, "Method Not Allowed"),
  REQUEST_TOO_LARGE(413, "Content Too Large"),
  URI_TOO_LONG(414, "URI Too Long"),
  INTERNAL_ERROR(500, "Internal Server Error"),
  NOT_CACHED_YET(503, "Service Unavailable"),
  CACHE_UNAVAILABLE(503, "Service Unavailable");

  static final String CONTENT_TYPE = "application/problem+json";

  final int status;
  final String title;

  Problem(int status, String title) {
    this.status = status;
    this.title = title;
  }

  String type() {
    return "urn:warmcache:problem:" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  byte[] body(String detail) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("type", type());
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Keeps echoed input short, so a hostile request cannot flood the answer or the logs. */
  static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
