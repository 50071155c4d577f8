package dev.warmcache.reader;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.json.Json;
import dev.warmcache.settings.Settings;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** A reader handler wired to DynamoDB Local, with its DynamoDB calls counted. */
final class Harness {
  final ReaderHandler handler;
  final OperationCounter operations = new OperationCounter();
  final DynamoDbClient dynamoDb;

  Harness(
      DynamoDbLocalFixture fixture,
      Map<String, String> extraEnv,
      EventPublisher events,
      Clock clock) {
    Map<String, String> env = fixture.env();
    env.putAll(extraEnv);
    Settings settings = Settings.from(env);
    this.dynamoDb =
        AwsClients.configure(DynamoDbClient.builder(), settings, settings.dynamoDbEndpoint())
            .overrideConfiguration(o -> o.addExecutionInterceptor(operations))
            .build();
    this.handler = new ReaderHandler(settings, dynamoDb, events, clock);
  }

  JsonNode call(String payload) {
    return call(handler, payload);
  }

  static JsonNode call(ReaderHandler handler, String payload) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.handleRequest(
          new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
      return Json.MAPPER.readTree(out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int getItems() {
    return operations.count("GetItem");
  }
}
