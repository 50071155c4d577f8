package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.testing.DynamoDbLocalFixture;
import dev.warmcache.testing.RecordingEventPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each bad input gets a normal answer {"error","message"} with a stable type and a readable
 * message, touches no AWS service and leaks no stack trace.
 */
class BadInputTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private static Harness harness;
  private static final RecordingEventPublisher EVENTS = new RecordingEventPublisher();

  @BeforeAll
  static void start() {
    harness = new Harness(DYNAMODB, Map.of(), EVENTS, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    harness.dynamoDb.close();
  }

  private static final String SHAPES =
      "send {\"id\":\"15\"} or {\"prime\":{\"id\":\"15\",\"version\":7}}";
  private static final String CHARSET = "; allowed are letters, digits and . _ ~ : @ -";

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of("", "EmptyRequest", "the request is empty; " + SHAPES),
        Arguments.of(" \n\t ", "EmptyRequest", "the request is empty; " + SHAPES),
        Arguments.of("{", "InvalidJson", null),
        Arguments.of("{\"id\":\"15\"} {\"id\":\"16\"}", "InvalidJson", null),
        Arguments.of("{\"id\":\"15\",\"id\":\"16\"}", "InvalidJson", null),
        Arguments.of("{'id':'15'}", "InvalidJson", null),
        Arguments.of(
            "{\"id\":\"1\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", "InvalidJson", null),
        Arguments.of(
            "[]", "NotAnObject", "the request must be a JSON object, got an array; " + SHAPES),
        Arguments.of(
            "\"15\"", "NotAnObject", "the request must be a JSON object, got a string; " + SHAPES),
        Arguments.of(
            "15", "NotAnObject", "the request must be a JSON object, got an integer; " + SHAPES),
        Arguments.of(
            "null", "NotAnObject", "the request must be a JSON object, got null; " + SHAPES),
        Arguments.of(
            "true", "NotAnObject", "the request must be a JSON object, got a boolean; " + SHAPES),
        Arguments.of("{}", "MissingField", "the request needs \"id\"; " + SHAPES),
        Arguments.of("{\"ID\":\"15\"}", "UnknownField", "unknown field \"ID\"; " + SHAPES),
        Arguments.of(
            "{\"id\":\"15\",\"value\":\"x\"}",
            "UnknownField",
            "unknown field \"value\"; a read takes only \"id\""),
        Arguments.of(
            "{\"id\":\"15\",\"prime\":{\"id\":\"15\",\"version\":1}}",
            "ConflictingFields",
            "a request has either \"id\" (a read) or \"prime\" (a prime notice), not both"),
        Arguments.of("{\"id\":null}", "InvalidId", "id is null"),
        Arguments.of("{\"id\":\"\"}", "InvalidId", "id is empty"),
        Arguments.of("{\"id\":\"   \"}", "InvalidId", "id is blank"),
        Arguments.of(
            "{\"id\":\"" + "a".repeat(129) + "\"}",
            "InvalidId",
            "id is 129 characters long; the limit is 128"),
        Arguments.of(
            "{\"id\":\"a/b\"}",
            "InvalidId",
            "id contains the character '/' at position 1" + CHARSET),
        Arguments.of(
            "{\"id\":\"../etc/passwd\"}",
            "InvalidId",
            "id contains the character '/' at position 2" + CHARSET),
        Arguments.of(
            "{\"id\":\"http://evil\"}",
            "InvalidId",
            "id contains the character '/' at position 5" + CHARSET),
        Arguments.of(
            "{\"id\":\"15\\u0000\"}",
            "InvalidId",
            "id contains the character U+0000 at position 2" + CHARSET),
        Arguments.of(
            "{\"id\":\"caf\u00e9\"}",
            "InvalidId",
            "id contains the character U+00E9 at position 3" + CHARSET),
        Arguments.of(
            "{\"id\":1.5}",
            "InvalidId",
            "id must be a string or an integer, got the fractional number 1.5"),
        Arguments.of(
            "{\"id\":true}", "InvalidId", "id must be a string or an integer, got a boolean"),
        Arguments.of(
            "{\"id\":[\"15\"]}", "InvalidId", "id must be a string or an integer, got an array"),
        Arguments.of(
            "{\"id\":{\"n\":15}}", "InvalidId", "id must be a string or an integer, got an object"),
        Arguments.of(
            "{\"prime\":\"15\"}",
            "InvalidPrime",
            "prime must be an object {\"id\":\"15\",\"version\":7}, got a string"),
        Arguments.of("{\"prime\":{}}", "MissingField", "prime.id is missing"),
        Arguments.of("{\"prime\":{\"id\":\"15\"}}", "MissingField", "prime.version is missing"),
        Arguments.of("{\"prime\":{\"version\":3}}", "MissingField", "prime.id is missing"),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":7,\"value\":\"evil\"}}",
            "UnknownField",
            "unknown field \"prime.value\"; a prime never carries a value: readers reload from DynamoDB"),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":7},\"x\":1}",
            "UnknownField",
            "unknown field \"x\"; a prime request takes only \"prime\""),
        Arguments.of(
            "{\"prime\":{\"id\":\"bad id\",\"version\":7}}",
            "InvalidId",
            "id contains a space at position 3" + CHARSET),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":-1}}",
            "InvalidVersion",
            "prime.version must not be negative, got -1"),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":\"7\"}}",
            "InvalidVersion",
            "prime.version must be a whole number up to 2^63-1, got a string"),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":1.5}}",
            "InvalidVersion",
            "prime.version must be a whole number up to 2^63-1, got a number"),
        Arguments.of(
            "{\"prime\":{\"id\":\"15\",\"version\":99999999999999999999}}",
            "InvalidVersion",
            "prime.version must be a whole number up to 2^63-1, got an integer"),
        Arguments.of(
            "{\"id\":\"" + "a".repeat(9000) + "\"}",
            "RequestTooLarge",
            "the request is larger than 8192 bytes; " + SHAPES));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badInputs")
  void isRejectedWithATypedReadableError(String payload, String error, String message) {
    int readsBefore = harness.getItems();
    JsonNode answer = harness.call(payload);
    assertEquals(error, answer.get("error").asText(), answer.toString());
    if (message != null) {
      assertEquals(message, answer.get("message").asText());
    } else {
      // Parser messages come from Jackson; only require that they explain and stay short.
      String text = answer.get("message").asText();
      assertEquals(
          true, text.startsWith("the request is not valid JSON: ") && text.length() < 300, text);
    }
    assertEquals(2, answer.size(), "only error and message: " + answer);
    assertFalse(
        answer.toString().contains("at dev.") || answer.toString().contains("Exception"),
        answer.toString());
    assertEquals(readsBefore, harness.getItems(), "bad input never reaches DynamoDB");
    assertEquals(0, EVENTS.events().size());
  }

  @Test
  void invalidUtf8IsInvalidJson() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] payload = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    harness.handler.handleRequest(new java.io.ByteArrayInputStream(payload), out, null);
    JsonNode answer = dev.warmcache.json.Json.MAPPER.readTree(out.toByteArray());
    assertEquals("InvalidJson", answer.get("error").asText(), answer.toString());
  }
}
