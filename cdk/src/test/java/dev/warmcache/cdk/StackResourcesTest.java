package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.item.TableShape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * What the synthesized template deploys, checked against the issue and the repository's own files.
 */
class StackResourcesTest {

  private static SynthesizedStack s;

  @BeforeAll
  static void synth() {
    s = SynthesizedStack.get();
  }

  private static String prefix() {
    return s.cdkContext.path(WarmcacheConfig.NAME_PREFIX).asText("warmcache");
  }

  private static Map.Entry<String, JsonNode> byLogicalId(String type, String constructId) {
    return s.resources(type).entrySet().stream()
        .filter(e -> e.getKey().matches(constructId + "[0-9A-F]{8}"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " " + constructId));
  }

  private static JsonNode ref(String logicalId) {
    return SynthesizedStack.JSON.createObjectNode().put("Ref", logicalId);
  }

  private static JsonNode getAtt(String logicalId, String attribute) {
    return SynthesizedStack.JSON.valueToTree(Map.of("Fn::GetAtt", List.of(logicalId, attribute)));
  }

  @Test
  void tableIsOnDemandWithTtlStreamAndPointInTimeRecovery() {
    Map.Entry<String, JsonNode> table = byLogicalId("AWS::DynamoDB::Table", "Table");
    JsonNode p = table.getValue().path("Properties");
    assertEquals(prefix(), p.path("TableName").asText());
    // The product's one table shape, which the twin and the test fixture create too.
    assertEquals(TableShape.BILLING_MODE, p.path("BillingMode").asText());
    assertEquals(
        SynthesizedStack.JSON.valueToTree(
            List.of(Map.of("AttributeName", TableShape.PARTITION_KEY, "KeyType", "HASH"))),
        p.path("KeySchema"));
    assertEquals(
        SynthesizedStack.JSON.valueToTree(
            List.of(
                Map.of(
                    "AttributeName",
                    TableShape.PARTITION_KEY,
                    "AttributeType",
                    TableShape.PARTITION_KEY_TYPE))),
        p.path("AttributeDefinitions"));
    assertEquals(
        SynthesizedStack.JSON.valueToTree(
            Map.of("AttributeName", TableShape.TTL_ATTRIBUTE, "Enabled", true)),
        p.path("TimeToLiveSpecification"));
    assertEquals(
        TableShape.STREAM_VIEW_TYPE, p.path("StreamSpecification").path("StreamViewType").asText());
    assertTrue(
        p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean());
    String policy = s.cdkContext.path(WarmcacheConfig.REMOVAL_POLICY).asText("retain");
    String expected = policy.equals("destroy") ? "Delete" : "Retain";
    assertEquals(expected, table.getValue().path("DeletionPolicy").asText());
    assertEquals(expected, table.getValue().path("UpdateReplacePolicy").asText());
    assertEquals(policy.equals("retain"), p.path("DeletionProtectionEnabled").asBoolean(false));
  }

  @Test
  void functionsRunJava21OnArmWithSnapStartTracingAndTheirOwnLogGroup() {
    for (String[] f :
        new String[][] {
          {"Reader", Warmcache.READER_HANDLER, "-reader"},
          {"Refresh", Warmcache.REFRESH_HANDLER, "-refresh"}
        }) {
      Map.Entry<String, JsonNode> fn = byLogicalId("AWS::Lambda::Function", f[0]);
      JsonNode p = fn.getValue().path("Properties");
      assertEquals(prefix() + f[2], p.path("FunctionName").asText());
      assertEquals("java21", p.path("Runtime").asText());
      assertEquals("[\"arm64\"]", p.path("Architectures").toString());
      assertEquals("PublishedVersions", p.path("SnapStart").path("ApplyOn").asText());
      assertEquals("Active", p.path("TracingConfig").path("Mode").asText());
      assertEquals(f[1], p.path("Handler").asText());
      String logGroup = p.path("LoggingConfig").path("LogGroup").path("Ref").asText();
      JsonNode logs = s.json.path("Resources").path(logGroup).path("Properties");
      // "/aws/lambda/<name>-<part of the stack id>": a log group retained by destroy never blocks a
      // redeploy.
      JsonNode name = logs.path("LogGroupName").path("Fn::Join").path(1);
      assertEquals("/aws/lambda/" + prefix() + f[2] + "-", name.path(0).asText());
      assertTrue(name.path(1).toString().contains("AWS::StackId"), name.toString());
      assertTrue(logs.path("RetentionInDays").asInt() > 0, "log retention is set");
      JsonNode env = p.path("Environment").path("Variables");
      assertEquals(
          ref(byLogicalId("AWS::DynamoDB::Table", "Table").getKey()), env.path("TABLE_NAME"));
      assertEquals(
          ref(byLogicalId("AWS::Events::EventBus", "Bus").getKey()), env.path("EVENT_BUS_NAME"));
      assertEquals(Warmcache.METRICS_NAMESPACE, env.path("POWERTOOLS_METRICS_NAMESPACE").asText());
      assertEquals(prefix() + f[2], env.path("POWERTOOLS_SERVICE_NAME").asText());
    }
    JsonNode reader = byLogicalId("AWS::Lambda::Function", "Reader").getValue().path("Properties");
    assertEquals(1024, reader.path("MemorySize").asInt());
    assertFalse(
        reader.path("Environment").path("Variables").has("ORIGIN_URL_TEMPLATE"),
        "the reader never sees the origin");
    JsonNode refresh =
        byLogicalId("AWS::Lambda::Function", "Refresh").getValue().path("Properties");
    assertEquals(
        s.cdkContext.path(WarmcacheConfig.ORIGIN_URL_TEMPLATE).asText(),
        refresh.path("Environment").path("Variables").path("ORIGIN_URL_TEMPLATE").asText());
  }

