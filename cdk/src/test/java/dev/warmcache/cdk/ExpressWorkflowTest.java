package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/**
 * The same stack with {@code -c workflowType=express}: an Express state machine over the same ASL,
 * logged at ALL with execution data (Express keeps no history), started asynchronously by the Pipe
 * and the rules, and as clean for cdk-nag and cfn-lint as the Standard one.
 */
class ExpressWorkflowTest {

  private static SynthesizedStack express;

  @BeforeAll
  static void synth() {
    express = SynthesizedStack.with(Map.of(WarmcacheConfig.WORKFLOW_TYPE, "express"));
  }

  private static JsonNode machine(SynthesizedStack s) {
    return s.resources("AWS::StepFunctions::StateMachine")
        .values()
        .iterator()
        .next()
        .path("Properties");
  }

  @Test
  void theSameAslRunsAsAnExpressWorkflowLoggedWithItsData() {
    JsonNode p = machine(express);
    assertEquals("EXPRESS", p.path("StateMachineType").asText());
    assertEquals(
        express.files.text(ProjectFiles.STATE_MACHINE),
        p.path("DefinitionString").asText(),
        "one ASL file for both types");
    assertEquals("ALL", p.path("LoggingConfiguration").path("Level").asText());
    assertTrue(p.path("LoggingConfiguration").path("IncludeExecutionData").asBoolean());
    assertTrue(p.path("TracingConfiguration").path("Enabled").asBoolean());

    JsonNode standard = machine(SynthesizedStack.get());
    assertEquals("STANDARD", standard.path("StateMachineType").asText());
    assertEquals("ALL", standard.path("LoggingConfiguration").path("Level").asText());
    assertEquals(
        false,
        standard.path("LoggingConfiguration").path("IncludeExecutionData").asBoolean(true),
        "Standard's history holds the data; its logs carry none");
  }

  @Test
  void thePipeAndTheRulesStartItAsynchronouslyWithTheirOwnRoles() {
    String machineId =
        express.resources("AWS::StepFunctions::StateMachine").keySet().iterator().next();
    JsonNode pipe =
        express.resources("AWS::Pipes::Pipe").values().iterator().next().path("Properties");
    assertEquals(machineId, pipe.path("Target").path("Ref").asText());
    assertEquals(
        "FIRE_AND_FORGET",
        pipe.path("TargetParameters")
            .path("StepFunctionStateMachineParameters")
            .path("InvocationType")
            .asText());
    Map<String, JsonNode> rules = express.resources("AWS::Events::Rule");
    assertEquals(2, rules.size());
    for (JsonNode rule : rules.values()) {
      JsonNode target = rule.path("Properties").path("Targets").path(0);
      assertEquals(machineId, target.path("Arn").path("Ref").asText());
      assertTrue(target.path("RoleArn").has("Fn::GetAtt"), "each rule starts it with its own role");
      assertTrue(target.path("DeadLetterConfig").has("Arn"), "failed starts are parked, not lost");
    }
  }

  @Test
  void cdkNagAndCfnLintAreAsCleanAsForStandard() throws Exception {
    assertEquals(
        List.of(),
        Annotations.fromStack(express.stack)
            .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")));
    assertEquals(
        List.of(),
        Annotations.fromStack(express.stack)
            .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")));
    CfnLintTest.assertLintsClean(express);
  }

  @Test
  void anUnknownWorkflowTypeIsRefusedAtSynth() {
    InvalidContextException e =
        assertThrows(
            InvalidContextException.class,
            () ->
                WarmcacheConfig.fromContext(
                    Map.<String, Object>of(
                            WarmcacheConfig.ORIGIN_URL_TEMPLATE,
                                "https://api.example.com/items/{id}",
                            WarmcacheConfig.WORKFLOW_TYPE, "sideways")
                        ::get));
    assertEquals("workflowType must be 'standard' or 'express', got 'sideways'", e.getMessage());
  }
}
