package dev.warmcache.local.stepfunctions.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.eventbridge.bus.EventSink;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.lambda.pool.LambdaServiceException;
import dev.warmcache.local.stepfunctions.engine.TaskCall;
import dev.warmcache.local.stepfunctions.engine.TaskFailedException;
import dev.warmcache.local.stepfunctions.engine.TaskHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs Task states the way Step Functions' optimized integrations do; see the package docs for the
 * resources, result shapes and error names.
 */
public final class ServiceIntegrations implements TaskHandler {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
  private static final String DYNAMODB = "arn:aws:states:::dynamodb:";
  private static final String PUT_EVENTS = "arn:aws:states:::events:putEvents";
  private static final Map<String, String> DYNAMODB_OPERATIONS =
      Map.of(
          "getItem",
          "GetItem",
          "putItem",
          "PutItem",
          "updateItem",
          "UpdateItem",
          "deleteItem",
          "DeleteItem");

  private final LambdaInvoker lambda;
  private final DynamoDbApi dynamodb;
  private final EventSink events;
  private final ExecutorService asyncInvocations =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "lambda-async-invoke");
            t.setDaemon(true);
            return t;
          });

  public ServiceIntegrations(LambdaInvoker lambda, DynamoDbApi dynamodb, EventSink events) {
    this.lambda = lambda;
    this.dynamodb = dynamodb;
    this.events = events;
  }

  @Override
  public JsonNode execute(TaskCall call) throws TaskFailedException {
    String resource = call.resource();
    if (resource.equals(LAMBDA_INVOKE)) {
      return invokeOptimized(call.parameters());
    }
    if (resource.startsWith("arn:aws:lambda:") && resource.contains(":function:")) {
      return payloadOf(invoke(resource, call.parameters()));
    }
    if (resource.startsWith(DYNAMODB)
        && DYNAMODB_OPERATIONS.containsKey(resource.substring(DYNAMODB.length()))) {
      return dynamodb(
          DYNAMODB_OPERATIONS.get(resource.substring(DYNAMODB.length())), call.parameters());
    }
    if (resource.equals(PUT_EVENTS)) {
      return putEvents(call.parameters());
    }
    throw new TaskFailedException(
        "States.Runtime", "The local twin does not support the resource " + resource);
  }

  private JsonNode invokeOptimized(JsonNode parameters) throws TaskFailedException {
    String function = parameters.path("FunctionName").asText("");
    if (function.isEmpty()) {
      throw new TaskFailedException(
          "Lambda.InvalidParameterValueException", "FunctionName is required");
    }
    JsonNode payload =
        parameters.has("Payload") ? parameters.get("Payload") : JSON.createObjectNode();
    ObjectNode result = JSON.createObjectNode();
    if ("Event".equals(parameters.path("InvocationType").asText())) {
      String requestId = UUID.randomUUID().toString();
      byte[] body = bytes(payload);
      asyncInvocations.submit(() -> lambda.invoke(function, body));
      result.put("ExecutedVersion", "$LATEST");
      result.put("Payload", "");
      result.set("SdkHttpMetadata", httpMetadata(202, requestId));
      result.set("SdkResponseMetadata", JSON.createObjectNode().put("RequestId", requestId));
      result.put("StatusCode", 202);
      return result;
    }
    InvocationResult invocation = invoke(function, payload);
    // Lambda answers Invoke under the request id the function saw, so the metadata and the
    // function's logs agree.
    String requestId = invocation.requestId();
    result.put("ExecutedVersion", "$LATEST");
    result.set("Payload", payloadOf(invocation));
    result.set("SdkHttpMetadata", httpMetadata(200, requestId));
    result.set("SdkResponseMetadata", JSON.createObjectNode().put("RequestId", requestId));
    result.put("StatusCode", 200);
    return result;
  }

  private InvocationResult invoke(String function, JsonNode payload) throws TaskFailedException {
    InvocationResult invocation;
    try {
      invocation = lambda.invoke(function, bytes(payload));
    } catch (LambdaServiceException e) {
      throw new TaskFailedException(
          "Lambda." + e.errorCode(),
          e.getMessage()
              + " (Service: Lambda, Status Code: "
              + e.statusCode()
              + ", Request ID: "
              + UUID.randomUUID()
              + ")");
    }
    if (invocation.failed()) {
      // As on AWS: the error is the runtime's errorType, the cause the whole error document.
      String error = invocation.errorType() == null ? "Lambda.Unknown" : invocation.errorType();
      throw new TaskFailedException(error, invocation.payloadAsString());
    }
    return invocation;
  }

  private static JsonNode payloadOf(InvocationResult invocation) {
    String text = invocation.payloadAsString();
    if (text.isBlank()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  private JsonNode dynamodb(String operation, JsonNode request) throws TaskFailedException {
    try {
      JsonNode response = dynamodb.call(operation, request);
      ObjectNode result =
          response.isObject() ? ((ObjectNode) response).deepCopy() : JSON.createObjectNode();
      String requestId = UUID.randomUUID().toString();
      result.set("SdkHttpMetadata", httpMetadata(200, requestId));
      result.set("SdkResponseMetadata", JSON.createObjectNode().put("RequestId", requestId));
      return result;
    } catch (DynamoDbApiException e) {
      throw new TaskFailedException(
          "DynamoDB." + e.errorCode(),
          e.getMessage()
              + " (Service: AmazonDynamoDBv2; Status Code: "
              + e.statusCode()
              + "; Error Code: "
              + e.errorCode()
              + "; Request ID: "
              + e.requestId()
              + "; Proxy: null)");
    }
  }

  private JsonNode putEvents(JsonNode parameters) throws TaskFailedException {
    JsonNode entriesNode = parameters.path("Entries");
    if (!entriesNode.isArray() || entriesNode.isEmpty() || entriesNode.size() > 10) {
      throw new TaskFailedException(
          "EventBridge.ValidationException", "Entries must hold 1 to 10 events");
    }
    List<PutEntry> entries = new ArrayList<>();
    for (JsonNode entry : entriesNode) {
      JsonNode detail = entry.path("Detail");
      // Step Functions serializes an object Detail to its JSON text; a string goes as written.
      String detailText =
          detail.isTextual() ? detail.asText() : detail.isMissingNode() ? "{}" : detail.toString();
      List<String> resources = new ArrayList<>();
      entry.path("Resources").forEach(r -> resources.add(r.asText()));
      entries.add(
          new PutEntry(
              entry.path("Source").asText(null),
              entry.path("DetailType").asText(null),
              detailText,
              entry.path("EventBusName").asText(null),
              List.copyOf(resources),
              null));
    }
    List<PutEntry.Result> results = entries.stream().map(events::put).toList();
    ObjectNode output = JSON.createObjectNode();
    ArrayNode out = output.putArray("Entries");
    int failed = 0;
    for (PutEntry.Result r : results) {
      ObjectNode item = out.addObject();
      if (r.isFailed()) {
        failed++;
        item.put("ErrorCode", r.errorCode());
        item.put("ErrorMessage", r.errorMessage());
      } else {
        item.put("EventId", r.eventId());
      }
    }
    output.put("FailedEntryCount", failed);
    if (failed > 0) {
      throw new TaskFailedException("EventBridge.FailedEntry", output.toString());
    }
    return output;
  }

  private static ObjectNode httpMetadata(int status, String requestId) {
    ObjectNode metadata = JSON.createObjectNode();
    ObjectNode headers =
        JSON.createObjectNode()
            .put("x-amzn-RequestId", requestId)
            .put("Content-Type", "application/json");
    metadata.set("AllHttpHeaders", JSON.createObjectNode());
    metadata.set("HttpHeaders", headers);
    metadata.put("HttpStatusCode", status);
    return metadata;
  }

  private static byte[] bytes(JsonNode payload) {
    return payload.toString().getBytes(StandardCharsets.UTF_8);
  }
}
