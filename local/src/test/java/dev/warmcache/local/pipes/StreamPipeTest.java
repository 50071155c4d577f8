package dev.warmcache.local.pipes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.dynamodb.TableBootstrap;
import dev.warmcache.local.edge.AwsJsonClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipe against DynamoDB Local's real stream and its own TTL sweep. The filter is the test's own
 * (the product's filter is exercised by the twin acceptance test); it is written in the Pipes
 * shape, so it only matches when the pipe converts {@code userIdentity} correctly.
 */
class StreamPipeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWIN_STREAM =
      "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x";

  @TempDir static Path dir;
  static DynamoDbLocalServer ddb;
  static AwsJsonClient client;
  static Path filter;

  @BeforeAll
  static void start() throws Exception {
    ddb = DynamoDbLocalServer.start(null);
    client = new AwsJsonClient(ddb.endpoint());
    filter = dir.resolve("ttl.filter.json");
    Files.writeString(
        filter,
        "{\"eventName\":[\"REMOVE\"],\"userIdentity\":{\"type\":[\"Service\"],"
            + "\"principalId\":[\"dynamodb.amazonaws.com\"]}}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (ddb != null) ddb.close();
  }

  private static void put(String table, String id, long expiresAt) throws Exception {
    client.dynamoDb(
        "PutItem",
        Map.of(
            "TableName",
            table,
            "Item",
            Map.of("id", Map.of("S", id), "expiresAt", Map.of("N", Long.toString(expiresAt)))));
  }

  private static long past() {
    return System.currentTimeMillis() / 1000 - 60;
  }

  private static long future() {
    return System.currentTimeMillis() / 1000 + 3600;
  }

  private static StreamPipe pipe(
      String table,
      String streamArn,
      Path checkpoint,
      DeadLetterFile dlq,
      List<Long> retries,
      PipeTarget target)
      throws Exception {
    return StreamPipe.start(
        new StreamPipe.Config(
            "test-" + table,
            client,
            streamArn,
            TWIN_STREAM,
            "us-east-1",
            List.of(filter),
            checkpoint,
            dlq,
            retries,
            StreamPipe.StartingPosition.TRIM_HORIZON),
        target);
  }

  @Test
  void ttlDeletionsReachTheTargetInThePipesShapeAndUserDeletesDoNot() throws Exception {
    String stream = TableBootstrap.ensure(client, "shape");
    BlockingQueue<String> batches = new LinkedBlockingQueue<>();
    try (StreamPipe pipe =
        pipe(
            "shape",
            stream,
            null,
            new DeadLetterFile(dir.resolve("dl-shape")),
            List.of(),
            batches::add)) {
      put("shape", "kept", future());
      client.dynamoDb(
          "DeleteItem", Map.of("TableName", "shape", "Key", Map.of("id", Map.of("S", "kept"))));
      put("shape", "gone", past());

      JsonNode batch = JSON.readTree(batches.poll(30, TimeUnit.SECONDS));
      assertEquals(1, batch.size(), "a batch of one");
      JsonNode record = batch.get(0);
      assertEquals("REMOVE", record.path("eventName").asText());
      assertEquals("gone", record.path("dynamodb").path("Keys").path("id").path("S").asText());
      assertEquals("Service", record.path("userIdentity").path("type").asText());
      assertEquals(
          "dynamodb.amazonaws.com", record.path("userIdentity").path("principalId").asText());
      assertEquals(TWIN_STREAM, record.path("eventSourceARN").asText());
      assertEquals("us-east-1", record.path("awsRegion").asText());
      assertTrue(record.path("dynamodb").has("OldImage"));
      // Records of a shard are handled in order, so the user's REMOVE before it was read and
      // dropped.
      StreamPipe.Stats stats = pipe.stats();
      assertTrue(stats.read() >= 4, "INSERT, REMOVE, INSERT, TTL REMOVE: " + stats);
      assertEquals(1, stats.matched(), stats.toString());
    }
  }

  @Test
  void aPipeStartingAtLatestSkipsWhatWasWrittenBeforeIt() throws Exception {
    String stream = TableBootstrap.ensure(client, "latest");
    put("latest", "before", future());
    BlockingQueue<String> batches = new LinkedBlockingQueue<>();
    try (StreamPipe pipe =
        StreamPipe.start(
            new StreamPipe.Config(
                    "test-latest",
                    client,
                    stream,
                    TWIN_STREAM,
                    "us-east-1",
                    List.of(),
                    null,
                    new DeadLetterFile(dir.resolve("dl-latest")))
                .startingAt(StreamPipe.StartingPosition.LATEST),
            batches::add)) {
      // The pipe has opened its shards once it has read nothing for a poll.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (pipe.stats().read() == 0 && System.nanoTime() < deadline) {
        put("latest", "after", future());
        String batch = batches.poll(1, TimeUnit.SECONDS);
        if (batch != null) {
          assertEquals(
              "after",
              JSON.readTree(batch)
                  .path(0)
                  .path("dynamodb")
                  .path("Keys")
                  .path("id")
                  .path("S")
                  .asText(),
              "the record written before the pipe started is skipped");
          return;
        }
      }
      throw new AssertionError("nothing written after the start arrived: " + pipe.stats());
    }
  }

  @Test
  void aBatchTheTargetRefusesIsRetriedThenDeadLetteredAndThePipeMovesOn() throws Exception {
    String stream = TableBootstrap.ensure(client, "refused");
    DeadLetterFile dlq = new DeadLetterFile(dir.resolve("dl-refused.jsonl"));
    AtomicBoolean down = new AtomicBoolean(true);
    BlockingQueue<String> batches = new LinkedBlockingQueue<>();
    try (StreamPipe pipe =
        pipe(
            "refused",
            stream,
            null,
            dlq,
            List.of(10L, 10L),
            batch -> {
              if (down.get()) {
                throw new IllegalStateException("state machine unavailable");
              }
              batches.add(batch);
            })) {
      put("refused", "first", past());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (dlq.list().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      JsonNode letter = dlq.list().get(0);
      assertEquals("pipe/test-refused", letter.path("source").asText());
      assertEquals("state machine unavailable", letter.path("reason").asText());
      assertEquals(
          "first",
          letter
              .path("payload")
              .path(0)
              .path("dynamodb")
              .path("Keys")
              .path("id")
              .path("S")
              .asText());
      down.set(false);
      put("refused", "second", past());
      JsonNode next = JSON.readTree(batches.poll(30, TimeUnit.SECONDS));
      assertEquals(
          "second", next.path(0).path("dynamodb").path("Keys").path("id").path("S").asText());
      assertEquals(1, pipe.stats().deadLettered());
    }
  }

  @Test
  void aRestartedPipeResumesAfterItsCheckpoint() throws Exception {
    String stream = TableBootstrap.ensure(client, "resume");
    Path checkpoint = dir.resolve("resume.checkpoints");
    DeadLetterFile dlq = new DeadLetterFile(dir.resolve("dl-resume"));
    BlockingQueue<String> batches = new LinkedBlockingQueue<>();
    try (StreamPipe pipe = pipe("resume", stream, checkpoint, dlq, List.of(), batches::add)) {
      put("resume", "one", past());
      assertTrue(batches.poll(30, TimeUnit.SECONDS).contains("\"one\""));
    }
    BlockingQueue<String> after = new LinkedBlockingQueue<>();
    try (StreamPipe pipe = pipe("resume", stream, checkpoint, dlq, List.of(), after::add)) {
      put("resume", "two", past());
      String batch = after.poll(30, TimeUnit.SECONDS);
      assertTrue(
          batch.contains("\"two\""),
          "the first record after a restart is the new one, not a replay: " + batch);
    }
  }
}
