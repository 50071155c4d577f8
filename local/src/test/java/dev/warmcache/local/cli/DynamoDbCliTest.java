package dev.warmcache.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.dynamodb.DynamoDbProxy;
import dev.warmcache.local.dynamodb.TableBootstrap;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DynamoDB and DynamoDB Streams through the edge port, driven by the real CLI. */
class DynamoDbCliTest {

  static DynamoDbLocalServer ddb;
  static EdgeServer edge;
  static AwsCli aws;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    ddb = DynamoDbLocalServer.start(null);
    TableBootstrap.ensure(new AwsJsonClient(ddb.endpoint()), "warmcache");
    edge =
        EdgeServer.start(
            0,
            new Router()
                .register(DynamoDbProxy.dynamoDb(ddb.endpoint(), "us-east-1"))
                .register(DynamoDbProxy.streams(ddb.endpoint(), "us-east-1")));
    aws = new AwsCli(edge.endpoint());
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (ddb != null) ddb.close();
  }

  @Test
  void tableHasTtlAndStreamAndTwinArns() throws Exception {
    JsonNode table =
        aws.run("dynamodb", "describe-table", "--table-name", "warmcache").ok().path("Table");
    assertEquals(
        "arn:aws:dynamodb:us-east-1:000000000000:table/warmcache", table.path("TableArn").asText());
    assertEquals(
        "NEW_AND_OLD_IMAGES", table.path("StreamSpecification").path("StreamViewType").asText());
    JsonNode ttl = aws.run("dynamodb", "describe-time-to-live", "--table-name", "warmcache").ok();
    assertEquals("expiresAt", ttl.path("TimeToLiveDescription").path("AttributeName").asText());
    assertEquals("ENABLED", ttl.path("TimeToLiveDescription").path("TimeToLiveStatus").asText());
  }

  @Test
  void putThenGetItemThenReadTheStream() throws Exception {
    aws.run(
            "dynamodb",
            "put-item",
            "--table-name",
            "warmcache",
            "--item",
            "{\"id\":{\"S\":\"cli-1\"},\"version\":{\"N\":\"3\"},\"value\":{\"S\":\"arn:aws:dynamodb:ddblocal: stays as written\"}}")
        .ok();
    JsonNode item =
        aws.run(
                "dynamodb",
                "get-item",
                "--table-name",
                "warmcache",
                "--key",
                "{\"id\":{\"S\":\"cli-1\"}}")
            .ok()
            .path("Item");
    assertEquals("3", item.path("version").path("N").asText());
    assertEquals(
        "arn:aws:dynamodb:ddblocal: stays as written", item.path("value").path("S").asText());

    String streamArn =
        aws.run("dynamodbstreams", "list-streams", "--table-name", "warmcache")
            .ok()
            .path("Streams")
            .path(0)
            .path("StreamArn")
            .asText();
    assertTrue(
        streamArn.startsWith("arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/"),
        streamArn);
    String shard =
        aws.run("dynamodbstreams", "describe-stream", "--stream-arn", streamArn)
            .ok()
            .path("StreamDescription")
            .path("Shards")
            .path(0)
            .path("ShardId")
            .asText();
    String iterator =
        aws.run(
                "dynamodbstreams",
                "get-shard-iterator",
                "--stream-arn",
                streamArn,
                "--shard-id",
                shard,
                "--shard-iterator-type",
                "TRIM_HORIZON")
            .ok()
            .path("ShardIterator")
            .asText();
    JsonNode records =
        aws.run("dynamodbstreams", "get-records", "--shard-iterator", iterator)
            .ok()
            .path("Records");
    boolean seen = false;
    for (JsonNode record : records) {
      seen |= "cli-1".equals(record.path("dynamodb").path("Keys").path("id").path("S").asText());
      assertEquals("us-east-1", record.path("awsRegion").asText());
    }
    assertTrue(seen, "the INSERT of cli-1 is on the stream: " + records);
  }

  @Test
  void dynamoDbErrorsKeepTheirAwsShape() throws Exception {
    AwsCli.Result missing =
        aws.run(
            "dynamodb",
            "get-item",
            "--table-name",
            "no-such-table",
            "--key",
            "{\"id\":{\"S\":\"1\"}}");
    assertNotEquals(0, missing.exitCode());
    assertTrue(missing.stderr().contains("ResourceNotFoundException"), missing.stderr());
  }

  @Test
  void unknownServiceOperationIsNamed() throws Exception {
    AwsCli.Result result = aws.run("events", "list-archives");
    assertNotEquals(0, result.exitCode());
    assertTrue(result.stderr().contains("UnknownOperationException"), result.stderr());
    assertTrue(result.stderr().contains("AWSEvents.ListArchives"), result.stderr());
  }
}
