package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.HistoryEvent;
import dev.warmcache.local.stepfunctions.engine.StateMachine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsException;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The refresh workflow's executions, straight from the twin's Step Functions engine: the same
 * records its {@code ListExecutions}, {@code DescribeExecution} and {@code GetExecutionHistory}
 * answer with, and the definition as it runs (placeholders filled). Times become epoch ms.
 */
final class Executions {

  /** Inputs never change, so each execution's trigger is parsed once; bounded for long sessions. */
  private static final int TRIGGER_CACHE = 2_000;

  private final StepFunctionsEngine engine;
  private final ObjectMapper json;
  private final String stateMachineArn;
  private final Map<String, Trigger> triggers =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Trigger> eldest) {
              return size() > TRIGGER_CACHE;
            }
          });

  Executions(StepFunctionsEngine engine, ObjectMapper json, String stateMachineArn) {
    this.engine = engine;
    this.json = json;
    this.stateMachineArn = stateMachineArn;
  }

  String stateMachineArn() {
    return stateMachineArn;
  }

  /** The newest {@code max} executions, newest first, each with its trigger. */
  ArrayNode list(int max) {
    List<Execution> all = call(() -> engine.listExecutions(stateMachineArn, null));
    ArrayNode out = json.createArrayNode();
    for (Execution e : all.subList(0, Math.min(max, all.size()))) {
      ObjectNode row = summary(e);
      row.set(
          "trigger",
          json.valueToTree(
              triggers.computeIfAbsent(e.executionArn(), arn -> triggerOf(e.input()))));
      out.add(row);
    }
    return out;
  }

  /** One execution: its description and its AWS-shaped event history so far. */
  ObjectNode detail(String executionArn) {
    Execution e =
        engine
            .describeExecution(executionArn)
            .orElseThrow(
                () ->
                    new ConsoleException(
                        404,
                        "ExecutionDoesNotExist",
                        "Execution Does Not Exist: '" + executionArn + "'"));
    ObjectNode execution = summary(e);
    execution.set("trigger", json.valueToTree(triggerOf(e.input())));
    execution.put("input", e.input());
    execution.put("output", e.output());
    execution.put("error", e.error());
    execution.put("cause", e.cause());
    ArrayNode events = json.createArrayNode();
    for (HistoryEvent event : call(() -> engine.history(executionArn))) {
      ObjectNode aws = event.toAwsJson();
      aws.put("timestamp", event.timestamp().toEpochMilli());
      events.add(aws);
    }
    ObjectNode out = json.createObjectNode();
    out.set("execution", execution);
    out.set("events", events);
    return out;
  }

  /** The definition the engine runs, as JSON. */
  JsonNode definition() {
    StateMachine machine =
        engine
            .stateMachine(stateMachineArn)
            .orElseThrow(
                () ->
                    new ConsoleException(
                        404,
                        "StateMachineDoesNotExist",
                        "State Machine Does Not Exist: '" + stateMachineArn + "'"));
    try {
      return json.readTree(machine.definition());
    } catch (IOException e) {
      throw new ConsoleException(500, "InvalidDefinition", "The running definition is not JSON");
    }
  }

  private ObjectNode summary(Execution e) {
    ObjectNode row = json.createObjectNode();
    row.put("executionArn", e.executionArn());
    row.put("name", e.name());
    row.put("status", e.status().name());
    row.put("startDate", millis(e.startDate()));
    row.put("stopDate", millis(e.stopDate()));
    return row;
  }

  private Trigger triggerOf(String input) {
    try {
      return Trigger.of(json.readTree(input == null ? "null" : input));
    } catch (IOException e) {
      return new Trigger(Trigger.MANUAL, null, "input is not JSON");
    }
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  private static <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (StepFunctionsException e) {
      throw new ConsoleException(
          e.errorCode().endsWith("DoesNotExist") ? 404 : 400, e.errorCode(), e.getMessage());
    }
  }
}
