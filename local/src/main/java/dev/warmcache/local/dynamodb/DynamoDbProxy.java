package dev.warmcache.local.dynamodb;

import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.JsonProtocolService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB or DynamoDB Streams on the edge port: requests go to DynamoDB Local unchanged, answers
 * come back unchanged, except that DynamoDB Local's {@code ddblocal} region in table and stream
 * ARNs reads as the twin's region, so ARNs look like the ones on AWS and in the project's docs.
 *
 * <p>Item operations pass through byte for byte: a value that happens to contain an ARN is data,
 * not something to rewrite.
 */
public final class DynamoDbProxy implements JsonProtocolService {

  static final String LOCAL_ARN = "arn:aws:dynamodb:ddblocal:";
  static final String LOCAL_REGION_FIELD = "\"awsRegion\":\"ddblocal\"";

  private static final Set<String> ITEM_OPERATIONS =
      Set.of(
          "GetItem",
          "PutItem",
          "UpdateItem",
          "DeleteItem",
          "Query",
          "Scan",
          "BatchGetItem",
          "BatchWriteItem",
          "TransactGetItems",
          "TransactWriteItems",
          "ExecuteStatement",
          "BatchExecuteStatement",
          "ExecuteTransaction");

  private final String targetPrefix;
  private final URI local;
  private final String region;
  private final HttpClient http;

  private DynamoDbProxy(String targetPrefix, URI local, String region) {
    this.targetPrefix = targetPrefix;
    this.local = local;
    this.region = region;
    this.http = AwsJsonClient.loopbackHttp();
  }

  /** DynamoDB ({@code DynamoDB_20120810.*}) served by DynamoDB Local at {@code local}. */
  public static DynamoDbProxy dynamoDb(URI local, String region) {
    return new DynamoDbProxy(AwsJsonClient.DYNAMODB, local, region);
  }

  /**
   * DynamoDB Streams ({@code DynamoDBStreams_20120810.*}), which DynamoDB Local serves on the same
   * port.
   */
  public static DynamoDbProxy streams(URI local, String region) {
    return new DynamoDbProxy(AwsJsonClient.STREAMS, local, region);
  }

  @Override
  public String targetPrefix() {
    return targetPrefix;
  }

  @Override
  public String jsonVersion() {
    return "1.0";
  }

  @Override
  public EdgeResponse handle(String operation, EdgeRequest request) throws Exception {
    boolean rewrite =
        !(AwsJsonClient.DYNAMODB.equals(targetPrefix) && ITEM_OPERATIONS.contains(operation));
    String twinArn = "arn:aws:dynamodb:" + region + ":";
    byte[] body = request.body();
    if (rewrite) {
      body =
          new String(body, StandardCharsets.UTF_8)
              .replace(twinArn, LOCAL_ARN)
              .getBytes(StandardCharsets.UTF_8);
    }
    String authorization = request.header("Authorization");
    HttpResponse<byte[]> answer =
        http.send(
            HttpRequest.newBuilder(local)
                .timeout(Duration.ofSeconds(60))
                .header("X-Amz-Target", targetPrefix + "." + operation)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header(
                    "Authorization",
                    authorization == null
                        ? AwsJsonClient.dummyAuthorization("twin", "us-east-1", "dynamodb")
                        : authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    byte[] out = answer.body();
    if (rewrite) {
      out =
          new String(out, StandardCharsets.UTF_8)
              .replace(LOCAL_ARN, twinArn)
              .replace(LOCAL_REGION_FIELD, "\"awsRegion\":\"" + region + "\"")
              .getBytes(StandardCharsets.UTF_8);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/x-amz-json-1.0");
    // x-amz-crc32 is left out on purpose: the body may have been rewritten, and clients check it
    // only when present.
    answer
        .headers()
        .firstValue("x-amzn-ErrorType")
        .ifPresent(v -> headers.put("x-amzn-ErrorType", v));
    return new EdgeResponse(answer.statusCode(), headers, out);
  }
}
