package dev.warmcache.local.stepfunctions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.JsonProtocolService;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.ExecutionStatus;
import dev.warmcache.local.stepfunctions.engine.HistoryEvent;
import dev.warmcache.local.stepfunctions.engine.StateMachine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Step Functions' JSON 1.0 API ({@code X-Amz-Target: AWSStepFunctions.*}) on top of the workflow's
 * {@link StepFunctionsEngine}: StartExecution, DescribeExecution, ListExecutions,
 * GetExecutionHistory, StopExecution, ListStateMachines, DescribeStateMachine and
 * DescribeStateMachineForExecution. Lists page with {@code maxResults}/{@code nextToken} as on AWS,
 * so the CLI's automatic pagination works.
 */
public final class StepFunctionsService implements JsonProtocolService {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_PAGE = 100;
  private static final int MAX_PAGE = 1000;

  private final StepFunctionsEngine engine;

  public StepFunctionsService(StepFunctionsEngine engine) {
    this.engine = engine;
  }

  @Override
  public String targetPrefix() {
    return "AWSStepFunctions";
  }

  @Override
  public String jsonVersion() {
    return "1.0";
  }

  @Override
  public EdgeResponse handle(String operation, EdgeRequest request) {
    JsonNode input = request.jsonObject();
    ObjectNode output;
    try {
      output =
          switch (operation) {
            case "StartExecution" -> startExecution(input);
            case "DescribeExecution" -> describeExecution(input);
            case "ListExecutions" -> listExecutions(input);
            case "GetExecutionHistory" -> getExecutionHistory(input);
            case "StopExecution" -> stopExecution(input);
            case "ListStateMachines" -> listStateMachines(input);
            case "DescribeStateMachine" -> describeStateMachine(required(input, "stateMachineArn"));
            case "DescribeStateMachineForExecution" ->
                describeStateMachine(execution(input).stateMachineArn());
            default -> throw AwsException.unknownOperation("AWSStepFunctions." + operation);
          };
    } catch (StepFunctionsException e) {
      throw new AwsException(400, e.errorCode(), e.getMessage());
    }
    return EdgeResponse.of(200, "application/x-amz-json-1.0", output.toString());
  }

  private ObjectNode startExecution(JsonNode input) {
    String machineArn = arn(required(input, "stateMachineArn"));
    JsonNode name = input.get("name");
    JsonNode executionInput = input.get("input");
    Execution started =
        engine.startExecution(
            machineArn,
            name == null ? null : name.asText(),
            executionInput == null ? null : executionInput.asText());
    ObjectNode output = JSON.createObjectNode();
    output.put("executionArn", started.executionArn());
    output.put("startDate", seconds(started.startDate()));
    return output;
  }

  private ObjectNode describeExecution(JsonNode input) {
    Execution e = execution(input);
    ObjectNode output = summary(e);
    output.put("input", e.input());
    output.putObject("inputDetails").put("included", true);
    if (e.output() != null) {
      output.put("output", e.output());
      output.putObject("outputDetails").put("included", true);
    }
    if (e.error() != null) {
      output.put("error", e.error());
    }
    if (e.cause() != null) {
      output.put("cause", e.cause());
    }
    return output;
  }

  private ObjectNode listExecutions(JsonNode input) {
    String machineArn = arn(required(input, "stateMachineArn"));
    ExecutionStatus filter = null;
    if (input.hasNonNull("statusFilter")) {
      String status = input.path("statusFilter").asText();
      try {
        filter = ExecutionStatus.valueOf(status);
      } catch (IllegalArgumentException e) {
        throw AwsException.validation(
            "1 validation error detected: Value '"
                + status
                + "' at 'statusFilter' failed to "
                + "satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED]");
      }
    }
    return page(input, engine.listExecutions(machineArn, filter), "executions", this::summary);
  }

  private ObjectNode getExecutionHistory(JsonNode input) {
    Execution e = execution(input);
    List<HistoryEvent> events = new ArrayList<>(engine.history(e.executionArn()));
    if (input.path("reverseOrder").asBoolean(false)) {
      Collections.reverse(events);
    }
    boolean includeData = input.path("includeExecutionData").asBoolean(true);
    return page(
        input,
        events,
        "events",
        event -> {
          ObjectNode json = event.toAwsJson();
          if (!includeData) {
            stripData(json);
          }
          return json;
        });
  }

