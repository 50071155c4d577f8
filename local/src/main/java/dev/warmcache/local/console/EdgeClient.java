package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls the twin's own edge port with the AWS JSON protocols, exactly as the AWS CLI does. The
 * console goes through the wire rather than into the providers so that what it changes (a {@code
 * PutEvents}, an {@code UpdateItem}) takes the same code path as a user's command.
 */
final class EdgeClient {

  /** The twin does not verify signatures, but DynamoDB Local parses the credential scope. */
  private static final String AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=console/20260101/us-east-1/%s/aws4_request, "
          + "SignedHeaders=host;x-amz-date;x-amz-target, Signature="
          + "0".repeat(64);

  private final ObjectMapper json;
  private final URI endpoint;
  private final HttpClient http;

  EdgeClient(URI endpoint, ObjectMapper json) {
    this.endpoint = endpoint;
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  JsonNode dynamoDb(String operation, Object request) {
    return call("DynamoDB_20120810." + operation, "1.0", "dynamodb", request);
  }

  JsonNode events(String operation, Object request) {
    return call("AWSEvents." + operation, "1.1", "events", request);
  }

  private JsonNode call(String target, String jsonVersion, String service, Object request) {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(Duration.ofSeconds(20))
                  .header("X-Amz-Target", target)
                  .header("Content-Type", "application/x-amz-json-" + jsonVersion)
                  .header("Authorization", AUTHORIZATION.formatted(service))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(request)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new ConsoleException(
          502, "TwinUnreachable", target + " could not reach the twin at " + endpoint + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConsoleException(503, "Interrupted", target + " was interrupted");
    }
    JsonNode body;
    try {
      body = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
    } catch (IOException e) {
      throw new ConsoleException(
          502,
          "BadTwinResponse",
          target + " answered something that is not JSON (HTTP " + response.statusCode() + ")");
    }
    if (response.statusCode() != 200) {
      String type =
          body.path("__type")
              .asText(response.headers().firstValue("x-amzn-ErrorType").orElse("UnknownError"));
      type = type.substring(type.indexOf('#') + 1);
      int colon = type.indexOf(':');
      throw new ConsoleException(
          response.statusCode() == 404 ? 404 : 502,
          colon < 0 ? type : type.substring(0, colon),
          target
              + ": "
              + body.path("message")
                  .asText(body.path("Message").asText("HTTP " + response.statusCode())));
    }
    return body;
  }
}
