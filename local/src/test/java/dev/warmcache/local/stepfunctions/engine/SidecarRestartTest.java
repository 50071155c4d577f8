package dev.warmcache.local.stepfunctions.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts that race a crashed sidecar's replacement: each one must end SUCCEEDED, or FAILED with a
 * cause that names the sidecar, and none may throw (the API's 500) or stay RUNNING.
 */
class SidecarRestartTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SIDECAR =
      Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar"));
  private static final String DEFINITION =
      """
      {"StartAt": "Echo", "States": {"Echo": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "echo", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": true}}}
      """;

  /**
   * Generous: it only separates "finished" from "hangs"; a healthy run takes well under a second.
   */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static final int STARTERS = 4;
  private static final int KILLS = 3;

  /** Starts allowed per kill, so the test stays below the engine's 2000 retained executions. */
  private static final int STARTS_PER_KILL = 500;

  private static TaskHandler echo() {
    return call -> JSON.createObjectNode().set("Payload", call.parameters().path("Payload"));
  }

  private static StateMachine define(StepFunctionsEngine engine) {
    return engine.createStateMachine(
        "restart", DEFINITION, Map.of(), "arn:aws:iam::000000000000:role/restart");
  }

  @Test
  void startsInATightLoopAroundSidecarKillsAllReachAFinalStatus() throws Exception {
    try (StepFunctionsEngine engine = StepFunctionsEngine.start(SIDECAR, echo())) {
      StateMachine machine = define(engine);
      ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> refused = new ConcurrentLinkedQueue<>();
      AtomicInteger duringRestart = new AtomicInteger();
      AtomicLong killedPid = new AtomicLong(-2);
      CountDownLatch stop = new CountDownLatch(1);
      AtomicInteger seq = new AtomicInteger();
      AtomicInteger budget = new AtomicInteger();
      List<Thread> starters = new ArrayList<>();
      for (int i = 0; i < STARTERS; i++) {
        Thread starter =
            new Thread(
                () -> {
                  while (stop.getCount() > 0) {
                    if (budget.getAndUpdate(b -> Math.max(0, b - 1)) == 0) {
                      try {
                        Thread.sleep(1);
                      } catch (InterruptedException e) {
                        return;
                      }
                      continue;
                    }
                    long pid = engine.sidecarPid();
                    try {
                      started.add(
                          engine
                              .startExecution(
                                  machine.stateMachineArn(),
                                  "x" + seq.incrementAndGet(),
                                  "{\"n\":1}")
                              .executionArn());
                      if (pid == -1 || pid == killedPid.get()) {
                        duringRestart.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      refused.add(e);
                    }
                  }
                },
                "test-starter-" + i);
        starters.add(starter);
        starter.start();
      }
      try {
        for (int kill = 0; kill < KILLS; kill++) {
          int before = started.size();
          budget.set(STARTS_PER_KILL);
          awaitUntil(() -> started.size() >= before + STARTERS, "starts before kill " + kill);
          long pid = engine.sidecarPid();
          killedPid.set(pid);
          ProcessHandle.of(pid).orElseThrow().destroyForcibly();
          awaitUntil(
              () -> engine.sidecarPid() != -1 && engine.sidecarPid() != pid,
              "a new sidecar after kill " + kill);
        }
        int before = started.size();
        budget.set(STARTERS);
        awaitUntil(() -> started.size() >= before + STARTERS, "starts after the last restart");
      } finally {
        stop.countDown();
        for (Thread starter : starters) {
          starter.join(PATIENCE.toMillis());
        }
      }

      assertTrue(
          refused.isEmpty(),
          () -> refused.size() + " starts refused (the API's 500), the first: " + refused.peek());
      assertTrue(duringRestart.get() > 0, "some starts raced a restart");
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      int succeeded = 0;
      for (String arn : started) {
        Execution done;
        try {
          done =
              engine.awaitExecution(
                  arn, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (TimeoutException e) {
          throw new AssertionError(
              "still " + engine.describeExecution(arn).orElseThrow().status() + ": " + arn, e);
        }
        if (done.status() == ExecutionStatus.SUCCEEDED) {
          succeeded++;
          assertEquals("{\"n\":1}", done.output());
        } else {
          assertEquals(ExecutionStatus.FAILED, done.status(), arn);
          assertEquals("States.Runtime", done.error(), arn);
          assertTrue(done.cause().contains("sidecar"), done::cause);
        }
      }
      assertTrue(succeeded > 0, "executions after the restarts ran");
    }
  }

  @Test
  void aStartThatFindsNoSidecarFailsWithTheReasonAndTheNextStartRestartsIt(@TempDir Path dir)
      throws Exception {
    Path allowed = Files.createFile(dir.resolve("node-allowed"));
    Path node = dir.resolve("node");
    // A node that refuses to start while the marker file is missing: a restart that fails for real.
    Files.writeString(
        node,
        "#!/bin/sh\n[ -e '"
            + allowed
            + "' ] || { echo 'node refused by the test' >&2; exit 1; }\n"
            + "exec node \"$@\"\n");
    Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("rwx------"));
    try (StepFunctionsEngine engine = StepFunctionsEngine.start(SIDECAR, node.toString(), echo())) {
      StateMachine machine = define(engine);
      long pid = engine.sidecarPid();
      Files.delete(allowed);

      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      // Once the engine has seen the exit, the start below can only meet the failing restart.
      awaitUntil(() -> engine.sidecarPid() != pid, "the engine to see the sidecar exit");
      Execution lost =
          engine.awaitExecution(
              engine.startExecution(machine.stateMachineArn(), "lost", "{}").executionArn(),
              PATIENCE);

      assertEquals(ExecutionStatus.FAILED, lost.status());
      assertEquals("States.Runtime", lost.error());
      assertTrue(
          lost.cause().startsWith("The Step Functions sidecar exited and could not be restarted"),
          lost::cause);
      assertEquals(
          "ExecutionFailed",
          engine
              .history(lost.executionArn())
              .get(engine.history(lost.executionArn()).size() - 1)
              .type());

      Files.createFile(allowed);
      Execution after =
          engine.awaitExecution(
              engine.startExecution(machine.stateMachineArn(), "after", "{}").executionArn(),
              PATIENCE);

      assertEquals(ExecutionStatus.SUCCEEDED, after.status(), () -> String.valueOf(after.cause()));
      assertNotEquals(pid, engine.sidecarPid());
    }
  }

  private static void awaitUntil(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(2);
    }
  }
}
