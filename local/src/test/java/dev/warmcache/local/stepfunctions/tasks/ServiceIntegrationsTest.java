package dev.warmcache.local.stepfunctions.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.lambda.pool.TooManyRequestsException;
import dev.warmcache.local.stepfunctions.engine.TaskCall;
import dev.warmcache.local.stepfunctions.engine.TaskFailedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Result shapes and error names of the integrations, with the services behind them stubbed at their
 * interfaces.
 */
class ServiceIntegrationsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<PutEntry> published = new ArrayList<>();

  private static InvocationResult ok(String payload) {
    return new InvocationResult(
        payload.getBytes(StandardCharsets.UTF_8),
        null,
        null,
        null,
        "req-1",
        "i-1",
        Optional.empty(),
        Duration.ZERO);
  }

  private ServiceIntegrations integrations(LambdaInvoker lambda, DynamoDbApi dynamodb) {
    return new ServiceIntegrations(
        lambda,
        dynamodb,
        entry -> {
          published.add(entry);
          return PutEntry.Result.accepted("evt-" + published.size());
        });
  }

  private static TaskCall call(String resource, String parameters) throws Exception {
    return new TaskCall("arn:exec", "State", resource, JSON.readTree(parameters));
  }

  @Test
  void optimizedLambdaInvokeWrapsThePayloadLikeAws() throws Exception {
    List<String> seen = new ArrayList<>();
    ServiceIntegrations tasks =
        integrations(
            (fn, payload) -> {
              seen.add(fn + " " + new String(payload, StandardCharsets.UTF_8));
              return ok("{\"answer\":42}");
            },
            (op, req) -> JSON.createObjectNode());

    JsonNode result =
        tasks.execute(
            call(
                "arn:aws:states:::lambda:invoke",
                "{\"FunctionName\":\"arn:fn\",\"Payload\":{\"q\":1}}"));

    assertEquals(List.of("arn:fn {\"q\":1}"), seen);
    assertEquals(42, result.get("Payload").get("answer").asInt());
    assertEquals(200, result.get("StatusCode").asInt());
    assertEquals("$LATEST", result.get("ExecutedVersion").asText());
    assertTrue(result.has("SdkHttpMetadata"));
    assertEquals(
        "req-1",
        result.path("SdkResponseMetadata").path("RequestId").asText(),
        "the function's own request id");
    assertEquals(
        "req-1",
        result.path("SdkHttpMetadata").path("HttpHeaders").path("x-amzn-RequestId").asText());
    JsonNode legacy =
        tasks.execute(call("arn:aws:lambda:us-east-1:000000000000:function:f", "{\"q\":2}"));
    assertEquals(
        42, legacy.get("answer").asInt(), "a bare function ARN returns the payload itself");
  }

  @Test
  void functionErrorsAndThrottlesGetStepFunctionsNames() throws Exception {
    ServiceIntegrations failing =
        integrations(
            (fn, payload) ->
                new InvocationResult(
                    "{\"errorMessage\":\"bad id\",\"errorType\":\"com.example.BadIdException\",\"stackTrace\":[]}"
                        .getBytes(StandardCharsets.UTF_8),
                    "Unhandled",
                    "com.example.BadIdException",
                    "bad id",
                    "req-1",
                    "i-1",
                    Optional.empty(),
                    Duration.ZERO),
            (op, req) -> null);
    TaskFailedException functionError =
        assertThrows(
            TaskFailedException.class,
            () ->
                failing.execute(
                    call(
                        "arn:aws:states:::lambda:invoke",
                        "{\"FunctionName\":\"f\",\"Payload\":{}}")));
    assertEquals("com.example.BadIdException", functionError.error());
    assertEquals("bad id", JSON.readTree(functionError.cause()).get("errorMessage").asText());

    ServiceIntegrations throttled =
        integrations(
            (fn, payload) -> {
              throw new TooManyRequestsException("f", 1);
            },
            (op, req) -> null);
    TaskFailedException throttle =
        assertThrows(
            TaskFailedException.class,
            () ->
                throttled.execute(
                    call(
                        "arn:aws:states:::lambda:invoke",
                        "{\"FunctionName\":\"f\",\"Payload\":{}}")));
    assertEquals("Lambda.TooManyRequestsException", throttle.error());
  }

  @Test
  void dynamodbParametersAreTheRequestAndErrorsArePrefixed() throws Exception {
    List<String> ops = new ArrayList<>();
    ServiceIntegrations tasks =
        integrations(
            (fn, p) -> ok("{}"),
            (op, req) -> {
              ops.add(op + " " + req);
              if (op.equals("PutItem")) {
                throw new DynamoDbApiException(
                    "ConditionalCheckFailedException",
                    400,
                    "The conditional request failed",
                    "req-1");
              }
              return JSON.createObjectNode()
                  .set(
                      "Attributes",
                      JSON.createObjectNode().set("id", JSON.createObjectNode().put("S", "15")));
            });

    JsonNode updated =
        tasks.execute(
            call(
                "arn:aws:states:::dynamodb:updateItem",
                "{\"TableName\":\"t\",\"Key\":{\"id\":{\"S\":\"15\"}}}"));
    TaskFailedException conflict =
        assertThrows(
            TaskFailedException.class,
            () ->
                tasks.execute(call("arn:aws:states:::dynamodb:putItem", "{\"TableName\":\"t\"}")));

    assertEquals("UpdateItem {\"TableName\":\"t\",\"Key\":{\"id\":{\"S\":\"15\"}}}", ops.get(0));
    assertEquals("15", updated.get("Attributes").get("id").get("S").asText());
    assertEquals("DynamoDB.ConditionalCheckFailedException", conflict.error());
    assertTrue(
        conflict
            .cause()
            .startsWith(
                "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400"));
  }

  @Test
  void putEventsSerializesAnObjectDetailAndReportsEventIds() throws Exception {
    ServiceIntegrations tasks = integrations((fn, p) -> ok("{}"), (op, req) -> null);

    JsonNode result =
        tasks.execute(
            call(
                "arn:aws:states:::events:putEvents",
                "{\"Entries\":[{\"EventBusName\":\"warmcache\",\"Source\":\"warmcache.refresh\",\"DetailType\":\"CacheRefreshed\",\"Detail\":{\"id\":\"15\"}}]}"));

    assertEquals(0, result.get("FailedEntryCount").asInt());
    assertEquals("evt-1", result.get("Entries").get(0).get("EventId").asText());
    assertEquals("{\"id\":\"15\"}", published.get(0).detail());
    assertEquals("CacheRefreshed", published.get(0).detailType());
  }

  @Test
  void anUnsupportedResourceFailsWithStatesRuntime() {
    ServiceIntegrations tasks = integrations((fn, p) -> ok("{}"), (op, req) -> null);
    TaskFailedException e =
        assertThrows(
            TaskFailedException.class,
            () -> tasks.execute(call("arn:aws:states:::sqs:sendMessage", "{}")));
    assertEquals("States.Runtime", e.error());
  }
}
