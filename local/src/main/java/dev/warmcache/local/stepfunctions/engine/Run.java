package dev.warmcache.local.stepfunctions.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One execution's mutable record; every change goes through its lock. */
final class Run {
  final String executionArn;
  final String stateMachineArn;
  final String name;
  final String input;

  final Instant startDate = Instant.now();
  final CompletableFuture<Execution> done = new CompletableFuture<>();
  private final List<HistoryEvent> history = new ArrayList<>();
  private ExecutionStatus status = ExecutionStatus.RUNNING;
  private Instant stopDate;
  private String output;
  private String error;
  private String cause;

  /** About what this record holds: its input, output and event details, in characters. */
  private long bytes;

  Run(String executionArn, String stateMachineArn, String name, String input) {
    this.executionArn = executionArn;
    this.stateMachineArn = stateMachineArn;
    this.name = name;
    this.input = input;
    this.bytes = input.length();
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized boolean running() {
    return status == ExecutionStatus.RUNNING;
  }

  synchronized ExecutionStatus status() {
    return status;
  }

  /** Moves to a final status once, with its closing event; later calls return null. */
  HistoryEvent finish(
      ExecutionStatus finalStatus,
      String output,
      String error,
      String cause,
      String type,
      String field,
      ObjectNode details) {
    Execution snapshot;
    HistoryEvent event;
    synchronized (this) {
      if (status != ExecutionStatus.RUNNING) {
        return null;
      }
      event = append(type, field, details);
      this.status = finalStatus;
      this.stopDate = Instant.now();
      this.output = output;
      this.bytes += output == null ? 0 : output.length();
      this.error = error;
      this.cause = cause;
      snapshot = snapshot();
    }
    done.complete(snapshot);
    return event;
  }

  /**
   * Adds an event while the execution runs; null once it has finished, whose closing event stays
   * the last (the sidecar's messages about a stopped execution can arrive after it).
   */
  synchronized HistoryEvent append(String type, String field, ObjectNode details) {
    if (status != ExecutionStatus.RUNNING) {
      return null;
    }
    long id = history.size() + 1L;
    HistoryEvent event = new HistoryEvent(id, id - 1, Instant.now(), type, field, details);
    history.add(event);
    bytes += weight(details);
    return event;
  }

  /** The characters of an event's details: its input, output and parameters texts dominate. */
  private static long weight(JsonNode details) {
    if (details == null) {
      return 0;
    }
    long chars = 0;
    for (JsonNode value : details) {
      chars += value.isTextual() ? value.asText().length() : 16;
    }
    return chars;
  }

  synchronized List<HistoryEvent> events() {
    return List.copyOf(history);
  }

  synchronized Execution snapshot() {
    return new Execution(
        executionArn,
        stateMachineArn,
        name,
        status,
        startDate,
        stopDate,
        input,
        output,
        error,
        cause);
  }
}
