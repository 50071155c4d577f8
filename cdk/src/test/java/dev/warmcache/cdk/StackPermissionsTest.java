package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IAM statements of every role, read back from the template: each role can do exactly what its
 * part needs, on this stack's resources, and '*' appears only for actions that have no resource.
 */
class StackPermissionsTest {

  /** Actions that support no resource-level permissions, the only ones allowed on '*'. */
  private static final Set<String> RESOURCELESS =
      Set.of(
          "xray:PutTraceSegments",
          "xray:PutTelemetryRecords",
          "xray:GetSamplingRules",
          "xray:GetSamplingTargets",
          "logs:CreateLogDelivery",
          "logs:GetLogDelivery",
          "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery",
          "logs:ListLogDeliveries",
          "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies",
          "logs:DescribeLogGroups",
          "dynamodb:ListStreams");

  private static SynthesizedStack s;
  private static String table;
  private static String bus;
  private static String machine;

  @BeforeAll
  static void synth() {
    s = SynthesizedStack.get();
    table = only("AWS::DynamoDB::Table");
    bus = only("AWS::Events::EventBus");
    machine = only("AWS::StepFunctions::StateMachine");
  }

  private static String only(String type) {
    Map<String, JsonNode> found = s.resources(type);
    assertEquals(1, found.size(), type);
    return found.keySet().iterator().next();
  }

  private static String logicalId(String type, String constructId) {
    return s.resources(type).keySet().stream()
        .filter(id -> id.matches(constructId + "[0-9A-F]{8}"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " " + constructId));
  }

  /** All statements attached to a role, by action; resources and conditions as JSON text. */
  private static List<JsonNode> statementsOf(String role) {
    List<JsonNode> statements = new ArrayList<>();
    s.resources("AWS::IAM::Policy")
        .values()
        .forEach(
            policy -> {
              for (JsonNode r : policy.path("Properties").path("Roles")) {
                if (role.equals(r.path("Ref").asText())) {
                  policy
                      .path("Properties")
                      .path("PolicyDocument")
                      .path("Statement")
                      .forEach(statements::add);
                }
              }
            });
    JsonNode roleResource = s.json.path("Resources").path(role).path("Properties");
    assertFalse(roleResource.has("ManagedPolicyArns"), role + " has no managed policies");
    assertFalse(
        roleResource.has("Policies"), role + " has no inline policies besides its default policy");
    return statements;
  }

  private static Map<String, List<JsonNode>> byAction(List<JsonNode> statements) {
    Map<String, List<JsonNode>> out = new TreeMap<>();
    for (JsonNode st : statements) {
      assertEquals("Allow", st.path("Effect").asText());
      for (String action : list(st.path("Action"))) {
        out.computeIfAbsent(action, a -> new ArrayList<>()).add(st);
      }
    }
    return out;
  }

