package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/**
 * cdk-nag's AWS Solutions pack and CloudFormation template validation, as they ran in the shared
 * synth: no unsuppressed finding, and every suppression says why.
 */
class StackComplianceTest {

  private static SynthesizedStack s;

  @BeforeAll
  static void synth() {
    s = SynthesizedStack.get();
  }

  @Test
  void noUnsuppressedAwsSolutionsError() {
    List<?> errors =
        Annotations.fromStack(s.stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), errors);
  }

  @Test
  void noUnsuppressedAwsSolutionsWarning() {
    List<?> warnings =
        Annotations.fromStack(s.stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(List.of(), warnings);
  }

  @Test
  void nagReportHasRunAndEverySuppressionCarriesAReason() throws IOException {
    Path report = s.outdir.resolve("AwsSolutions-" + s.stack.getStackName() + "-NagReport.csv");
    assertTrue(Files.isRegularFile(report), "cdk-nag wrote its report: " + report);
    List<String> lines = Files.readAllLines(report);
    assertEquals(
        "Rule ID,Resource ID,Compliance,Exception Reason,Rule Level,Rule Info", lines.get(0));
    Map<String, Integer> byCompliance = new TreeMap<>();
    List<String> suppressedWithoutReason = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split("\",\"", -1);
      String compliance = cells[2];
      byCompliance.merge(compliance, 1, Integer::sum);
      if (compliance.equals("Suppressed") && cells[3].trim().length() < 40) {
        suppressedWithoutReason.add(line);
      }
    }
    assertTrue(
        byCompliance.getOrDefault("Compliant", 0) > 20,
        "the pack checked the stack: " + byCompliance);
    assertFalse(byCompliance.containsKey("Non-Compliant"), byCompliance.toString());
    assertEquals(List.of(), suppressedWithoutReason);
  }

  @Test
  void templateValidationRanOnTheSynthAndFoundNothing() throws IOException {
    assertTrue(
        s.cdkContext.path("@aws-cdk/core:validateAgainstDefaultRules").asBoolean(),
        "cdk.json turns template validation findings into synth errors");
    assertFalse(
        "false".equals(System.getenv("CDK_VALIDATION")),
        "the shared synth runs with CDK validation on");
    Path report = s.outdir.resolve("validation-report.json");
    assertTrue(Files.isRegularFile(report), "the synth wrote its validation report");
    JsonNode plugins = SynthesizedStack.JSON.readTree(report.toFile()).path("pluginReports");
    for (JsonNode plugin : plugins) {
      assertEquals("success", plugin.path("conclusion").asText(), plugin.toString());
    }
  }
}
