package dev.warmcache.local.stepfunctions.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.cli.AwsCli;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.engine.TaskFailedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Step Functions API on the edge, over the real engine and Node sidecar, with a small state
 * machine of the test's own (a Wait it controls), driven by the real CLI.
 */
class StepFunctionsCliTest {

  private static final String DEFINITION =
      """
      {"StartAt":"Wait as told","States":{
        "Wait as told":{"Type":"Wait","SecondsPath":"$.wait","Next":"Done"},
        "Done":{"Type":"Pass","End":true}}}""";

  static StepFunctionsEngine engine;
  static EdgeServer edge;
  static AwsCli aws;
  static String machineArn;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    Path sidecar = Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar"));
    engine =
        StepFunctionsEngine.start(
            sidecar,
            call -> {
              throw new TaskFailedException("States.Runtime", "this state machine has no tasks");
            });
    machineArn =
        engine
            .createStateMachine(
                "waiter", DEFINITION, Map.of(), "arn:aws:iam::000000000000:role/test")
            .stateMachineArn();
    edge = EdgeServer.start(0, new Router().register(new StepFunctionsService(engine)));
    aws = new AwsCli(edge.endpoint());
  }

  @AfterAll
  static void stop() {
    if (edge != null) edge.close();
    if (engine != null) engine.close();
  }

  private static String start(String name, String input) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stepfunctions",
                "start-execution",
                "--state-machine-arn",
                machineArn,
                "--input",
                input));
    if (name != null) {
      args.addAll(List.of("--name", name));
    }
    return aws.run(args.toArray(String[]::new)).ok().path("executionArn").asText();
  }

  @Test
  void namesAreIdempotentForTheSameInputAndRefusedForAnother() throws Exception {
    String first = start("same-name", "{\"wait\":30}");
    String again = start("same-name", "{\"wait\":30}");
    assertEquals(first, again);
    AwsCli.Result clash =
        aws.run(
            "stepfunctions",
            "start-execution",
            "--state-machine-arn",
            machineArn,
            "--name",
            "same-name",
            "--input",
            "{\"wait\":1}");
    assertNotEquals(0, clash.exitCode());
    assertTrue(clash.stderr().contains("ExecutionAlreadyExists"), clash.stderr());

    aws.run(
            "stepfunctions",
            "stop-execution",
            "--execution-arn",
            first,
            "--error",
            "Operator",
            "--cause",
            "test")
        .ok();
    JsonNode stopped =
        aws.run("stepfunctions", "describe-execution", "--execution-arn", first).ok();
    assertEquals("ABORTED", stopped.path("status").asText());
    assertTrue(stopped.has("stopDate"));
  }

  @Test
  void finishedExecutionsAreListedNewestFirstAndTheirHistoryReads() throws Exception {
    String older = start(null, "{\"wait\":0}");
    String newer = start(null, "{\"wait\":0}");
    engine.awaitExecution(older, Duration.ofSeconds(30));
    engine.awaitExecution(newer, Duration.ofSeconds(30));

    // --page-size 1 makes the CLI follow nextToken page by page.
    JsonNode listed =
        aws.run(
                "stepfunctions",
                "list-executions",
                "--state-machine-arn",
                machineArn,
                "--status-filter",
                "SUCCEEDED",
                "--page-size",
                "1")
            .ok()
            .path("executions");
    List<String> arns = new ArrayList<>();
    listed.forEach(e -> arns.add(e.path("executionArn").asText()));
    assertTrue(
        arns.indexOf(newer) >= 0 && arns.indexOf(newer) < arns.indexOf(older),
        "newest first: " + arns);
    listed.forEach(e -> assertEquals("SUCCEEDED", e.path("status").asText()));

    JsonNode described =
        aws.run("stepfunctions", "describe-execution", "--execution-arn", newer).ok();
    assertEquals("{\"wait\":0}", described.path("input").asText().replace(" ", ""));
    JsonNode reversed =
        aws.run(
                "stepfunctions",
                "get-execution-history",
                "--execution-arn",
                newer,
                "--reverse-order")
            .ok()
            .path("events");
    assertEquals("ExecutionSucceeded", reversed.path(0).path("type").asText());
    assertEquals("ExecutionStarted", reversed.path(reversed.size() - 1).path("type").asText());
  }

  @Test
  void stateMachinesAreListedAndDescribed() throws Exception {
    JsonNode machines = aws.run("stepfunctions", "list-state-machines").ok().path("stateMachines");
    assertEquals("waiter", machines.path(0).path("name").asText());
    JsonNode described =
        aws.run("stepfunctions", "describe-state-machine", "--state-machine-arn", machineArn).ok();
    assertEquals("ACTIVE", described.path("status").asText());
    assertTrue(described.path("definition").asText().contains("Wait as told"));
  }

  @Test
  void badRequestsGetStepFunctionsErrors() throws Exception {
    AwsCli.Result badArn =
        aws.run("stepfunctions", "describe-execution", "--execution-arn", "not-an-arn");
    assertTrue(badArn.stderr().contains("InvalidArn"), badArn.stderr());
    AwsCli.Result missing =
        aws.run(
            "stepfunctions",
            "describe-execution",
            "--execution-arn",
            "arn:aws:states:us-east-1:000000000000:execution:waiter:nope");
    assertTrue(missing.stderr().contains("ExecutionDoesNotExist"), missing.stderr());
    AwsCli.Result badFilter =
        aws.run(
            "stepfunctions",
            "list-executions",
            "--state-machine-arn",
            machineArn,
            "--status-filter",
            "SLEEPING");
    assertTrue(badFilter.stderr().contains("ValidationException"), badFilter.stderr());
    AwsCli.Result badInput =
        aws.run(
            "stepfunctions",
            "start-execution",
            "--state-machine-arn",
            machineArn,
            "--input",
            "{not json");
    assertTrue(badInput.stderr().contains("InvalidExecutionInput"), badInput.stderr());
    // The reproduction: input over AWS's 256 KiB was accepted.
    java.nio.file.Path big = java.nio.file.Files.createTempFile("input", ".json");
    java.nio.file.Files.writeString(big, "{\"pad\":\"" + "x".repeat(262_144) + "\"}");
    AwsCli.Result tooLarge =
        aws.run(
            "stepfunctions",
            "start-execution",
            "--state-machine-arn",
            machineArn,
            "--input",
            "file://" + big);
    java.nio.file.Files.delete(big);
    assertTrue(tooLarge.stderr().contains("ValidationException"), tooLarge.stderr());
    assertTrue(tooLarge.stderr().contains("less than or equal to 262144"), tooLarge.stderr());
    AwsCli.Result noMachine =
        aws.run(
            "stepfunctions",
            "start-execution",
            "--state-machine-arn",
            "arn:aws:states:us-east-1:000000000000:stateMachine:nope");
    assertTrue(noMachine.stderr().contains("StateMachineDoesNotExist"), noMachine.stderr());
  }
}
