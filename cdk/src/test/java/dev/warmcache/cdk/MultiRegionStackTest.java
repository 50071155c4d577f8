package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.settings.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * Two- and three-region apps ({@code -c regions=...}): the home stack with the global table, the
 * workflow and the Pipe, and a reader stack per other region whose rules forward refresh triggers
 * to the home bus; each stack cdk-nag and cfn-lint clean.
 */
class MultiRegionStackTest {

  private static SynthesizedStack two;
  private static SynthesizedStack three;
  private static SynthesizedStack threeOverHttp;

  @BeforeAll
  static void synth() {
    two = SynthesizedStack.with(Map.of(WarmcacheConfig.REGIONS, "us-east-1,eu-west-1"));
    three =
        SynthesizedStack.with(
            Map.of(WarmcacheConfig.REGIONS, "us-east-1,eu-west-1,ap-southeast-2"));
    threeOverHttp =
        SynthesizedStack.with(
            Map.of(
                WarmcacheConfig.REGIONS,
                "us-east-1,eu-west-1,ap-southeast-2",
                WarmcacheConfig.HTTP_FRONT,
                "true"));
  }

  /** The templates of an app's stacks, by stack name (several share a region). */
  private static Map<String, JsonNode> templatesByName(SynthesizedStack app) {
    Map<String, JsonNode> byName = new TreeMap<>();
    for (IConstruct child : app.app.getNode().getChildren()) {
      if (child instanceof Stack stack) {
        byName.put(
            stack.getStackName() + "@" + stack.getRegion(),
            SynthesizedStack.JSON.valueToTree(Template.fromStack(stack).toJSON()));
      }
    }
    return byName;
  }

  /** The templates of an app's home and region stacks (not the HTTP front's), by region. */
  private static Map<String, JsonNode> templates(SynthesizedStack app) {
    Map<String, JsonNode> byRegion = new TreeMap<>();
    for (IConstruct child : app.app.getNode().getChildren()) {
      if (child instanceof Stack stack
          && (stack instanceof WarmcacheStack || stack instanceof WarmcacheRegionStack)) {
        byRegion.put(
            stack.getRegion(),
            SynthesizedStack.JSON.valueToTree(Template.fromStack(stack).toJSON()));
      }
    }
    return byRegion;
  }

