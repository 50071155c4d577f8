package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The refresh workflow's executions, read through the twin's Step Functions API
 * ({@code ListExecutions}, {@code DescribeExecution}, {@code GetExecutionHistory}) as the Step
 * Functions console reads AWS. Times are turned into epoch milliseconds for the page.
 */
final class Executions {

  /** Inputs never change, so each execution is described once for its trigger; bounded for long sessions. */
  private static final int TRIGGER_CACHE = 2_000;

  private final EdgeClient edge;
  private final ObjectMapper json;
  private final String stateMachineArn;
  private final Map<String, Trigger> triggers = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Trigger> eldest) {
      return size() > TRIGGER_CACHE;
    }
  });

  Executions(EdgeClient edge, ObjectMapper json, String stateMachineArn) {
    this.edge = edge;
    this.json = json;
    this.stateMachineArn = stateMachineArn;
  }

  String stateMachineArn() {
    return stateMachineArn;
  }

  /** The newest {@code max} executions, newest first, each with its trigger. */
  ArrayNode list(int max) {
    ObjectNode request = json.createObjectNode().put("stateMachineArn", stateMachineArn).put("maxResults", max);
    List<JsonNode> found = new ArrayList<>();
    edge.stepFunctions("ListExecutions", request).path("executions").forEach(found::add);
    found.sort(Comparator.comparingLong((JsonNode e) -> millis(e.path("startDate"))).reversed());
    ArrayNode out = json.createArrayNode();
    for (JsonNode e : found.subList(0, Math.min(max, found.size()))) {
      String arn = e.path("executionArn").asText();
      ObjectNode row = summary(e);
      row.set("trigger", json.valueToTree(triggers.computeIfAbsent(arn, this::describeTrigger)));
      out.add(row);
    }
    return out;
  }

  /** One execution: its description and its full AWS-shaped event history. */
  ObjectNode detail(String executionArn) {
    JsonNode described = edge.stepFunctions("DescribeExecution",
        json.createObjectNode().put("executionArn", executionArn));
    ObjectNode execution = summary(described);
    execution.set("trigger", json.valueToTree(triggerOf(described.path("input").asText("null"))));
    for (String field : List.of("input", "output", "error", "cause")) {
      if (described.hasNonNull(field)) {
        execution.put(field, described.get(field).asText());
      }
    }
    ArrayNode events = json.createArrayNode();
    String token = null;
    do {
      ObjectNode request = json.createObjectNode().put("executionArn", executionArn).put("maxResults", 1000);
      if (token != null) {
        request.put("nextToken", token);
      }
      JsonNode page = edge.stepFunctions("GetExecutionHistory", request);
      for (JsonNode event : page.path("events")) {
        ObjectNode copy = event.deepCopy();
        copy.put("timestamp", millis(event.path("timestamp")));
        events.add(copy);
      }
      token = page.path("nextToken").isTextual() ? page.path("nextToken").asText() : null;
    } while (token != null);
    ObjectNode out = json.createObjectNode();
    out.set("execution", execution);
    out.set("events", events);
    return out;
  }

  private ObjectNode summary(JsonNode e) {
    ObjectNode row = json.createObjectNode();
    row.put("executionArn", e.path("executionArn").asText());
    row.put("name", e.path("name").asText());
    row.put("status", e.path("status").asText());
    row.put("startDate", millis(e.path("startDate")));
    if (e.hasNonNull("stopDate")) {
      row.put("stopDate", millis(e.path("stopDate")));
    } else {
      row.putNull("stopDate");
    }
    return row;
  }

  private Trigger describeTrigger(String executionArn) {
    JsonNode described = edge.stepFunctions("DescribeExecution",
        json.createObjectNode().put("executionArn", executionArn));
    return triggerOf(described.path("input").asText("null"));
  }

  private Trigger triggerOf(String input) {
    try {
      return Trigger.of(json.readTree(input));
    } catch (IOException e) {
      return new Trigger("manual", null, "input is not JSON");
    }
  }

  /** The JSON protocols send timestamps as epoch seconds (with a fraction); ISO strings are tolerated. */
  static long millis(JsonNode time) {
    if (time.isNumber()) {
      return Math.round(time.asDouble() * 1000);
    }
    if (time.isTextual()) {
      String text = time.asText();
      try {
        return Math.round(Double.parseDouble(text) * 1000);
      } catch (NumberFormatException notANumber) {
        return Instant.parse(text).toEpochMilli();
      }
    }
    return 0;
  }
}
