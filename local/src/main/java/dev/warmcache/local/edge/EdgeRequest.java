package dev.warmcache.local.edge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request that reached the edge port, already read in full.
 *
 * @param headers header names are case-insensitive, as in HTTP
 */
public record EdgeRequest(
    String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {

  private static final ObjectMapper JSON = new ObjectMapper();

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
        return eq < 0
            ? ""
            : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * The region of the request's SigV4 credential scope ({@code Credential=AKID/date/REGION/service
   * /aws4_request}, in the {@code Authorization} header or a presigned query), or {@code null} for
   * an unsigned request: the region the caller's SDK or CLI chose with {@code --region}.
   */
  public String signingRegion() {
    String credential = null;
    String authorization = header("Authorization");
    if (authorization != null) {
      int at = authorization.indexOf("Credential=");
      if (at >= 0) {
        credential = authorization.substring(at + "Credential=".length());
        int end = credential.indexOf(',');
        credential = end < 0 ? credential : credential.substring(0, end);
      }
    } else {
      credential = query("X-Amz-Credential");
    }
    if (credential == null) {
      return null;
    }
    String[] scope = credential.trim().split("/");
    return scope.length >= 5 && !scope[2].isEmpty() ? scope[2] : null;
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body of an AWS JSON 1.0/1.1 request, which is always an object. An empty body reads as
   * {@code {}}, because the CLI sends none for an operation called without members; anything that
   * is not a JSON object is the {@code SerializationException} AWS answers.
   */
  public JsonNode jsonObject() {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode input = JSON.readTree(body);
      if (input == null || !input.isObject()) {
        throw AwsException.serialization("The request body must be a JSON object");
      }
      return input;
    } catch (JsonProcessingException e) {
      throw AwsException.serialization(
          "The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw AwsException.serialization("The request body could not be read");
    }
  }
}