  @Test
  void eachHandlerIsInItsJarAndRunsOnJava21() throws java.io.IOException {
    for (String[] f :
        new String[][] {
          {ProjectFiles.READER_JAR, Warmcache.READER_HANDLER},
          {ProjectFiles.REFRESH_JAR, Warmcache.REFRESH_HANDLER}
        }) {
      String entry = f[1].substring(0, f[1].indexOf("::")).replace('.', '/') + ".class";
      try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(s.files.require(f[0]).toFile())) {
        java.util.zip.ZipEntry handler = jar.getEntry(entry);
        assertTrue(handler != null, f[0] + " holds " + entry);
        byte[] header = jar.getInputStream(handler).readNBytes(8);
        int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        assertTrue(
            major <= 65, entry + " has class file version " + major + ", above Java 21's 65");
      }
    }
  }

  @Test
  void eachFunctionIsPublishedBehindTheLiveAlias() {
    for (String f : List.of("Reader", "Refresh")) {
      String function = byLogicalId("AWS::Lambda::Function", f).getKey();
      Map.Entry<String, JsonNode> version =
          s.resources("AWS::Lambda::Version").entrySet().stream()
              .filter(
                  e -> e.getValue().path("Properties").path("FunctionName").equals(ref(function)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no published version of " + f));
      JsonNode alias = byLogicalId("AWS::Lambda::Alias", f + "Live").getValue().path("Properties");
      assertEquals(Warmcache.ALIAS, alias.path("Name").asText());
      assertEquals(ref(function), alias.path("FunctionName"));
      assertEquals(getAtt(version.getKey(), "Version"), alias.path("FunctionVersion"));
    }
  }

  @Test
  void refreshTimeoutStaysBelowEveryWorkflowTaskTimeoutThatCallsIt() {
    int timeout =
        byLogicalId("AWS::Lambda::Function", "Refresh")
            .getValue()
            .path("Properties")
            .path("Timeout")
            .asInt();
    JsonNode asl = s.files.json(ProjectFiles.STATE_MACHINE);
    List<Integer> taskTimeouts = new java.util.ArrayList<>();
    collectTaskTimeouts(asl, "${" + WorkflowIntegrations.REFRESH_FUNCTION_ARN + "}", taskTimeouts);
    assertFalse(taskTimeouts.isEmpty(), "the workflow calls the refresh function");
    for (int taskTimeout : taskTimeouts) {
      assertTrue(
          timeout < taskTimeout,
          "Lambda timeout " + timeout + " s must be below the task's " + taskTimeout + " s");
      // Settings derives the largest refresh timeout from this constant; the ASL must agree.
      assertEquals(dev.warmcache.settings.Settings.WORKFLOW_TASK_TIMEOUT_SECONDS, taskTimeout);
    }
  }

  private static void collectTaskTimeouts(JsonNode node, String function, List<Integer> out) {
    if (node.isObject()) {
      if ("Task".equals(node.path("Type").asText())
          && function.equals(node.path("Parameters").path("FunctionName").asText())
          && node.has("TimeoutSeconds")) {
        out.add(node.get("TimeoutSeconds").asInt());
      }
      node.elements().forEachRemaining(child -> collectTaskTimeouts(child, function, out));
    } else if (node.isArray()) {
      node.elements().forEachRemaining(child -> collectTaskTimeouts(child, function, out));
    }
  }

  @Test
  void stateMachineIsTheAslFileWithTheContractSubstitutions() {
    JsonNode p =
        byLogicalId("AWS::StepFunctions::StateMachine", "RefreshWorkflow")
            .getValue()
            .path("Properties");
    assertEquals("STANDARD", p.path("StateMachineType").asText());
    assertEquals(prefix() + "-refresh", p.path("StateMachineName").asText());
    assertEquals(
        s.files.text(ProjectFiles.STATE_MACHINE),
        p.path("DefinitionString").asText(),
        "the deployed definition is the file, byte for byte");
    JsonNode subs = p.path("DefinitionSubstitutions");
    Set<String> keys = new TreeSet<>();
    subs.fieldNames().forEachRemaining(keys::add);
    assertEquals(new TreeSet<>(WorkflowIntegrations.PLACEHOLDERS), keys);
    // Every placeholder is one the file uses (the twin's AslSubstitutionsTest holds it to the
    // same).
    assertEquals(
        WorkflowIntegrations.placeholdersIn(s.files.text(ProjectFiles.STATE_MACHINE)), keys);
    assertEquals(
        ref(byLogicalId("AWS::DynamoDB::Table", "Table").getKey()), subs.path("TableName"));
    assertEquals(
        ref(byLogicalId("AWS::Events::EventBus", "Bus").getKey()), subs.path("EventBusName"));
    // An alias's Ref is its ARN: the workflow calls the published, SnapStart-restored version.
    assertEquals(
        ref(byLogicalId("AWS::Lambda::Alias", "RefreshLive").getKey()),
        subs.path("RefreshFunctionArn"));
    assertTrue(p.path("TracingConfiguration").path("Enabled").asBoolean());
    assertEquals("ALL", p.path("LoggingConfiguration").path("Level").asText());
    assertTrue(
        p.path("LoggingConfiguration")
            .path("Destinations")
            .path(0)
            .path("CloudWatchLogsLogGroup")
            .has("LogGroupArn"));
  }

  @Test
  void everyTaggableResourceCarriesTheAppTag() {
    JsonNode tags =
        byLogicalId("AWS::DynamoDB::Table", "Table").getValue().path("Properties").path("Tags");
    assertEquals(
        SynthesizedStack.JSON.valueToTree(List.of(Map.of("Key", "app", "Value", prefix()))), tags);
    s.template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("Tags", List.of(Map.of("Key", "app", "Value", prefix()))));
  }

  @Test
  void busIsNamedByThePrefix() {
    s.template.hasResourceProperties("AWS::Events::EventBus", Map.of("Name", prefix()));
  }

  @Test
  void rulesUseThePatternFilesAndStartTheWorkflowWithRetriesAndADeadLetterQueue() {
    String machine = byLogicalId("AWS::StepFunctions::StateMachine", "RefreshWorkflow").getKey();
    String bus = byLogicalId("AWS::Events::EventBus", "Bus").getKey();
    for (String[] r :
        new String[][] {
          {"CacheMissRule", ProjectFiles.CACHE_MISS_RULE, "CacheMissDlq"},
          {"ForceRefreshRule", ProjectFiles.FORCE_REFRESH_RULE, "ForceRefreshDlq"}
        }) {
      JsonNode p = byLogicalId("AWS::Events::Rule", r[0]).getValue().path("Properties");
      assertEquals(s.files.json(r[1]), p.path("EventPattern"), r[0] + " pattern equals " + r[1]);
      assertEquals(ref(bus), p.path("EventBusName"));
      assertEquals(1, p.path("Targets").size());
      JsonNode target = p.path("Targets").path(0);
      assertEquals(ref(machine), target.path("Arn"));
      assertEquals(
          getAtt(byLogicalId("AWS::SQS::Queue", r[2]).getKey(), "Arn"),
          target.path("DeadLetterConfig").path("Arn"));
      assertTrue(target.path("RetryPolicy").path("MaximumRetryAttempts").asInt() > 0);
      assertTrue(target.path("RetryPolicy").path("MaximumEventAgeInSeconds").asInt() >= 60);
      assertTrue(target.has("RoleArn"));
    }
  }

  @Test
  void pipeFiltersTheStreamWithTheFilterFileAndStartsTheWorkflowOneRecordAtATime() {
    JsonNode pipe =
        s.resources("AWS::Pipes::Pipe").values().stream()
            .findFirst()
            .orElseThrow()
            .path("Properties");
    assertEquals(
        getAtt(byLogicalId("AWS::DynamoDB::Table", "Table").getKey(), "StreamArn"),
        pipe.path("Source"));
    JsonNode filters = pipe.path("SourceParameters").path("FilterCriteria").path("Filters");
    assertEquals(1, filters.size());
    JsonNode pattern;
    try {
      pattern = SynthesizedStack.JSON.readTree(filters.path(0).path("Pattern").asText());
    } catch (java.io.IOException e) {
      throw new AssertionError("the filter pattern is not JSON", e);
    }
    assertEquals(s.files.json(ProjectFiles.TTL_EXPIRY_FILTER), pattern);
    JsonNode stream = pipe.path("SourceParameters").path("DynamoDBStreamParameters");
    assertEquals(1, stream.path("BatchSize").asInt());
    assertEquals("LATEST", stream.path("StartingPosition").asText());
    assertEquals(
        getAtt(byLogicalId("AWS::SQS::Queue", "TtlExpiryDlq").getKey(), "Arn"),
        stream.path("DeadLetterConfig").path("Arn"));
    assertTrue(stream.path("MaximumRetryAttempts").asInt() > 0);
    assertEquals(
        ref(byLogicalId("AWS::StepFunctions::StateMachine", "RefreshWorkflow").getKey()),
        pipe.path("Target"));
    assertEquals(
        "FIRE_AND_FORGET",
        pipe.path("TargetParameters")
            .path("StepFunctionStateMachineParameters")
            .path("InvocationType")
            .asText());
  }

  @Test
  void deadLetterQueuesAreEncryptedRefuseInsecureTransportAndAcceptOnlyTheirTrigger() {
    Map<String, JsonNode> queues = s.resources("AWS::SQS::Queue");
    assertEquals(3, queues.size());
    queues
        .values()
        .forEach(
            q -> {
              assertTrue(q.path("Properties").path("SqsManagedSseEnabled").asBoolean());
              assertEquals(1209600, q.path("Properties").path("MessageRetentionPeriod").asInt());
            });
    // The rule targets' DLQs accept SendMessage from EventBridge, only on behalf of their own rule.
    for (String[] r :
        new String[][] {
          {"CacheMissDlq", "CacheMissRule"}, {"ForceRefreshDlq", "ForceRefreshRule"}
        }) {
      String queue = byLogicalId("AWS::SQS::Queue", r[0]).getKey();
      JsonNode statements =
          s.resources("AWS::SQS::QueuePolicy").values().stream()
              .filter(p -> p.path("Properties").path("Queues").path(0).equals(ref(queue)))
              .findFirst()
              .orElseThrow()
              .path("Properties")
              .path("PolicyDocument")
              .path("Statement");
      boolean scoped = false;
      for (JsonNode st : statements) {
        if ("events.amazonaws.com".equals(st.path("Principal").path("Service").asText())) {
          assertEquals(
              getAtt(byLogicalId("AWS::Events::Rule", r[1]).getKey(), "Arn"),
              st.path("Condition").path("ArnEquals").path("aws:SourceArn"));
          scoped = true;
        }
      }
      assertTrue(scoped, r[0] + " lets its rule deliver");
    }
  }

  @Test
  void alarmsWatchFailedExecutionsDeadLetterQueuesErrorsAndThrottles() {
    Map<String, JsonNode> alarms = s.resources("AWS::CloudWatch::Alarm");
    Set<String> watched = new TreeSet<>();
    alarms
        .values()
        .forEach(
            a -> {
              JsonNode p = a.path("Properties");
              assertTrue(p.path("AlarmActions").size() > 0, "every alarm notifies the topic");
              watched.add(
                  p.path("Namespace").asText()
                      + ":"
                      + p.path("MetricName").asText()
                      + ":"
                      + p.path("Dimensions").path(0).path("Value"));
            });
    String machine = byLogicalId("AWS::StepFunctions::StateMachine", "RefreshWorkflow").getKey();
    assertTrue(watched.contains("AWS/States:ExecutionsFailed:" + ref(machine)), watched.toString());
    for (String dlq : List.of("CacheMissDlq", "ForceRefreshDlq", "TtlExpiryDlq")) {
      JsonNode name = getAtt(byLogicalId("AWS::SQS::Queue", dlq).getKey(), "QueueName");
      assertTrue(
          watched.contains("AWS/SQS:ApproximateNumberOfMessagesVisible:" + name),
          dlq + " in " + watched);
    }
    for (String f : List.of("Reader", "Refresh")) {
      JsonNode fn = ref(byLogicalId("AWS::Lambda::Function", f).getKey());
      assertTrue(watched.contains("AWS/Lambda:Errors:" + fn), f + " errors");
      assertTrue(watched.contains("AWS/Lambda:Throttles:" + fn), f + " throttles");
    }
    JsonNode reader = ref(byLogicalId("AWS::Lambda::Function", "Reader").getKey());
    assertTrue(
        watched.contains(
            Warmcache.METRICS_NAMESPACE
                + ":"
                + Monitoring.READER_MISS_EVENT_FAILURES
                + ":"
                + reader),
        "the reader's failure to publish misses is an alarm");
  }

  @Test
  void dashboardShowsHitsByTierRefreshesAndFailures() {
    JsonNode dashboard =
        s.resources("AWS::CloudWatch::Dashboard").values().stream().findFirst().orElseThrow();
    String body = dashboard.path("Properties").path("DashboardBody").toString();
    for (String metric : Monitoring.READER_TIER_METRICS) {
      assertTrue(
          body.contains("\\\"" + Warmcache.METRICS_NAMESPACE + "\\\",\\\"" + metric + "\\\""),
          metric + " in " + body);
    }
    for (String title : List.of("Reads by tier", "Refreshes", "Refresh failures")) {
      assertTrue(body.contains(title), title);
    }
    assertTrue(body.contains("ExecutionsSucceeded") && body.contains("ExecutionsFailed"));
  }

  @Test
  void dashboardAndAlarmMetricsAreOnesTheDeployedReaderEmits() throws java.io.IOException {
    // The names live as string constants in the reader's classes; read them from the very
    // jar the stack deploys, so a renamed metric cannot leave an empty graph behind.
    StringBuilder constants = new StringBuilder();
    try (java.util.zip.ZipFile jar =
        new java.util.zip.ZipFile(s.files.require(ProjectFiles.READER_JAR).toFile())) {
      for (java.util.zip.ZipEntry entry : java.util.Collections.list(jar.entries())) {
        if (entry.getName().startsWith("dev/warmcache/reader/")
            && entry.getName().endsWith(".class")) {
          constants.append(
              new String(
                  jar.getInputStream(entry).readAllBytes(),
                  java.nio.charset.StandardCharsets.ISO_8859_1));
        }
      }
    }
    List<String> metrics = new java.util.ArrayList<>(Monitoring.READER_TIER_METRICS);
    metrics.addAll(Monitoring.READER_OTHER_METRICS);
    metrics.add(Monitoring.READER_MISS_EVENT_FAILURES);
    for (String metric : metrics) {
      assertTrue(constants.indexOf(metric) >= 0, "the reader jar emits " + metric);
    }
  }

  @Test
  void outputsNameEverythingTheReadmeCommandsUse() {
    JsonNode outputs = s.json.path("Outputs");
    assertEquals(
        ref(byLogicalId("AWS::Lambda::Alias", "ReaderLive").getKey()),
        outputs.path("ReaderAliasArn").path("Value"));
    assertEquals(Warmcache.ALIAS, outputs.path("ReaderAliasName").path("Value").asText());
    assertEquals(
        ref(byLogicalId("AWS::Lambda::Function", "Reader").getKey()),
        outputs.path("ReaderFunctionName").path("Value"));
    assertEquals(
        ref(byLogicalId("AWS::Events::EventBus", "Bus").getKey()),
        outputs.path("EventBusName").path("Value"));
    String machine = byLogicalId("AWS::StepFunctions::StateMachine", "RefreshWorkflow").getKey();
    assertEquals(ref(machine), outputs.path("StateMachineArn").path("Value"));
    assertEquals(
        ref(byLogicalId("AWS::DynamoDB::Table", "Table").getKey()),
        outputs.path("TableName").path("Value"));
    String console = outputs.path("StateMachineConsoleUrl").path("Value").toString();
    assertTrue(
        console.contains("states/home") && console.contains(ref(machine).toString()), console);
    s.template.hasOutput("DashboardUrl", Match.objectLike(Map.of()));
  }
}
