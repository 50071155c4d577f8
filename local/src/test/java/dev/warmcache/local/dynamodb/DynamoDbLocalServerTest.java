package dev.warmcache.local.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.item.TableShape;
import dev.warmcache.local.edge.AwsJsonClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamoDbLocalServerTest {

  @TempDir Path dir;

  /** The twin's table has the product's one shape, the one the CDK stack deploys. */
  @Test
  void theTableHasTheProductsShape() throws Exception {
    try (DynamoDbLocalServer server = DynamoDbLocalServer.start(dir.resolve("shape"))) {
      AwsJsonClient client = new AwsJsonClient(server.endpoint());
      TableBootstrap.ensure(client, "warmcache");
      JsonNode table =
          client.dynamoDb("DescribeTable", Map.of("TableName", "warmcache")).path("Table");
      assertEquals(
          TableShape.PARTITION_KEY, table.path("KeySchema").path(0).path("AttributeName").asText());
      assertEquals(1, table.path("KeySchema").size(), "no sort key");
      assertEquals(
          TableShape.PARTITION_KEY_TYPE,
          table.path("AttributeDefinitions").path(0).path("AttributeType").asText());
      assertEquals(
          TableShape.BILLING_MODE, table.path("BillingModeSummary").path("BillingMode").asText());
      assertEquals(
          TableShape.STREAM_VIEW_TYPE,
          table.path("StreamSpecification").path("StreamViewType").asText());
      JsonNode ttl =
          client
              .dynamoDb("DescribeTimeToLive", Map.of("TableName", "warmcache"))
              .path("TimeToLiveDescription");
      assertEquals(TableShape.TTL_ATTRIBUTE, ttl.path("AttributeName").asText());
      assertEquals("ENABLED", ttl.path("TimeToLiveStatus").asText());
    }
  }

  @Test
  void aDataDirectoryKeepsTheTableAndItsItemsAcrossRestarts() throws Exception {
    Path data = dir.resolve("ddb");
    try (DynamoDbLocalServer first = DynamoDbLocalServer.start(data)) {
      AwsJsonClient client = new AwsJsonClient(first.endpoint());
      TableBootstrap.ensure(client, "warmcache");
      client.dynamoDb(
          "PutItem", Map.of("TableName", "warmcache", "Item", Map.of("id", Map.of("S", "kept"))));
    }
    try (DynamoDbLocalServer second = DynamoDbLocalServer.start(data)) {
      AwsJsonClient client = new AwsJsonClient(second.endpoint());
      String stream = TableBootstrap.ensure(client, "warmcache");
      JsonNode item =
          client.dynamoDb(
              "GetItem",
              Map.of("TableName", "warmcache", "Key", Map.of("id", Map.of("S", "kept"))));
      assertEquals("kept", item.path("Item").path("id").path("S").asText());
      assertEquals(
          stream,
          client
              .dynamoDb("DescribeTable", Map.of("TableName", "warmcache"))
              .path("Table")
              .path("LatestStreamArn")
              .asText(),
          "the same stream, so a checkpoint stays valid");
    }
  }

  /**
   * Reads the kernel's table of listening sockets instead of probing other addresses, so the test
   * never sends a packet anywhere but loopback.
   */
  @Test
  void itListensOnLoopbackOnly() throws Exception {
    Path tcp = Path.of("/proc/net/tcp");
    Path tcp6 = Path.of("/proc/net/tcp6");
    Assumptions.assumeTrue(
        Files.isReadable(tcp), "no /proc/net/tcp to read listening sockets from");
    try (DynamoDbLocalServer server = DynamoDbLocalServer.start(null)) {
      String port = String.format("%04X", server.endpoint().getPort());
      List<String> listening = new java.util.ArrayList<>();
      for (Path table : List.of(tcp, tcp6)) {
        if (Files.isReadable(table)) {
          Files.readAllLines(table).stream()
              .skip(1)
              .map(line -> line.trim().split("\\s+"))
              .filter(fields -> fields[3].equals("0A") && fields[1].endsWith(":" + port))
              .forEach(fields -> listening.add(fields[1].substring(0, fields[1].indexOf(':'))));
        }
      }
      // 127.0.0.1 as IPv4, or IPv4-mapped on a dual-stack socket; never a wildcard or another
      // address.
      assertEquals(false, listening.isEmpty(), "DynamoDB Local listens on port " + port);
      for (String address : listening) {
        assertEquals(
            true,
            address.equals("0100007F") || address.equals("0000000000000000FFFF00000100007F"),
            "listening on " + address + " instead of 127.0.0.1");
      }
    }
  }
}
