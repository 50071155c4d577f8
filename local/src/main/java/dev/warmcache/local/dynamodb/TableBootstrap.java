package dev.warmcache.local.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.item.TableShape;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.AwsJsonClient;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Creates the cache table in the product's {@link TableShape}, as the CDK stack does: partition key
 * {@code id}, on-demand, TTL on {@code expiresAt}, stream {@code NEW_AND_OLD_IMAGES}. Idempotent,
 * so a twin restarted on a {@code --data-dir} keeps its table and items.
 */
public final class TableBootstrap {

  private static final Map<String, Object> STREAM =
      Map.of("StreamEnabled", true, "StreamViewType", TableShape.STREAM_VIEW_TYPE);

  private TableBootstrap() {}

  /**
   * Ensures the table exists with its stream and TTL; returns the stream ARN as DynamoDB Local
   * names it.
   */
  public static String ensure(AwsJsonClient client, String tableName)
      throws IOException, InterruptedException {
    return ensure(client, tableName, true);
  }

  /**
   * As {@link #ensure(AwsJsonClient, String)}, with TTL on or off: a replica whose region does not
   * delete expired items itself (the twin's global table) keeps TTL off and receives the deletions
   * replicated.
   */
  public static String ensure(AwsJsonClient client, String tableName, boolean ttlEnabled)
      throws IOException, InterruptedException {
    try {
      client.dynamoDb(
          "CreateTable",
          Map.of(
              "TableName",
              tableName,
              "AttributeDefinitions",
              List.of(
                  Map.of(
                      "AttributeName",
                      TableShape.PARTITION_KEY,
                      "AttributeType",
                      TableShape.PARTITION_KEY_TYPE)),
              "KeySchema",
              List.of(Map.of("AttributeName", TableShape.PARTITION_KEY, "KeyType", "HASH")),
              "BillingMode",
              TableShape.BILLING_MODE,
              "StreamSpecification",
              STREAM));
    } catch (AwsException e) {
      if (!"ResourceInUseException".equals(e.code())) {
        throw e;
      }
    }
    JsonNode ttl =
        client
            .dynamoDb("DescribeTimeToLive", Map.of("TableName", tableName))
            .path("TimeToLiveDescription");
    if ("ENABLED".equals(ttl.path("TimeToLiveStatus").asText()) != ttlEnabled) {
      client.dynamoDb(
          "UpdateTimeToLive",
          Map.of(
              "TableName",
              tableName,
              "TimeToLiveSpecification",
              Map.of("Enabled", ttlEnabled, "AttributeName", TableShape.TTL_ATTRIBUTE)));
    }
    JsonNode table = client.dynamoDb("DescribeTable", Map.of("TableName", tableName)).path("Table");
    if (!table.path("StreamSpecification").path("StreamEnabled").asBoolean(false)) {
      table =
          client
              .dynamoDb(
                  "UpdateTable", Map.of("TableName", tableName, "StreamSpecification", STREAM))
              .path("TableDescription");
    }
    return table.path("LatestStreamArn").asText();
  }
}