  private static List<JsonNode> resources(JsonNode template, String type) {
    List<JsonNode> found = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            r -> {
              if (type.equals(r.path("Type").asText())) {
                found.add(r.path("Properties"));
              }
            });
    return found;
  }

  @Test
  void theHomeHoldsTheGlobalTableWithAReplicaInEveryRegionAndTheWholePipeline() {
    for (SynthesizedStack app : List.of(two, three)) {
      List<String> regions =
          app.stack.getNode().tryGetContext("regions") == null
              ? List.of()
              : Settings.regions(String.valueOf(app.stack.getNode().tryGetContext("regions")));
      JsonNode home = templates(app).get(regions.get(0));

      assertTrue(resources(home, "AWS::DynamoDB::Table").isEmpty(), "no single-region table");
      JsonNode table = resources(home, "AWS::DynamoDB::GlobalTable").get(0);
      List<String> replicaRegions = new ArrayList<>();
      table.path("Replicas").forEach(r -> replicaRegions.add(r.path("Region").asText()));
      assertEquals(new TreeSet<>(regions), new TreeSet<>(replicaRegions));
      assertEquals(
          "NEW_AND_OLD_IMAGES", table.path("StreamSpecification").path("StreamViewType").asText());
      assertEquals(
          "expiresAt", table.path("TimeToLiveSpecification").path("AttributeName").asText());
      assertEquals("PAY_PER_REQUEST", table.path("BillingMode").asText());
      table
          .path("Replicas")
          .forEach(
              r ->
                  assertTrue(
                      r.path("PointInTimeRecoverySpecification")
                          .path("PointInTimeRecoveryEnabled")
                          .asBoolean(),
                      "point-in-time recovery in " + r.path("Region")));

      assertEquals(1, resources(home, "AWS::StepFunctions::StateMachine").size());
      JsonNode pipe = resources(home, "AWS::Pipes::Pipe").get(0);
      assertEquals(
          2,
          pipe.path("SourceParameters").path("FilterCriteria").path("Filters").size(),
          "the TTL filter and the replicated-deletion filter");
      JsonNode refresh =
          resources(home, "AWS::Lambda::Function").stream()
              .filter(f -> f.path("FunctionName").asText().endsWith("-refresh"))
              .findFirst()
              .orElseThrow();
      assertEquals(
          String.join(",", regions),
          refresh
              .path("Environment")
              .path("Variables")
              .path(Settings.GLOBAL_TABLE_REGIONS)
              .asText());
    }
  }

  @Test
  void everyOtherRegionRunsReadersAgainstItsReplicaAndForwardsTriggersHome() {
    for (SynthesizedStack app : List.of(two, three)) {
      Map<String, JsonNode> templates = templates(app);
      assertEquals(app == two ? 2 : 3, templates.size(), templates.keySet().toString());
      templates.forEach(
          (region, t) -> {
            if (region.equals("us-east-1")) {
              return;
            }
            assertTrue(resources(t, "AWS::DynamoDB::GlobalTable").isEmpty(), region);
            assertTrue(resources(t, "AWS::StepFunctions::StateMachine").isEmpty(), region);
            assertTrue(resources(t, "AWS::Pipes::Pipe").isEmpty(), region);
            JsonNode reader = resources(t, "AWS::Lambda::Function").get(0);
            assertEquals("warmcache-reader", reader.path("FunctionName").asText());
            assertEquals(
                "warmcache",
                reader.path("Environment").path("Variables").path("TABLE_NAME").asText());
            assertFalse(
                reader.path("Environment").path("Variables").has("ORIGIN_URL_TEMPLATE"),
                "no origin access outside the home");

            List<JsonNode> rules = resources(t, "AWS::Events::Rule");
            assertEquals(2, rules.size(), region);
            for (JsonNode rule : rules) {
              JsonNode target = rule.path("Targets").path(0);
              String arn = target.path("Arn").toString();
              assertTrue(
                  arn.contains(":events:us-east-1:") && arn.contains("event-bus/warmcache"),
                  "forwards to the home bus: " + arn);
              assertTrue(target.has("RoleArn"), "with its own role");
              assertTrue(target.path("DeadLetterConfig").has("Arn"), "and a dead-letter queue");
            }
            assertEquals(
                "us-east-1",
                reader.path("Environment").path("Variables").path(Settings.HOME_REGION).asText(),
                "claims and idle resets go to the home's replica");
            String policies = resources(t, "AWS::IAM::Policy").toString();
            assertTrue(
                policies.contains("dynamodb:UpdateItem")
                    && policies.contains(":dynamodb:us-east-1:")
                    && policies.contains("table/warmcache"),
                "UpdateItem on the home's replica: " + policies);
            assertTrue(
                policies.contains("events:PutEvents") && policies.contains(":events:us-east-1:"),
                "cross-region PutEvents on the home bus only");
            assertTrue(
                resources(t, "AWS::CloudWatch::Alarm").stream()
                    .anyMatch(a -> a.path("AlarmName").asText().endsWith("-forward-dlq-not-empty")),
                "parked triggers raise an alarm");
          });
    }
  }

  @Test
  void overHttpOneDistributionFailsOverFromTheHomeToTheNextRegion() {
    Map<String, JsonNode> stacks = templatesByName(threeOverHttp);
    assertEquals(
        List.of(
            "warmcache-ap-southeast-2@ap-southeast-2",
            "warmcache-eu-west-1-http-access@eu-west-1",
            "warmcache-eu-west-1@eu-west-1",
            "warmcache-http@us-east-1",
            "warmcache@us-east-1"),
        List.copyOf(stacks.keySet()));
    assertEquals(1, resources(stacks.get("warmcache@us-east-1"), "AWS::Lambda::Url").size());
    assertEquals(
        1, resources(stacks.get("warmcache-eu-west-1@eu-west-1"), "AWS::Lambda::Url").size());
    assertEquals(
        1,
        resources(stacks.get("warmcache-ap-southeast-2@ap-southeast-2"), "AWS::Lambda::Url").size(),
        "every region serves HTTP");
    assertTrue(
        resources(stacks.get("warmcache-ap-southeast-2@ap-southeast-2"), "AWS::Lambda::Permission")
            .stream()
            .noneMatch(p -> p.path("Principal").asText().equals("cloudfront.amazonaws.com")),
        "only the next region is the distribution's origin");
    stacks.forEach(
        (name, t) ->
            assertEquals(
                name.startsWith("warmcache-http@") ? 1 : 0,
                resources(t, "AWS::CloudFront::Distribution").size(),
                name));

    JsonNode config =
        resources(stacks.get("warmcache-http@us-east-1"), "AWS::CloudFront::Distribution")
            .get(0)
            .path("DistributionConfig");
    JsonNode group = config.path("OriginGroups").path("Items").path(0);
    assertEquals(1, config.path("OriginGroups").path("Quantity").asInt());
    assertEquals(
        group.path("Id").asText(),
        config.path("DefaultCacheBehavior").path("TargetOriginId").asText());
    assertEquals(
        "[500,502,503,504]",
        group.path("FailoverCriteria").path("StatusCodes").path("Items").toString());
    JsonNode members = group.path("Members").path("Items");
    assertEquals(2, members.size());
    Map<String, JsonNode> origins = new TreeMap<>();
    config.path("Origins").forEach(o -> origins.put(o.path("Id").asText(), o));
    JsonNode primary = origins.get(members.path(0).path("OriginId").asText());
    JsonNode secondary = origins.get(members.path(1).path("OriginId").asText());
    assertEquals(2, primary.path("ConnectionAttempts").asInt(), "the home is given up quickly");
    assertEquals(2, primary.path("ConnectionTimeout").asInt());
    assertTrue(
        primary.path("DomainName").toString().contains("\"StackName\":\"warmcache\""),
        "the home's URL: " + primary.path("DomainName"));
    assertTrue(
        secondary.path("DomainName").toString().contains("\"Region\":\"eu-west-1\""),
        "the next region's URL, read across regions: " + secondary.path("DomainName"));
    for (JsonNode origin : List.of(primary, secondary)) {
      assertTrue(origin.has("OriginAccessControlId"), "signed with SigV4: " + origin);
      assertEquals(
          "https-only", origin.path("CustomOriginConfig").path("OriginProtocolPolicy").asText());
    }

    List<JsonNode> grants =
        resources(
            stacks.get("warmcache-eu-west-1-http-access@eu-west-1"), "AWS::Lambda::Permission");
    assertEquals(2, grants.size(), grants::toString);
    for (JsonNode grant : grants) {
      assertEquals("cloudfront.amazonaws.com", grant.path("Principal").asText());
      assertTrue(
          grant.path("SourceArn").toString().contains(":distribution/")
              && grant.path("SourceArn").toString().contains("\"StackName\":\"warmcache-http\""),
          "this distribution only: " + grant.path("SourceArn"));
    }
    assertEquals(
        "[\"lambda:InvokeFunction\",\"lambda:InvokeFunctionUrl\"]",
        grants.stream()
            .map(g -> g.path("Action").asText())
            .sorted()
            .toList()
            .toString()
            .replace("[", "[\"")
            .replace("]", "\"]")
            .replace(", ", "\",\""));
  }

  @Test
  void oneRegionDeploysTheSingleRegionStackItself() {
    SynthesizedStack one = SynthesizedStack.with(Map.of(WarmcacheConfig.REGIONS, "eu-west-1"));
    SynthesizedStack none = SynthesizedStack.get();

    assertEquals(1, templates(one).size());
    assertEquals("eu-west-1", one.stack.getRegion());
    assertEquals(types(none.json), types(one.json));
    assertEquals(1, one.resources("AWS::DynamoDB::Table").size());
    assertEquals(
        1,
        one.resources("AWS::Pipes::Pipe")
            .values()
            .iterator()
            .next()
            .path("Properties")
            .path("SourceParameters")
            .path("FilterCriteria")
            .path("Filters")
            .size());
    assertThrows(
        InvalidContextException.class,
        () -> SynthesizedStack.with(Map.of(WarmcacheConfig.REGIONS, "us-east-1,us-east-1")));
    assertThrows(
        InvalidContextException.class,
        () -> SynthesizedStack.with(Map.of(WarmcacheConfig.REGIONS, "us-east-1,moon-1")));
  }

  @Test
  void everyStackIsCdkNagAndCfnLintClean() throws Exception {
    for (SynthesizedStack app : List.of(two, three, threeOverHttp)) {
      for (IConstruct child : app.app.getNode().getChildren()) {
        if (child instanceof Stack stack) {
          assertEquals(
              List.of(),
              Annotations.fromStack(stack)
                  .findError("*", Match.stringLikeRegexp("AwsSolutions-.*")),
              stack.getStackName());
          assertEquals(
              List.of(),
              Annotations.fromStack(stack)
                  .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")),
              stack.getStackName());
          Path template = app.outdir.resolve(stack.getTemplateFile());
          assertTrue(Files.isRegularFile(template), template.toString());
        }
      }
    }
    for (SynthesizedStack app : List.of(two, threeOverHttp)) {
      for (IConstruct child : app.app.getNode().getChildren()) {
        if (child instanceof Stack stack) {
          CfnLintTest.assertLintsClean(app.outdir.resolve(stack.getTemplateFile()));
        }
      }
    }
  }

  private static TreeMap<String, Integer> types(JsonNode template) {
    TreeMap<String, Integer> count = new TreeMap<>();
    template.path("Resources").forEach(r -> count.merge(r.path("Type").asText(), 1, Integer::sum));
    return count;
  }
}
