package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every Lambda task of the real ASL deals with each way a Lambda call fails on purpose: the service
 * errors AWS recommends retrying (Step Functions developer guide, "Handle Lambda service
 * exceptions"), and a function timeout, which the optimized integration reports as {@code
 * Sandbox.Timedout} and the legacy one as {@code Lambda.Unknown}.
 */
class AslErrorHandlingTest {

  private static final Set<String> SERVICE_ERRORS =
      Set.of(
          "Lambda.ClientExecutionTimeoutException",
          "Lambda.ServiceException",
          "Lambda.AWSLambdaException",
          "Lambda.SdkClientException",
          "Lambda.TooManyRequestsException");
  private static final Set<String> FUNCTION_TIMEOUT = Set.of("Sandbox.Timedout", "Lambda.Unknown");

  private record LambdaTask(String name, JsonNode state, boolean caughtAround) {}

  @Test
  void everyLambdaTaskRetriesServiceErrorsAndHandlesAFunctionTimeout() throws Exception {
    JsonNode asl =
        new ObjectMapper()
            .readTree(
                Path.of(
                        System.getProperty(
                            "warmcache.asl.file", "../statemachine/refresh.asl.json"))
                    .toFile());
    List<LambdaTask> tasks = new ArrayList<>();
    collect(asl.path("States"), false, tasks);
    assertFalse(tasks.isEmpty());

    for (LambdaTask task : tasks) {
      Set<String> retried = errors(task.state().path("Retry"));
      assertTrue(retried.containsAll(SERVICE_ERRORS), task.name() + " retries " + retried);
      Set<String> caught = errors(task.state().path("Catch"));
      boolean timeoutHandled =
          retried.containsAll(FUNCTION_TIMEOUT)
              || caught.containsAll(FUNCTION_TIMEOUT)
              || caught.contains("States.ALL")
              || task.caughtAround();
      assertTrue(timeoutHandled, task.name() + " lets a function timeout through unhandled");
      assertTrue(
          task.state().path("TimeoutSeconds").asInt(0) > 0, task.name() + " has no TimeoutSeconds");
    }
  }

  /**
   * Step Functions names an optimized integration's errors "DynamoDB."/"EventBridge." plus the
   * exception name; where AWS documents no exact spelling, every plausible one is matched (see
   * docs/workflow.md, "Error names"), and every task of a service retries the same list.
   */
  @Test
  void everyDynamoDbAndEventBridgeTaskRetriesEveryPlausibleSpellingOfATransientError()
      throws Exception {
    JsonNode asl =
        new ObjectMapper()
            .readTree(
                Path.of(
                        System.getProperty(
                            "warmcache.asl.file", "../statemachine/refresh.asl.json"))
                    .toFile());
    Set<String> dynamoDb =
        Set.of(
            "DynamoDB.ProvisionedThroughputExceededException",
            "DynamoDB.ThrottlingException",
            "DynamoDB.RequestLimitExceeded",
            "DynamoDB.RequestLimitExceededException",
            "DynamoDB.InternalServerErrorException",
            "DynamoDB.InternalServerError",
            "DynamoDB.AmazonDynamoDBException");
    Set<String> eventBridge =
        Set.of(
            "EventBridge.FailedEntry",
            "EventBridge.InternalException",
            "EventBridge.ThrottlingException",
            "EventBridge.AmazonEventBridgeException",
            "EventBridge.EventBridgeException");
    int checked = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = asl.path("States").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String resource = e.getValue().path("Resource").asText();
      Set<String> retried = errors(e.getValue().path("Retry"));
      if (resource.startsWith("arn:aws:states:::dynamodb:")) {
        assertTrue(retried.containsAll(dynamoDb), e.getKey() + " retries " + retried);
        assertFalse(
            retried.contains("DynamoDB.ConditionalCheckFailedException"),
            e.getKey() + ": a lost condition is an answer");
        checked++;
      } else if (resource.equals("arn:aws:states:::events:putEvents")) {
        assertTrue(retried.containsAll(eventBridge), e.getKey() + " retries " + retried);
        checked++;
      }
    }
    assertTrue(checked >= 8, "found only " + checked + " DynamoDB and EventBridge tasks");
  }

  /** Lambda tasks, noting those inside a Map whose own Catch takes every error. */
  private static void collect(JsonNode states, boolean caughtAround, List<LambdaTask> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode state = e.getValue();
      if (state.path("Resource").asText().equals("arn:aws:states:::lambda:invoke")) {
        out.add(new LambdaTask(e.getKey(), state, caughtAround));
      }
      if (state.has("ItemProcessor")) {
        collect(
            state.path("ItemProcessor").path("States"),
            errors(state.path("Catch")).contains("States.ALL"),
            out);
      }
    }
  }

  private static Set<String> errors(JsonNode rules) {
    Set<String> out = new HashSet<>();
    rules.forEach(rule -> rule.path("ErrorEquals").forEach(name -> out.add(name.asText())));
    return out;
  }
}
