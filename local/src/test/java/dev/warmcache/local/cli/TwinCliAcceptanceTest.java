package dev.warmcache.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.origin.DemoOrigin;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.ExecutionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The acceptance scenarios, as a new user runs them: the whole twin on a random loopback
 * port, driven by the real AWS CLI v2 with dummy credentials and nothing but {@code
 * --endpoint-url}. The waits below are bounded polls for asynchronous work (TTL sweeps, workflows),
 * never timing assertions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwinCliAcceptanceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  static Twin twin;
  static AwsCli aws;
  static String machineArn;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    // A generous miss wait: the first read of a key waits for a cold refresh function on a busy CI
    // machine.
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(Map.of("MISS_WAIT_MS", "20000"))
                .build());
    aws = new AwsCli(twin.endpoint());
    machineArn = twin.stateMachine().stateMachineArn();
  }

  @AfterAll
  static void stop() {
    if (twin != null) twin.close();
  }

  private static JsonNode invokeReader(String payload) throws Exception {
    return aws.invoke("warmcache-reader", payload);
  }

  private static String putForceRefresh(String id) throws Exception {
    JsonNode out =
        aws.run(
                "events",
                "put-events",
                "--entries",
                "[{\"EventBusName\":\"warmcache\",\"Source\":"
                    + "\"warmcache.admin\",\"DetailType\":\"ForceRefresh\",\"Detail\":\"{\\\"id\\\":\\\""
                    + id
                    + "\\\"}\"}]")
            .ok();
    assertEquals(0, out.path("FailedEntryCount").asInt(), out.toString());
    return out.path("Entries").path(0).path("EventId").asText();
  }

  /** The execution that the rule target started for one event (its input is the event). */
  private static Execution executionOf(String eventId) throws Exception {
    return await(
        "an execution for event " + eventId,
        () ->
            twin.stepFunctions().listExecutions(machineArn, null).stream()
                .filter(e -> e.input().contains(eventId))
                .findFirst());
  }

  private static <T> T await(String what, Callable<Optional<T>> probe) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      Optional<T> value = probe.call();
      if (value.isPresent()) {
        return value.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "gave up waiting for " + what + " after " + PATIENCE.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
  }

  private static JsonNode item(String id) throws Exception {
    return aws.run(
            "dynamodb",
            "get-item",
            "--table-name",
            "warmcache",
            "--consistent-read",
            "--key",
            "{\"id\":{\"S\":\"" + id + "\"}}")
        .ok()
        .path("Item");
  }

  @Test
  @Order(1)
  void lambdaInvokeAnswersFromTheOriginOrDynamoDbThenFromMemory() throws Exception {
    JsonNode first = invokeReader("{\"id\":\"15\"}");
    assertEquals("15", first.path("id").asText(), first.toString());
    assertTrue(
        List.of("origin", "dynamodb").contains(first.path("source").asText()), first.toString());
    assertTrue(
        first.path("value").path("name").asText().contains("15"),
        "the demo origin's value: " + first);

    // Each instance has its own memory tier, as on Lambda; primes may have started more instances,
    // so a warm instance answers from memory within a few calls, never with an older version.
    List<String> sources = new ArrayList<>();
    for (int call = 0; call < 8 && !sources.contains("memory"); call++) {
      JsonNode next = invokeReader("{\"id\":15}");
      sources.add(next.path("source").asText());
      assertTrue(next.path("version").asLong() >= first.path("version").asLong(), next.toString());
    }
    assertTrue(sources.contains("memory"), "sources after the first read: " + sources);
  }

  @Test
  @Order(2)
  void forceRefreshRunsTheWorkflowAndWritesAHigherVersion() throws Exception {
    invokeReader("{\"id\":\"4\"}");
    long before = item("4").path("version").path("N").asLong();

    String eventId = putForceRefresh("4");
    Execution started = executionOf(eventId);
    twin.stepFunctions().awaitExecution(started.executionArn(), PATIENCE);

    JsonNode listed =
        aws.run(
                "stepfunctions",
                "list-executions",
                "--state-machine-arn",
                machineArn,
                "--status-filter",
                "SUCCEEDED")
            .ok()
            .path("executions");
    boolean found = false;
    for (JsonNode e : listed) {
      found |= e.path("executionArn").asText().equals(started.executionArn());
    }
    assertTrue(found, "list-executions shows the execution SUCCEEDED: " + listed);

    JsonNode events =
        aws.run("stepfunctions", "get-execution-history", "--execution-arn", started.executionArn())
            .ok()
            .path("events");
    List<String> types = new ArrayList<>();
    List<String> states = new ArrayList<>();
    events.forEach(
        e -> {
          types.add(e.path("type").asText());
          if (e.has("stateEnteredEventDetails")) {
            states.add(e.path("stateEnteredEventDetails").path("name").asText());
          }
        });
    assertEquals("ExecutionStarted", types.get(0));
    assertEquals("ExecutionSucceeded", types.get(types.size() - 1));
    assertTrue(states.contains("Fetch from the origin"), "states entered: " + states);

    long after = item("4").path("version").path("N").asLong();
    assertTrue(after > before, "get-item shows a higher version: " + before + " -> " + after);
  }

  @Test
  @Order(3)
  void anItemPastItsTtlIsDeletedByDynamoDbAndRefreshedByThePipe() throws Exception {
    long past = System.currentTimeMillis() / 1000 - 120;
    aws.run(
            "dynamodb",
            "put-item",
            "--table-name",
            "warmcache",
            "--item",
            "{\"id\":{\"S\":\"7\"},"
                + "\"value\":{\"S\":\"{\\\"stale\\\":true}\"},\"contentType\":{\"S\":\"application/json\"},"
                + "\"version\":{\"N\":\"5\"},\"fetchedAt\":{\"N\":\""
                + (past * 1000)
                + "\"},\"expiresAt\":{\"N\":\""
                + past
                + "\"}}")
        .ok();
    AwsJsonClient ddb = new AwsJsonClient(twin.dynamoDbEndpoint());
    await(
        "item 7 refreshed after its TTL deletion",
        () -> {
          JsonNode item =
              ddb.dynamoDb(
                      "GetItem",
                      Map.of(
                          "TableName",
                          "warmcache",
                          "ConsistentRead",
                          true,
                          "Key",
                          Map.of("id", Map.of("S", "7"))))
                  .path("Item");
          return item.path("version").path("N").asLong(0) > 5
              ? Optional.of(item)
              : Optional.empty();
        });
    JsonNode item = item("7");
    assertTrue(item.path("version").path("N").asLong() > 5, item.toString());
    assertTrue(
        item.path("expiresAt").path("N").asLong() > System.currentTimeMillis() / 1000,
        item.toString());
    assertTrue(item.path("value").path("S").asText().contains("demo item 7"), item.toString());
    assertTrue(twin.pipe().stats().started() >= 1, twin.pipe().stats().toString());
    Execution expiry =
        twin.stepFunctions().listExecutions(machineArn, null).stream()
            .filter(e -> e.input().contains("\"eventName\":\"REMOVE\""))
            .findFirst()
            .orElseThrow();
    assertTrue(
        expiry.input().startsWith("["),
        "the pipe starts the workflow with a batch of one: " + expiry.input());
  }

  /**
   * The functions run with the timeouts the CDK derives from the same settings (MISS_WAIT_MS=20000
   * here).
   */
  @Test
  @Order(4)
  void theFunctionsRunWithTheTimeoutsTheCdkGivesThem() throws Exception {
    dev.warmcache.settings.Settings settings =
        dev.warmcache.settings.Settings.from(Map.of("MISS_WAIT_MS", "20000"));
    assertEquals(
        settings.readerFunctionTimeout().toSeconds(),
        aws.run("lambda", "get-function", "--function-name", "warmcache-reader")
            .ok()
            .path("Configuration")
            .path("Timeout")
            .asLong());
    assertEquals(27, settings.readerFunctionTimeout().toSeconds());
    assertEquals(
        settings.refreshFunctionTimeout().toSeconds(),
        aws.run("lambda", "get-function", "--function-name", "warmcache-refresh")
            .ok()
            .path("Configuration")
            .path("Timeout")
            .asLong());
  }

  @Test
  @Order(4)
  void unknownOperationsGetAnAwsErrorNamingThem() throws Exception {
    AwsCli.Result result = aws.run("stepfunctions", "list-activities");
    assertNotEquals(0, result.exitCode());
    assertTrue(result.stderr().contains("UnknownOperationException"), result.stderr());
    assertTrue(result.stderr().contains("ListActivities"), result.stderr());
    AwsCli.Result missing = aws.run("lambda", "invoke", "--function-name", "nope", "/dev/null");
    assertTrue(missing.stderr().contains("ResourceNotFoundException"), missing.stderr());
  }

  @Test
  @Order(5)
  void lambdaInvocationTypesAndLogTail() throws Exception {
    Path out = Files.createTempFile("reader", ".json");
    try {
      JsonNode dryRun =
          aws.run(
                  "lambda",
                  "invoke",
                  "--function-name",
                  "warmcache-reader",
                  "--invocation-type",
                  "DryRun",
                  "--cli-binary-format",
                  "raw-in-base64-out",
                  "--payload",
                  "{\"id\":\"1\"}",
                  out.toString())
              .ok();
      assertEquals(204, dryRun.path("StatusCode").asInt());
      JsonNode event =
          aws.run(
                  "lambda",
                  "invoke",
                  "--function-name",
                  "warmcache-reader",
                  "--invocation-type",
                  "Event",
                  "--cli-binary-format",
                  "raw-in-base64-out",
                  "--payload",
                  "{\"id\":\"1\"}",
                  out.toString())
              .ok();
      assertEquals(202, event.path("StatusCode").asInt());
      String readerLog = readerLog("12");
      assertTrue(
          readerLog.contains("\"function_name\":\"warmcache-reader\""),
          "the reader's own log lines: " + readerLog);
      JsonNode tail =
          aws.run(
                  "lambda",
                  "invoke",
                  "--function-name",
                  "warmcache-refresh:live",
                  "--log-type",
                  "Tail",
                  "--cli-binary-format",
                  "raw-in-base64-out",
                  "--payload",
                  "{\"task\":\"no-such-task\"}",
                  out.toString())
              .ok();
      assertEquals("Unhandled", tail.path("FunctionError").asText());
      assertEquals("1", tail.path("ExecutedVersion").asText());
      String log = new String(Base64.getDecoder().decode(tail.path("LogResult").asText()));
      assertTrue(log.contains("REPORT RequestId:"), log);
      JsonNode error = JSON.readTree(Files.readString(out));
      assertTrue(
          error.path("errorType").asText().startsWith("dev.warmcache.refresh"), error.toString());
      assertEquals(0, error.path("stackTrace").size(), "no stack trace leaks: " + error);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * A new instance's first invocation logs {@code cold_start: true} and its second {@code false},
   * as Powertools does on Lambda, where the runtime sets {@code AWS_LAMBDA_INITIALIZATION_TYPE};
   * and every line names the function's service, not {@code service_undefined}.
   */
  @Test
  @Order(6)
  void aNewInstanceLogsItsColdStartOnce() throws Exception {
    twin.lambda().reclaimAll(Twin.READER);
    String first = readerLog("21");
    assertTrue(first.contains("\"cold_start\":true"), "first invocation: cold");
    assertTrue(readerLog("22").contains("\"cold_start\":false"), "second invocation: warm");
    // On AWS the line names the function's POWERTOOLS_SERVICE_NAME; so it must here.
    assertTrue(first.contains("\"service\":\"warmcache-reader\""), first);
    assertFalse(first.contains("service_undefined"), first);
  }

  /**
   * The reader's log tail for a read of a key it has not read before (memory hits log at DEBUG).
   */
  private static String readerLog(String id) throws Exception {
    Path out = Files.createTempFile("reader", ".json");
    try {
      JsonNode tail =
          aws.run(
                  "lambda",
                  "invoke",
                  "--function-name",
                  "warmcache-reader",
                  "--log-type",
                  "Tail",
                  "--cli-binary-format",
                  "raw-in-base64-out",
                  "--payload",
                  "{\"id\":\"" + id + "\"}",
                  out.toString())
              .ok();
      return new String(Base64.getDecoder().decode(tail.path("LogResult").asText()));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  @Order(9)
  void killingTheSidecarMidExecutionFailsItWithAClearCause() throws Exception {
    DemoOrigin origin = twin.origin();
    DemoOrigin.Control normal = origin.control();
    origin.control(new DemoOrigin.Control(4000, 0.0, true, Map.of()));
    long served = origin.requests("9");
    Execution running;
    try {
      running = executionOf(putForceRefresh("9"));
      await(
          "the workflow to reach the origin",
          () -> origin.requests("9") > served ? Optional.of(true) : Optional.empty());
      List<ProcessHandle> sidecars =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().commandLine().orElse("").contains("sidecar"))
              .toList();
      assertFalse(sidecars.isEmpty(), "the twin runs a Node sidecar");
      sidecars.forEach(ProcessHandle::destroyForcibly);
    } finally {
      origin.control(normal);
    }
    Execution failed = twin.stepFunctions().awaitExecution(running.executionArn(), PATIENCE);
    assertEquals(ExecutionStatus.FAILED, failed.status());
    JsonNode described =
        aws.run("stepfunctions", "describe-execution", "--execution-arn", running.executionArn())
            .ok();
    assertEquals("FAILED", described.path("status").asText());
    assertTrue(
        described.path("cause").asText().toLowerCase().contains("sidecar"), described.toString());
  }

  @Test
  @Order(10)
  void afterTheSidecarCrashTheNextExecutionSucceeds() throws Exception {
    Execution after = executionOf(putForceRefresh("10"));
    assertEquals(
        ExecutionStatus.SUCCEEDED,
        twin.stepFunctions().awaitExecution(after.executionArn(), PATIENCE).status(),
        "a restarted sidecar runs the next execution");
  }
}
