package dev.warmcache.local.lambda.url;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.HostService;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.FunctionNotFoundException;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.lambda.pool.LambdaPool;
import dev.warmcache.local.lambda.pool.LambdaServiceException;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Function URLs for the twin's functions: {@code http://<function>.lambda-url.localhost:<port>}.
 * RFC 6761 reserves {@code .localhost} for loopback, and curl and browsers resolve every name under
 * it to 127.0.0.1 without configuration, so the URL works as printed.
 *
 * <p>What Lambda does, the twin does: the request becomes a payload format 2.0 event (header names
 * lower case, repeated headers joined with commas, cookies apart, a body that is not text in
 * base64), and the function's answer becomes the HTTP response. A document with {@code statusCode}
 * is read as {@code statusCode}, {@code headers}, {@code body} and {@code isBase64Encoded}; any
 * other valid JSON is a 200 {@code application/json} with that JSON as the body. A function error
 * is a 502, a throttle a 429 and a Lambda service error (such as a function the twin was told to
 * fail) a 503, each with Lambda's {@code {"Message": ...}} body.
 *
 * <p>Where the twin differs from AWS: no auth type (the edge admits only loopback callers, where
 * AWS would check {@code AWS_IAM} signatures from CloudFront's OAC), no CORS configuration (the
 * edge refuses other web origins), and one URL per function rather than per alias.
 */
public final class FunctionUrlService implements HostService {

  public static final String HOST_SUFFIX = ".lambda-url.localhost";

  /** Lambda's synchronous payload limit, which a function URL request shares. */
  static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final LambdaPool pool;
  private final Clock clock;

  public FunctionUrlService(LambdaPool pool) {
    this(pool, Clock.systemUTC());
  }

  FunctionUrlService(LambdaPool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The URL of one function on an edge at {@code endpoint} ({@code http://127.0.0.1:4566}). */
  public static URI url(String function, URI endpoint) {
    return URI.create(
        "http://" + function.toLowerCase(Locale.ROOT) + HOST_SUFFIX + ":" + endpoint.getPort());
  }

  /**
   * The function a host label names. Host names are case-insensitive and arrive lower-cased, but
   * function names are not: {@code ProductPage} answers at {@code productpage.lambda-url...}. Two
   * functions whose names differ only in case have no URL (neither could be told apart).
   */
  private FunctionConfig byLabel(String label) {
    FunctionConfig exact = pool.function(label).orElse(null);
    if (exact != null) {
      return exact;
    }
    List<FunctionConfig> matches =
        pool.functions().stream().filter(f -> f.name().equalsIgnoreCase(label)).toList();
    return matches.size() == 1 ? matches.get(0) : null;
  }

  @Override
  public String hostSuffix() {
    return HOST_SUFFIX;
  }

  @Override
  public EdgeResponse handle(String label, EdgeRequest request) {
    FunctionConfig function = byLabel(label);
    if (function == null) {
      return message(404, "Not Found");
    }
    if (request.body().length > MAX_PAYLOAD_BYTES) {
      return message(413, "Request Entity Too Large");
    }
    byte[] event = event(label, request).toString().getBytes(StandardCharsets.UTF_8);
    InvocationResult result;
    try {
      result = pool.invoke(function.name(), event);
    } catch (FunctionNotFoundException e) {
      return message(404, "Not Found");
    } catch (LambdaServiceException e) {
      return e.statusCode() == 429
          ? message(429, "Too Many Requests")
          : message(503, "Service Unavailable");
    }
    if (result.failed()) {
      return message(502, "Internal Server Error");
    }
    return response(result.payload());
  }

  /** The payload format 2.0 event Lambda sends for {@code request}. */
  ObjectNode event(String function, EdgeRequest request) {
    String host = request.header("Host");
    long now = clock.millis();
    ObjectNode event = JSON.createObjectNode();
    // Lambda writes version first; hosts may recognise an event by it.
    event.put("version", "2.0");
    event.put("routeKey", "$default");
    event.put("rawPath", request.path());
    event.put("rawQueryString", request.rawQuery());
    ObjectNode headers = JSON.createObjectNode();
    ArrayNode cookies = null;
    for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("cookie")) {
        cookies = JSON.createArrayNode();
        for (String line : header.getValue()) {
          for (String cookie : line.split(";")) {
            if (!cookie.isBlank()) {
              cookies.add(cookie.trim());
            }
          }
        }
        continue;
      }
      headers.put(name, String.join(",", header.getValue()));
    }
    if (cookies != null) {
      event.set("cookies", cookies);
    }
    event.set("headers", headers);
    if (!request.rawQuery().isEmpty()) {
      event.set("queryStringParameters", queryParameters(request.rawQuery()));
    }
    ObjectNode context = event.putObject("requestContext");
    context.put("accountId", "anonymous");
    context.put("apiId", function);
    context.put("domainName", host == null ? function + HOST_SUFFIX : host);
    context.put("domainPrefix", function);
    ObjectNode http = context.putObject("http");
    http.put("method", request.method());
    http.put("path", request.path());
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", "127.0.0.1");
    http.put("userAgent", String.valueOf(request.header("User-Agent")));
    context.put("requestId", UUID.randomUUID().toString());
    context.put("routeKey", "$default");
    context.put("stage", "$default");
    context.put("time", TIME.format(java.time.Instant.ofEpochMilli(now)));
    context.put("timeEpoch", now);
    if (request.body().length > 0) {
      String text = utf8(request.body());
      boolean base64 = text == null || !isText(request.header("Content-Type"));
      event.put("body", base64 ? Base64.getEncoder().encodeToString(request.body()) : text);
      event.put("isBase64Encoded", base64);
    } else {
      event.put("isBase64Encoded", false);
    }
    return event;
  }

  private static ObjectNode queryParameters(String rawQuery) {
    ObjectNode parameters = JSON.createObjectNode();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      JsonNode before = parameters.get(key);
      parameters.put(key, before == null ? value : before.asText() + "," + value);
    }
    return parameters;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return s;
    }
  }

  private static boolean isText(String contentType) {
    if (contentType == null) {
      return true;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("text/")
        || type.contains("json")
        || type.contains("xml")
        || type.startsWith("application/x-www-form-urlencoded");
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The function's answer as HTTP, inferred as Lambda infers it. */
  static EdgeResponse response(byte[] payload) {
    JsonNode document;
    try {
      document = JSON.readTree(payload);
    } catch (IOException e) {
      return message(502, "Internal Server Error");
    }
    if (document == null || !document.isObject() || !document.has("statusCode")) {
      return new EdgeResponse(200, Map.of("Content-Type", "application/json"), payload);
    }
    JsonNode status = document.get("statusCode");
    if (!status.canConvertToInt() || status.asInt() < 100 || status.asInt() > 599) {
      return message(502, "Internal Server Error");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = document.path("headers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      headers.put(header.getKey(), header.getValue().asText());
    }
    JsonNode body = document.get("body");
    byte[] bytes;
    if (body == null || body.isNull()) {
      bytes = new byte[0];
    } else if (document.path("isBase64Encoded").asBoolean(false)) {
      try {
        bytes = Base64.getDecoder().decode(body.asText());
      } catch (IllegalArgumentException e) {
        return message(502, "Internal Server Error");
      }
    } else {
      bytes = body.asText().getBytes(StandardCharsets.UTF_8);
    }
    return new EdgeResponse(status.asInt(), headers, bytes);
  }

  private static EdgeResponse message(int status, String message) {
    return new EdgeResponse(
        status,
        Map.of("Content-Type", "application/json"),
        ("{\"Message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
