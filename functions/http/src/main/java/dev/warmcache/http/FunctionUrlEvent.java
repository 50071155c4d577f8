package dev.warmcache.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Lambda function URL wire, payload format 2.0: the request event Lambda sends and the response
 * document it turns back into HTTP. A host that receives both function URL events and other
 * payloads tells them apart with {@link #isEvent}.
 *
 * <pre>{@code
 * {"version":"2.0","routeKey":"$default","rawPath":"/items/15","rawQueryString":"",
 *  "headers":{"if-none-match":"\"7\""},"requestContext":{"http":{"method":"GET",...},...},
 *  "isBase64Encoded":false}
 * -> {"statusCode":304,"headers":{"ETag":"\"7\"",...},"body":"","isBase64Encoded":false}
 * }</pre>
 */
public final class FunctionUrlEvent {

  /**
   * Above the largest event a read can produce (Lambda caps a synchronous payload at 6 MB, but
   * headers and an empty body stay far below this); a host reads no more than this.
   */
  public static final int MAX_EVENT_BYTES = 1024 * 1024;

  private FunctionUrlEvent() {}

  /** True for a function URL event: the payload format's {@code requestContext.http} is there. */
  public static boolean isEvent(JsonNode root) {
    return root != null
        && root.isObject()
        && root.path("version").asText("").equals("2.0")
        && root.path("requestContext").path("http").isObject()
        && root.has("rawPath");
  }

  /**
   * The request an event carries, or a 400 problem when the event is not well formed (which Lambda
   * never sends, so whoever sent it invoked the function directly).
   */
  public static HttpRequest request(JsonNode event) {
    JsonNode http = event.path("requestContext").path("http");
    String method = http.path("method").asText("");
    String rawPath = event.path("rawPath").asText("");
    if (method.isEmpty() || !rawPath.startsWith("/")) {
      throw new MalformedEventException(
          "a function URL event needs requestContext.http.method and a rawPath starting with /");
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    JsonNode sent = event.path("headers");
    for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> header = it.next();
      if (header.getValue().isTextual()) {
        headers.put(header.getKey(), header.getValue().asText());
      }
    }
    JsonNode body = event.path("body");
    long bodyBytes = 0;
    if (body.isTextual()) {
      String text = body.asText();
      bodyBytes =
          event.path("isBase64Encoded").asBoolean(false)
              ? (text.length() / 4L) * 3
              : text.getBytes(StandardCharsets.UTF_8).length;
    }
    return new HttpRequest(
        method, rawPath, event.path("rawQueryString").asText(""), headers, bodyBytes);
  }

  /** The response document for {@code response}. */
  public static void write(HttpResponse response, OutputStream out) throws IOException {
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeNumberField("statusCode", response.status());
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        g.writeStringField(header.getKey(), header.getValue());
      }
      g.writeEndObject();
      // Values are text (DynamoDB S), so the body goes as it is; base64 would cost a third more.
      g.writeStringField("body", new String(response.body(), StandardCharsets.UTF_8));
      g.writeBooleanField("isBase64Encoded", false);
      g.writeEndObject();
    }
  }

  /** The response document as bytes. */
  public static byte[] toBytes(HttpResponse response) {
    java.io.ByteArrayOutputStream out =
        new java.io.ByteArrayOutputStream(256 + response.body().length);
    try {
      write(response, out);
    } catch (IOException impossible) {
      throw new java.io.UncheckedIOException(impossible);
    }
    return out.toByteArray();
  }

  /** The 400 a host answers for an event it cannot read. */
  public static HttpResponse malformed(String detail) {
    return HttpFront.problem(Problem.MALFORMED_REQUEST, detail);
  }

  /** The 413 a host answers for an event larger than {@link #MAX_EVENT_BYTES}. */
  public static HttpResponse tooLarge() {
    return HttpFront.problem(
        Problem.REQUEST_TOO_LARGE,
        "the request is larger than " + MAX_EVENT_BYTES + " bytes; a read carries no body");
  }

  /**
   * The 500 a host answers when it failed in a way no caller caused; the stack stays in the
   * function's log.
   */
  public static HttpResponse internalError(String requestId) {
    return HttpFront.problem(
        Problem.INTERNAL_ERROR,
        "the request could not be answered; the function log has the details"
            + (requestId == null ? "" : " under request id " + requestId));
  }

  /** An event that is not a well-formed function URL event. */
  public static final class MalformedEventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedEventException(String message) {
      super(message, null, false, false);
    }
  }
}
