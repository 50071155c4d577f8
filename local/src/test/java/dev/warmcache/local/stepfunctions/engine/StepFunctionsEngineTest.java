package dev.warmcache.local.stepfunctions.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's API and history shapes, on a small definition run by the real sidecar. */
class StepFunctionsEngineTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFINITION =
      """
      {
        "StartAt": "Ask",
        "States": {
          "Ask": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${Fn}", "Payload": {"n.$": "$.n"}},
            "OutputPath": "$.Payload",
            "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1}],
            "Catch": [{"ErrorEquals": ["Fatal"], "ResultPath": "$.error", "Next": "Gave up"}],
            "Next": "Done?"
          },
          "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Finished"}], "Default": "Gave up"},
          "Finished": {"Type": "Succeed"},
          "Gave up": {"Type": "Fail", "Error": "Custom.GaveUp", "Cause": "could not finish"}
        }
      }
      """;

  static StepFunctionsEngine engine;
  static StateMachine machine;
  static final AtomicInteger flakyCalls = new AtomicInteger();
  static final CountDownLatch hold = new CountDownLatch(1);

  @BeforeAll
  static void start() {
    engine =
        StepFunctionsEngine.start(
            Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar")),
            call -> {
              int n = call.parameters().path("Payload").path("n").asInt();
              try {
                return switch (n) {
                  case 1 -> JSON.readTree("{\"Payload\":{\"done\":true}}");
                  case 2 -> {
                    if (flakyCalls.incrementAndGet() == 1) {
                      throw new TaskFailedException("Flaky", "first attempt fails");
                    }
                    yield JSON.readTree("{\"Payload\":{\"done\":true}}");
                  }
                  case 3 -> throw new TaskFailedException("Fatal", "{\"errorMessage\":\"no\"}");
                  default -> {
                    hold.await(30, TimeUnit.SECONDS);
                    yield JSON.readTree("{\"Payload\":{\"done\":true}}");
                  }
                };
              } catch (TaskFailedException e) {
                throw e;
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    machine =
        engine.createStateMachine(
            "demo",
            DEFINITION,
            Map.of("Fn", "arn:aws:lambda:us-east-1:000000000000:function:demo"),
            "arn:aws:iam::000000000000:role/demo");
  }

  @AfterAll
  static void stop() {
    hold.countDown();
    engine.close();
  }

  private Execution run(String name, String input) throws Exception {
    Execution started = engine.startExecution(machine.stateMachineArn(), name, input);
    return engine.awaitExecution(started.executionArn(), Duration.ofSeconds(30));
  }

  private static List<String> types(List<HistoryEvent> history) {
    return history.stream().map(HistoryEvent::type).toList();
  }

  /**
   * Retention keeps the newest {@code RETAINED_FINISHED} finished executions and forgets the
   * earliest, without touching running ones.
   */
  @Test
  void retentionForgetsTheEarliestFinishedExecutions() throws Exception {
    StateMachine pass =
        engine.createStateMachine(
            "retention",
            "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}",
            Map.of(),
            "arn:aws:iam::000000000000:role/demo");
    int extra = 50;
    List<String> arns = new java.util.ArrayList<>();
    for (int i = 0; i < StepFunctionsEngine.RETAINED_FINISHED + extra; i++) {
      arns.add(engine.startExecution(pass.stateMachineArn(), "r-" + i, "{}").executionArn());
    }
    for (String arn : arns) {
      engine.awaitExecution(arn, Duration.ofSeconds(60));
    }
    String last = engine.startExecution(pass.stateMachineArn(), "r-last", "{}").executionArn();
    // Retention counts every state machine's finished runs, so other tests' runs may have gone
    // first; what stays of these is a suffix, and the earliest is gone.
    assertTrue(engine.describeExecution(arns.get(0)).isEmpty(), "forgotten: the earliest");
    boolean kept = false;
    for (String arn : arns) {
      boolean present = engine.describeExecution(arn).isPresent();
      assertTrue(!kept || present, "kept runs are the newest, without gaps: " + arn);
      kept |= present;
    }
    assertTrue(engine.describeExecution(arns.get(arns.size() - 1)).isPresent(), "kept: newest");
    assertTrue(engine.describeExecution(last).isPresent(), "the new one is known");
    // A run's final status is visible a moment before its finish evicts the earliest run, so a
    // listing taken in that moment sees one more; the bound holds once the finish is done.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long finished;
    do {
      finished =
          engine.stateMachines().stream()
              .flatMap(m -> engine.listExecutions(m.stateMachineArn(), null).stream())
              .filter(e -> e.status() != ExecutionStatus.RUNNING)
              .count();
    } while (finished > StepFunctionsEngine.RETAINED_FINISHED && System.nanoTime() < deadline);
    assertTrue(
        finished <= StepFunctionsEngine.RETAINED_FINISHED, "finished runs retained: " + finished);
  }

  /**
   * Starts of large inputs from many threads while the sidecar streams their large histories back
   * (each about six times its input, well past a pipe's buffer): all of them run to the end. The
   * total stays under the retention's size bound, so every one can still be awaited.
   */
  @Test
  void concurrentLargeStartsAndTheirHistoriesNeverWaitOnEachOther() throws Exception {
    StateMachine pass =
        engine.createStateMachine(
            "large",
            "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},"
                + "\"B\":{\"Type\":\"Pass\",\"End\":true}}}",
            Map.of(),
            "arn:aws:iam::000000000000:role/demo");
    String input = "{\"pad\":\"" + "x".repeat(150_000) + "\"}";
    java.util.concurrent.ExecutorService starters =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<String>> started = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String name = "big-" + i;
        started.add(
            starters.submit(
                () -> engine.startExecution(pass.stateMachineArn(), name, input).executionArn()));
      }
      for (java.util.concurrent.Future<String> arn : started) {
        Execution done =
            engine.awaitExecution(arn.get(60, TimeUnit.SECONDS), Duration.ofSeconds(60));
        assertEquals(ExecutionStatus.SUCCEEDED, done.status());
      }
    } finally {
      starters.shutdownNow();
    }
  }

  /**
   * Retention is bounded by size as well: with room for about three of these executions' inputs,
   * the earliest are forgotten long before the count bound, and the newest is always kept.
   */
  @Test
  void retentionIsBoundedBySizeToo() throws Exception {
    String input = "{\"pad\":\"" + "x".repeat(100_000) + "\"}";
    try (StepFunctionsEngine small =
        StepFunctionsEngine.start(
            Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar")),
            call -> JSON.createObjectNode(),
            3 * 2 * input.length())) {
      StateMachine pass =
          small.createStateMachine(
              "sized",
              "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}",
              Map.of(),
              "arn:aws:iam::000000000000:role/demo");
      List<String> arns = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String arn = small.startExecution(pass.stateMachineArn(), "s-" + i, input).executionArn();
        small.awaitExecution(arn, Duration.ofSeconds(30));
        arns.add(arn);
      }
      long kept = arns.stream().filter(a -> small.describeExecution(a).isPresent()).count();
      assertTrue(kept >= 1 && kept <= 3, "executions kept within the size bound: " + kept);
      assertTrue(small.describeExecution(arns.get(7)).isPresent(), "the newest is kept");
      assertTrue(small.describeExecution(arns.get(0)).isEmpty(), "the earliest is forgotten");
    }
  }

  @Test
  void aSuccessfulExecutionHasAnAwsShapedHistory() throws Exception {
    Execution done = run("ok-1", "{\"n\":1}");

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals("{\"done\":true}", done.output());
    assertEquals("arn:aws:states:us-east-1:000000000000:execution:demo:ok-1", done.executionArn());
    List<HistoryEvent> history = engine.history(done.executionArn());
    assertEquals(
        List.of(
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"),
        types(history));
    HistoryEvent scheduled = history.get(2);
    assertEquals("lambda", scheduled.details().get("resourceType").asText());
    assertEquals("invoke", scheduled.details().get("resource").asText());
    assertTrue(
        scheduled
            .details()
            .get("parameters")
            .asText()
            .contains("\"FunctionName\":\"arn:aws:lambda:us-east-1:000000000000:function:demo\""),
        "placeholders substituted");
    assertEquals(
        "Ask", history.get(1).toAwsJson().get("stateEnteredEventDetails").get("name").asText());
    assertEquals(7, history.get(6).toAwsJson().get("id").asLong());
  }

  @Test
  void aRetryShowsAsTaskFailedThenAnotherTaskScheduled() throws Exception {
    Execution done = run("retry-1", "{\"n\":2}");

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    List<String> types = types(engine.history(done.executionArn()));
    int failed = types.indexOf("TaskFailed");
    assertTrue(failed > 0, types::toString);
    assertEquals("TaskScheduled", types.get(failed + 1), types::toString);
    assertEquals(
        1,
        types.stream().filter("TaskStateEntered"::equals).count(),
        "a retry does not re-enter the state");
  }

  @Test
  void aCaughtErrorLeadsToTheFailStateAndItsErrorName() throws Exception {
    Execution done = run("fatal-1", "{\"n\":3}");

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("Custom.GaveUp", done.error());
    assertEquals("could not finish", done.cause());
    List<HistoryEvent> history = engine.history(done.executionArn());
    HistoryEvent taskFailed =
        history.stream().filter(h -> h.type().equals("TaskFailed")).findFirst().orElseThrow();
    assertEquals("Fatal", taskFailed.details().get("error").asText());
    assertEquals("ExecutionFailed", history.get(history.size() - 1).type());
  }

  @Test
  void executionsCanBeListedStoppedAndNotStartedTwice() throws Exception {
    Execution running = engine.startExecution(machine.stateMachineArn(), "held-1", "{\"n\":9}");
    assertEquals(ExecutionStatus.RUNNING, running.status());
    assertEquals(
        running.executionArn(),
        engine.startExecution(machine.stateMachineArn(), "held-1", "{\"n\":9}").executionArn(),
        "same name and input while running: the same execution");
    StepFunctionsException twice =
        assertThrows(
            StepFunctionsException.class,
            () -> engine.startExecution(machine.stateMachineArn(), "held-1", "{\"n\":8}"));
    assertEquals("ExecutionAlreadyExists", twice.errorCode());
    assertTrue(
        engine.listExecutions(machine.stateMachineArn(), ExecutionStatus.RUNNING).stream()
            .anyMatch(e -> e.name().equals("held-1")));
    long runningBefore = engine.countExecutions(machine.stateMachineArn(), ExecutionStatus.RUNNING);
    long abortedBefore = engine.countExecutions(machine.stateMachineArn(), ExecutionStatus.ABORTED);
    long allBefore = engine.countExecutions(machine.stateMachineArn(), null);
    assertEquals(
        engine.listExecutions(machine.stateMachineArn(), null).size(), allBefore, "null: any");

    Execution stopped =
        engine.stopExecution(running.executionArn(), "Operator", "stopped by a test");
    assertEquals(
        runningBefore - 1,
        engine.countExecutions(machine.stateMachineArn(), ExecutionStatus.RUNNING),
        "the count follows the status");
    assertEquals(
        abortedBefore + 1,
        engine.countExecutions(machine.stateMachineArn(), ExecutionStatus.ABORTED));
    assertEquals(allBefore, engine.countExecutions(machine.stateMachineArn(), null));

    assertEquals(ExecutionStatus.ABORTED, stopped.status());
    assertEquals("Operator", stopped.error());
    List<HistoryEvent> history = engine.history(running.executionArn());
    assertEquals("ExecutionAborted", history.get(history.size() - 1).type());
  }

  @Test
  void whenTheSidecarDiesItsExecutionsFailAndANewSidecarTakesOver() throws Exception {
    Execution running = engine.startExecution(machine.stateMachineArn(), "held-2", "{\"n\":9}");
    long pid = engine.sidecarPid();

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    Execution lost = engine.awaitExecution(running.executionArn(), Duration.ofSeconds(30));

    assertEquals(ExecutionStatus.FAILED, lost.status());
    assertEquals("States.Runtime", lost.error());
    long deadline = System.currentTimeMillis() + 30_000;
    while (engine.sidecarPid() == pid && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(ExecutionStatus.SUCCEEDED, run("after-restart", "{\"n\":1}").status());
  }

  @Test
  void apiErrorsCarryAwsErrorCodes() {
    assertEquals(
        "StateMachineDoesNotExist",
        assertThrows(
                StepFunctionsException.class,
                () ->
                    engine.startExecution(
                        "arn:aws:states:us-east-1:000000000000:stateMachine:nope", null, "{}"))
            .errorCode());
    assertEquals(
        "InvalidExecutionInput",
        assertThrows(
                StepFunctionsException.class,
                () -> engine.startExecution(machine.stateMachineArn(), null, "{not json"))
            .errorCode());
    assertEquals(
        "InvalidName",
        assertThrows(
                StepFunctionsException.class,
                () -> engine.startExecution(machine.stateMachineArn(), "has space", "{}"))
            .errorCode());
    assertEquals(
        "ExecutionDoesNotExist",
        assertThrows(
                StepFunctionsException.class,
                () -> engine.history("arn:aws:states:us-east-1:000000000000:execution:demo:nope"))
            .errorCode());
    assertEquals(
        "InvalidDefinition",
        assertThrows(
                StepFunctionsException.class,
                () ->
                    engine.createStateMachine(
                        "broken", "{\"StartAt\":\"Nowhere\",\"States\":{}}", Map.of(), "r"))
            .errorCode());
    assertEquals(
        "InvalidDefinition",
        assertThrows(
                StepFunctionsException.class,
                () -> engine.createStateMachine("unfilled", DEFINITION, Map.of(), "r"))
            .errorCode());
  }

  @Test
  void substitutionsAreEscapedAsJsonStringContent() {
    assertEquals(
        "{\"a\":\"x\\\"y\"}",
        StepFunctionsEngine.substitute("{\"a\":\"${V}\"}", Map.of("V", "x\"y")));
  }
}
