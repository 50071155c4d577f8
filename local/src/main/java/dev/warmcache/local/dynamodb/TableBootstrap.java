package dev.warmcache.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.AwsJsonClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Creates the cache table as the CDK stack declares it: partition key {@code id}, on-demand, TTL on
 * {@code expiresAt}, stream {@code NEW_AND_OLD_IMAGES}. Idempotent, so a twin restarted on a {@code
 * --data-dir} keeps its table and items.
 */
public final class TableBootstrap {

  private TableBootstrap() {}

  /**
   * Ensures the table exists with its stream and TTL; returns the stream ARN as DynamoDB Local
   * names it.
   */
  public static String ensure(AwsJsonClient client, String tableName, String ttlAttribute)
      throws IOException, InterruptedException {
    try {
      client.dynamoDb(
          "CreateTable",
          Map.of(
              "TableName", tableName,
              "AttributeDefinitions", List.of(Map.of("AttributeName", "id", "AttributeType", "S")),
              "KeySchema", List.of(Map.of("AttributeName", "id", "KeyType", "HASH")),
              "BillingMode", "PAY_PER_REQUEST",
              "StreamSpecification",
                  Map.of("StreamEnabled", true, "StreamViewType", "NEW_AND_OLD_IMAGES")));
    } catch (AwsException e) {
      if (!"ResourceInUseException".equals(e.code())) {
        throw e;
      }
    }
    JsonNode ttl =
        client
            .dynamoDb("DescribeTimeToLive", Map.of("TableName", tableName))
            .path("TimeToLiveDescription");
    if (!"ENABLED".equals(ttl.path("TimeToLiveStatus").asText())) {
      client.dynamoDb(
          "UpdateTimeToLive",
          Map.of(
              "TableName",
              tableName,
              "TimeToLiveSpecification",
              Map.of("Enabled", true, "AttributeName", ttlAttribute)));
    }
    JsonNode table = client.dynamoDb("DescribeTable", Map.of("TableName", tableName)).path("Table");
    if (!table.path("StreamSpecification").path("StreamEnabled").asBoolean(false)) {
      table =
          client
              .dynamoDb(
                  "UpdateTable",
                  Map.of(
                      "TableName",
                      tableName,
                      "StreamSpecification",
                      Map.of("StreamEnabled", true, "StreamViewType", "NEW_AND_OLD_IMAGES")))
              .path("TableDescription");
    }
    return table.path("LatestStreamArn").asText();
  }
}
