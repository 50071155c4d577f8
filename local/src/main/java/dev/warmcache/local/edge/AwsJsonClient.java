package dev.warmcache.local.edge;

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
 * The twin's one client for the AWS JSON protocols (1.0 and 1.1), used where the twin calls a
 * service over the wire: DynamoDB Local and its streams (the pipe, the table bootstrap, the
 * workflow's DynamoDB tasks) and the twin's own edge (the console). An error answer becomes an
 * {@link AwsException} with the service's code, status, message and request id.
 *
 * <pre>{@code
 * AwsJsonClient ddb = new AwsJsonClient(dynamoDbEndpoint);
 * JsonNode item = ddb.dynamoDb("GetItem", Map.of("TableName", "warmcache", "Key", key));
 * }</pre>
 */
public final class AwsJsonClient {

  /** {@code X-Amz-Target} prefixes. */
  public static final String DYNAMODB = "DynamoDB_20120810";

  public static final String STREAMS = "DynamoDBStreams_20120810";
  public static final String EVENTS = "AWSEvents";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI endpoint;
  private final String accessKeyId;
  private final String region;
  private final HttpClient http;

  /** For the twin's endpoints and a DynamoDB Local started with {@code -sharedDb}. */
  public AwsJsonClient(URI endpoint) {
    this(endpoint, "twin", "us-east-1");
  }

  /**
   * Without {@code -sharedDb}, DynamoDB Local keeps one database per access key and region, so name
   * the ones the table was created with. No signature is checked, only the scope parsed.
   */
  public AwsJsonClient(URI endpoint, String accessKeyId, String region) {
    this.endpoint = endpoint;
    this.accessKeyId = accessKeyId;
    this.region = region;
    this.http = loopbackHttp();
  }

  /** An HTTP/1.1 client for the twin's own loopback services, which answer in milliseconds. */
  public static HttpClient loopbackHttp() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  /**
   * A well-formed SigV4 header with a dummy signature: DynamoDB Local parses the credential scope,
   * and neither it nor the twin checks the signature.
   */
  public static String dummyAuthorization(String accessKeyId, String region, String service) {
    return "AWS4-HMAC-SHA256 Credential="
        + accessKeyId
        + "/20260101/"
        + region
        + "/"
        + service
        + "/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature="
        + "0".repeat(64);
  }

  /** A DynamoDB operation such as {@code PutItem}. */
  public JsonNode dynamoDb(String operation, Object request)
      throws IOException, InterruptedException {
    return call(DYNAMODB + "." + operation, "1.0", "dynamodb", request);
  }

  /** A DynamoDB Streams operation such as {@code GetRecords}. */
  public JsonNode streams(String operation, Object request)
      throws IOException, InterruptedException {
    return call(STREAMS + "." + operation, "1.0", "dynamodb", request);
  }

  /** An EventBridge operation such as {@code PutEvents}. */
  public JsonNode events(String operation, Object request)
      throws IOException, InterruptedException {
    return call(EVENTS + "." + operation, "1.1", "events", request);
  }

  /**
   * One call; {@link IOException} when the endpoint cannot be reached or answers something that is
   * not JSON, {@link AwsException} when it answers an error.
   */
  public JsonNode call(String target, String jsonVersion, String signingService, Object request)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("X-Amz-Target", target)
                .header("Content-Type", "application/x-amz-json-" + jsonVersion)
                .header("Authorization", dummyAuthorization(accessKeyId, region, signingService))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String requestId =
        response.headers().firstValue("x-amzn-RequestId").orElse(UUID.randomUUID().toString());
    JsonNode body =
        response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      String type =
          body.path("__type")
              .asText(response.headers().firstValue("x-amzn-ErrorType").orElse("UnknownError"));
      type = type.substring(type.indexOf('#') + 1);
      int colon = type.indexOf(':');
      throw new AwsException(
          response.statusCode(),
          colon < 0 ? type : type.substring(0, colon),
          body.path("message").asText(body.path("Message").asText(target + " failed")),
          requestId);
    }
    return body;
  }
}
