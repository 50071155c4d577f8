package dev.warmcache.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.edge.AwsException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Speaks the DynamoDB and DynamoDB Streams JSON protocol to DynamoDB Local. The twin's own plumbing
 * (table bootstrap, the pipe's stream poller) uses it, so the raw wire shapes stay visible, as the
 * pipe must convert the Streams API record shape itself.
 */
public final class DynamoDbJsonClient {

  static final String DYNAMODB = "DynamoDB_20120810";
  static final String STREAMS = "DynamoDBStreams_20120810";

  /**
   * DynamoDB Local parses the credential scope, so every request carries a well-formed (dummy) one.
   */
  static final String DUMMY_AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=twin/20260101/us-east-1/dynamodb/aws4_request, "
          + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final HttpClient http;

  public DynamoDbJsonClient(URI endpoint) {
    this.endpoint = endpoint;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  /** A DynamoDB operation such as {@code PutItem}. */
  public JsonNode dynamodb(String operation, Object request)
      throws IOException, InterruptedException {
    return call(DYNAMODB + "." + operation, request);
  }

  /** A DynamoDB Streams operation such as {@code GetRecords}. */
  public JsonNode streams(String operation, Object request)
      throws IOException, InterruptedException {
    return call(STREAMS + "." + operation, request);
  }

  private JsonNode call(String target, Object request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("X-Amz-Target", target)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", DUMMY_AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    JsonNode body =
        response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      String type = body.path("__type").asText("UnknownError");
      throw new AwsException(
          response.statusCode(),
          type.substring(type.indexOf('#') + 1),
          body.path("message").asText(body.path("Message").asText(target + " failed")));
    }
    return body;
  }
}
