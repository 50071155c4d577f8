package dev.warmcache.local.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * {@link DynamoDbApi} over HTTP to a DynamoDB-compatible endpoint (DynamoDB Local). The request
 * document goes out byte for byte, so Step Functions' Parameters reach DynamoDB as written in the
 * ASL.
 */
public final class DynamoDbHttpApi implements DynamoDbApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String authorization;
  private final HttpClient http;

  /**
   * For a DynamoDB Local started with {@code -sharedDb}, where every access key sees the same
   * tables.
   */
  public DynamoDbHttpApi(URI endpoint) {
    this(endpoint, "local", "us-east-1");
  }

  /**
   * Without {@code -sharedDb}, DynamoDB Local keeps one database per access key and region, so name
   * the ones the table was created with. The signature is not checked, only the scope parsed.
   */
  public DynamoDbHttpApi(URI endpoint, String accessKeyId, String region) {
    this.endpoint = endpoint;
    this.authorization =
        "AWS4-HMAC-SHA256 Credential="
            + accessKeyId
            + "/20260101/"
            + region
            + "/dynamodb/aws4_request, "
            + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  }

  @Override
  public JsonNode call(String operation, JsonNode request) throws DynamoDbApiException {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(endpoint)
                  .timeout(Duration.ofSeconds(30))
                  .header("X-Amz-Target", "DynamoDB_20120810." + operation)
                  .header("Content-Type", "application/x-amz-json-1.0")
                  .header("Authorization", authorization)
                  .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new DynamoDbApiException(
          "InternalServerError", 500, "DynamoDB unreachable: " + e.getMessage(), "none");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DynamoDbApiException("InternalServerError", 500, "interrupted", "none");
    }
    String requestId =
        response.headers().firstValue("x-amzn-RequestId").orElse(UUID.randomUUID().toString());
    JsonNode body;
    try {
      body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new DynamoDbApiException(
          "InternalServerError", response.statusCode(), "unreadable DynamoDB response", requestId);
    }
    if (response.statusCode() != 200) {
      String type = body.path("__type").asText("InternalServerError");
      throw new DynamoDbApiException(
          type.substring(type.indexOf('#') + 1),
          response.statusCode(),
          body.path("message").asText(body.path("Message").asText(operation + " failed")),
          requestId);
    }
    return body;
  }
}