  private static List<String> list(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
    } else {
      out.add(node.isTextual() ? node.asText() : node.toString());
    }
    return out;
  }

  private static List<JsonNode> resources(JsonNode statement) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode r = statement.path("Resource");
    if (r.isArray()) {
      r.forEach(out::add);
    } else {
      out.add(r);
    }
    return out;
  }

  private static String roleOfFunction(String constructId) {
    JsonNode role =
        s.json
            .path("Resources")
            .path(logicalId("AWS::Lambda::Function", constructId))
            .path("Properties")
            .path("Role")
            .path("Fn::GetAtt");
    return role.path(0).asText();
  }

  private static JsonNode getAtt(String id, String attribute) {
    return SynthesizedStack.JSON.valueToTree(Map.of("Fn::GetAtt", List.of(id, attribute)));
  }

  private static JsonNode ref(String id) {
    return SynthesizedStack.JSON.createObjectNode().put("Ref", id);
  }

  @Test
  void noWildcardResourceWhereTheActionHasOne() {
    for (JsonNode policy : s.resources("AWS::IAM::Policy").values()) {
      for (JsonNode st : policy.path("Properties").path("PolicyDocument").path("Statement")) {
        for (String action : list(st.path("Action"))) {
          assertFalse(action.endsWith("*"), "no wildcard action: " + action);
        }
        if (resources(st).stream().anyMatch(r -> r.isTextual() && r.asText().contains("*"))) {
          for (String action : list(st.path("Action"))) {
            assertTrue(
                RESOURCELESS.contains(action),
                action + " is granted on '*' but has resources: " + st);
          }
        }
      }
    }
  }

  @Test
  void readerReadsResetsOnlyTheIdleCounterAndPublishesOnlyCacheMisses() {
    Map<String, List<JsonNode>> actions = byAction(statementsOf(roleOfFunction("Reader")));
    assertEquals(
        new TreeSet<>(
            List.of(
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:UpdateItem",
                "events:PutEvents",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments")),
        actions.keySet());
    assertEquals(List.of(getAtt(table, "Arn")), resources(actions.get("dynamodb:GetItem").get(0)));
    JsonNode feed = actions.get("dynamodb:BatchGetItem").get(0);
    assertEquals(List.of(getAtt(table, "Arn")), resources(feed));
    assertEquals(
        "[\"" + dev.warmcache.changes.ChangeFeed.KEY_PREFIX + "*\"]",
        feed.path("Condition")
            .path("ForAllValues:StringLike")
            .path("dynamodb:LeadingKeys")
            .toString(),
        "the batched read reaches change records only, never a cached value");
    JsonNode update = actions.get("dynamodb:UpdateItem").get(0);
    assertEquals(List.of(getAtt(table, "Arn")), resources(update));
    assertEquals(
        SynthesizedStack.JSON.valueToTree(Warmcache.READER_UPDATABLE_ATTRIBUTES),
        update.path("Condition").path("ForAllValues:StringEquals").path("dynamodb:Attributes"));
    assertFalse(
        Warmcache.READER_UPDATABLE_ATTRIBUTES.contains("value"),
        "the reader can never write a value");
    assertFalse(
        Warmcache.READER_UPDATABLE_ATTRIBUTES.contains("version"),
        "the reader can never move a version");
    assertEquals(
        "[\"NONE\",\"UPDATED_OLD\",\"UPDATED_NEW\"]",
        update
            .path("Condition")
            .path("StringEqualsIfExists")
            .path("dynamodb:ReturnValues")
            .toString());
    JsonNode put = actions.get("events:PutEvents").get(0);
    assertEquals(List.of(getAtt(bus, "Arn")), resources(put));
    assertEquals(
        Warmcache.READER_SOURCE,
        put.path("Condition").path("StringEquals").path("events:source").asText());
    assertEquals(
        List.of(getAtt(logicalId("AWS::Logs::LogGroup", "ReaderLogs"), "Arn")),
        resources(actions.get("logs:PutLogEvents").get(0)));
  }

  @Test
  void refreshFunctionOnlyLogsTracesAndPrimesTheReaderAlias() {
    // Every table write and event is a workflow integration; the function computes, talks to
    // the origin over the internet (no IAM permission), and sends the prime fan-out.
    Map<String, List<JsonNode>> actions = byAction(statementsOf(roleOfFunction("Refresh")));
    assertEquals(
        new TreeSet<>(
            List.of(
                "lambda:InvokeFunction",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments")),
        actions.keySet());
    assertEquals(
        List.of(ref(logicalId("AWS::Lambda::Alias", "ReaderLive"))),
        resources(actions.get("lambda:InvokeFunction").get(0)),
        "primes reach the reader's live alias and nothing else");
    assertEquals(
        ref(logicalId("AWS::Lambda::Alias", "ReaderLive")),
        s.json
            .path("Resources")
            .path(logicalId("AWS::Lambda::Function", "Refresh"))
            .path("Properties")
            .path("Environment")
            .path("Variables")
            .path("READER_FUNCTION_NAME"),
        "the function primes the alias it is allowed to invoke");
    assertEquals(
        List.of(getAtt(logicalId("AWS::Logs::LogGroup", "RefreshLogs"), "Arn")),
        resources(actions.get("logs:PutLogEvents").get(0)));
  }

  @Test
  void workflowTouchesOnlyThisTableTheseAliasesAndThisBusWithTheCallsItsAslMakes() {
    String role =
        s.json
            .path("Resources")
            .path(machine)
            .path("Properties")
            .path("RoleArn")
            .path("Fn::GetAtt")
            .path(0)
            .asText();
    Map<String, List<JsonNode>> actions = byAction(statementsOf(role));
    WorkflowIntegrations calls = WorkflowIntegrations.of(s.files.json(ProjectFiles.STATE_MACHINE));
    Set<String> dataPlane = new TreeSet<>();
    actions.keySet().stream().filter(a -> !RESOURCELESS.contains(a)).forEach(dataPlane::add);
    Set<String> expected = new TreeSet<>(calls.dynamoDbActions());
    if (!calls.invokedFunctions().isEmpty()) {
      expected.add("lambda:InvokeFunction");
    }
    if (calls.putsEvents()) {
      expected.add("events:PutEvents");
    }
    assertEquals(expected, dataPlane);
    for (String action : calls.dynamoDbActions()) {
      assertEquals(List.of(getAtt(table, "Arn")), resources(actions.get(action).get(0)), action);
    }
    if (actions.containsKey("lambda:InvokeFunction")) {
      Set<JsonNode> allowed = Set.of(ref(logicalId("AWS::Lambda::Alias", "RefreshLive")));
      for (JsonNode r : resources(actions.get("lambda:InvokeFunction").get(0))) {
        assertTrue(allowed.contains(r), "invokes only the live aliases, not " + r);
      }
    }
    if (actions.containsKey("events:PutEvents")) {
      assertEquals(List.of(getAtt(bus, "Arn")), resources(actions.get("events:PutEvents").get(0)));
    }
  }

  /**
   * Starting an execution is write access to the cache (a forged trigger is ordinary input), so no
   * role but the rules' and the Pipe's may do it, whatever the action is spelled.
   */
  @Test
  void onlyTheRuleRolesAndThePipeRoleMayStartExecutions() {
    Set<String> starters = new TreeSet<>();
    s.resources("AWS::Events::Rule")
        .values()
        .forEach(
            rule ->
                rule.path("Properties")
                    .path("Targets")
                    .forEach(
                        t -> starters.add(t.path("RoleArn").path("Fn::GetAtt").path(0).asText())));
    starters.add(
        s.resources("AWS::Pipes::Pipe")
            .values()
            .iterator()
            .next()
            .path("Properties")
            .path("RoleArn")
            .path("Fn::GetAtt")
            .path(0)
            .asText());
    Set<String> holders = new TreeSet<>();
    s.resources("AWS::IAM::Policy")
        .values()
        .forEach(
            policy -> {
              for (JsonNode st :
                  policy.path("Properties").path("PolicyDocument").path("Statement")) {
                boolean starts =
                    list(st.path("Action")).stream()
                        .anyMatch(
                            a ->
                                a.equals("*")
                                    || a.equalsIgnoreCase("states:*")
                                    || a.equalsIgnoreCase("states:StartExecution")
                                    || a.equalsIgnoreCase("states:StartSyncExecution"));
                if (starts) {
                  policy
                      .path("Properties")
                      .path("Roles")
                      .forEach(r -> holders.add(r.path("Ref").asText()));
                }
              }
            });
    assertEquals(starters, holders);
    s.resources("AWS::IAM::Role")
        .values()
        .forEach(
            role ->
                assertFalse(
                    role.path("Properties").path("Policies").toString().contains("states:")
                        || role.path("Properties")
                            .path("ManagedPolicyArns")
                            .toString()
                            .contains("StepFunctions"),
                    "no inline or managed policy grants Step Functions: " + role));
  }

  /** A topic policy replaces SNS's default: without this grant no alarm could notify anyone. */
  @Test
  void cloudWatchAlarmsOfThisAccountMayPublishToTheAlarmTopic() {
    JsonNode policy =
        s.resources("AWS::SNS::TopicPolicy")
            .values()
            .iterator()
            .next()
            .path("Properties")
            .path("PolicyDocument");
    JsonNode grant = null;
    for (JsonNode st : policy.path("Statement")) {
      if ("cloudwatch.amazonaws.com".equals(st.path("Principal").path("Service").asText())) {
        grant = st;
      }
    }
    assertTrue(grant != null, "no statement for cloudwatch.amazonaws.com in " + policy);
    assertEquals("Allow", grant.path("Effect").asText());
    assertEquals("sns:Publish", grant.path("Action").asText());
    assertEquals(ref(only("AWS::SNS::Topic")), grant.path("Resource"));
    assertTrue(
        grant.path("Condition").path("StringEquals").has("aws:SourceAccount"), grant.toString());
    assertTrue(
        grant
            .path("Condition")
            .path("ArnLike")
            .path("aws:SourceArn")
            .toString()
            .contains(":alarm:*"),
        grant.toString());
  }

  @Test
  void ruleTargetsAndThePipeMayOnlyStartThisWorkflow() {
    for (JsonNode rule : s.resources("AWS::Events::Rule").values()) {
      String role =
          rule.path("Properties")
              .path("Targets")
              .path(0)
              .path("RoleArn")
              .path("Fn::GetAtt")
              .path(0)
              .asText();
      String policy =
          s.resources("AWS::IAM::Policy").entrySet().stream()
              .filter(e -> e.getValue().path("Properties").path("Roles").toString().contains(role))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow();
      assertTrue(
          rule.path("DependsOn").toString().contains(policy),
          "the rule waits for its role's policy " + policy);
      Map<String, List<JsonNode>> actions = byAction(statementsOf(role));
      assertEquals(Set.of("states:StartExecution"), actions.keySet());
      assertEquals(List.of(ref(machine)), resources(actions.get("states:StartExecution").get(0)));
    }
    JsonNode pipe = s.resources("AWS::Pipes::Pipe").values().iterator().next();
    String role = pipe.path("Properties").path("RoleArn").path("Fn::GetAtt").path(0).asText();
    Map<String, List<JsonNode>> actions = byAction(statementsOf(role));
    assertEquals(
        new TreeSet<>(
            List.of(
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
                "states:StartExecution",
                "sqs:SendMessage",
                "sqs:GetQueueAttributes",
                "logs:CreateLogStream",
                "logs:PutLogEvents")),
        actions.keySet());
    for (String read :
        List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")) {
      assertEquals(List.of(getAtt(table, "StreamArn")), resources(actions.get(read).get(0)), read);
    }
    assertEquals(List.of(ref(machine)), resources(actions.get("states:StartExecution").get(0)));
    assertEquals(
        List.of(getAtt(logicalId("AWS::SQS::Queue", "TtlExpiryDlq"), "Arn")),
        resources(actions.get("sqs:SendMessage").get(0)));
    // The Pipe's policy must exist before the Pipe, or creation fails its permission check.
    assertTrue(
        pipe.path("DependsOn").toString().contains(role), "pipe depends on its role and policy");
    JsonNode trust =
        s.json
            .path("Resources")
            .path(role)
            .path("Properties")
            .path("AssumeRolePolicyDocument")
            .path("Statement")
            .path(0);
    assertEquals("pipes.amazonaws.com", trust.path("Principal").path("Service").asText());
    assertTrue(
        trust.path("Condition").path("StringEquals").has("aws:SourceAccount"),
        "confused-deputy guard");
  }
}