  /** {@code includeExecutionData: false} leaves inputs and outputs out of every event's details. */
  private static void stripData(ObjectNode event) {
    event
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getValue() instanceof ObjectNode details) {
                details.remove(List.of("input", "output", "result", "parameters"));
              }
            });
  }

  private ObjectNode stopExecution(JsonNode input) {
    Execution e = execution(input);
    Execution stopped =
        engine.stopExecution(e.executionArn(), text(input, "error"), text(input, "cause"));
    ObjectNode output = JSON.createObjectNode();
    output.put(
        "stopDate", seconds(stopped.stopDate() == null ? Instant.now() : stopped.stopDate()));
    return output;
  }

  private ObjectNode listStateMachines(JsonNode input) {
    return page(
        input,
        engine.stateMachines(),
        "stateMachines",
        machine -> {
          ObjectNode json = JSON.createObjectNode();
          json.put("stateMachineArn", machine.stateMachineArn());
          json.put("name", machine.name());
          json.put("type", "STANDARD");
          json.put("creationDate", seconds(machine.creationDate()));
          return json;
        });
  }

  private ObjectNode describeStateMachine(String arn) {
    StateMachine machine =
        engine
            .stateMachine(arn(arn))
            .orElseThrow(
                () ->
                    new AwsException(
                        400,
                        "StateMachineDoesNotExist",
                        "State Machine Does Not Exist: '" + arn + "'"));
    ObjectNode output = JSON.createObjectNode();
    output.put("stateMachineArn", machine.stateMachineArn());
    output.put("name", machine.name());
    output.put("status", "ACTIVE");
    output.put("definition", machine.definition());
    output.put("roleArn", machine.roleArn());
    output.put("type", "STANDARD");
    output.put("creationDate", seconds(machine.creationDate()));
    output.putObject("loggingConfiguration").put("level", "OFF").put("includeExecutionData", false);
    output.putObject("tracingConfiguration").put("enabled", false);
    return output;
  }

  private Execution execution(JsonNode input) {
    String arn = arn(required(input, "executionArn"));
    return engine
        .describeExecution(arn)
        .orElseThrow(
            () ->
                new AwsException(
                    400, "ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'"));
  }

  private ObjectNode summary(Execution e) {
    ObjectNode json = JSON.createObjectNode();
    json.put("executionArn", e.executionArn());
    json.put("stateMachineArn", e.stateMachineArn());
    json.put("name", e.name());
    json.put("status", e.status().name());
    json.put("startDate", seconds(e.startDate()));
    if (e.stopDate() != null) {
      json.put("stopDate", seconds(e.stopDate()));
    }
    return json;
  }

  /** One page of {@code items}; the token is the offset of the next page, opaque to callers. */
  private static <T> ObjectNode page(
      JsonNode input, List<T> items, String field, Function<T, ObjectNode> render) {
    int size = input.path("maxResults").asInt(0);
    if (size < 0 || size > MAX_PAGE) {
      throw AwsException.validation(
          "1 validation error detected: Value '"
              + size
              + "' at 'maxResults' failed to "
              + "satisfy constraint: Member must have value less than or equal to "
              + MAX_PAGE);
    }
    size = size == 0 ? DEFAULT_PAGE : size;
    int from = 0;
    if (input.hasNonNull("nextToken")) {
      try {
        from =
            Integer.parseInt(
                new String(
                    Base64.getUrlDecoder().decode(input.path("nextToken").asText()),
                    StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new AwsException(
            400, "InvalidToken", "Invalid Token: '" + input.path("nextToken").asText() + "'");
      }
    }
    ObjectNode output = JSON.createObjectNode();
    ArrayNode array = output.putArray(field);
    int to = Math.min(items.size(), Math.max(from, 0) + size);
    for (int i = Math.max(from, 0); i < to; i++) {
      array.add(render.apply(items.get(i)));
    }
    if (to < items.size()) {
      output.put(
          "nextToken",
          Base64.getUrlEncoder()
              .encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)));
    }
    return output;
  }

  private static String arn(String arn) {
    if (!arn.startsWith("arn:aws:states:")) {
      throw new AwsException(400, "InvalidArn", "Invalid Arn: '" + arn + "'");
    }
    return arn;
  }

  private static String required(JsonNode input, String field) {
    String value = text(input, field);
    if (value == null || value.isEmpty()) {
      throw AwsException.validation(
          "1 validation error detected: Value null at '"
              + field
              + "' failed to satisfy constraint: Member must not be null");
    }
    return value;
  }

  private static String text(JsonNode input, String field) {
    JsonNode value = input.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }
}
