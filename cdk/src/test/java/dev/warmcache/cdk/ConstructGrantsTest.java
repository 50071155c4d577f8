package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;

/**
 * The construct as a user's own CDK app uses it: next to two functions of the app's, one bound as a
 * reading client, one granted ForceRefresh. Each grant is exactly what the client needs, and
 * cdk-nag finds nothing in what the construct adds.
 */
class ConstructGrantsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode template;
  private static Stack stack;
  private static JsonNode regionalTemplate;
  private static Stack regionalStack;

  @BeforeAll
  static void synth() throws Exception {
    ProjectFiles files = ProjectFiles.locate();
    @SuppressWarnings("unchecked")
    Map<String, Object> context =
        new HashMap<>(JSON.convertValue(files.json("cdk.json").path("context"), Map.class));
    // A reader setting the app changed from its default: bind hands it to the client too.
    context.put("missWaitMs", "1500");
    App app =
        App.Builder.create()
            .context(context)
            .outdir(Files.createTempDirectory("warmcache-construct-test").toString())
            .build();
    stack = new Stack(app, "UsersApp");
    Warmcache cache =
        new Warmcache(
            stack,
            "Cache",
            WarmcacheConfig.fromContext(key -> app.getNode().tryGetContext(key)),
            files);
    // Any Java jar stands in for the user's code: the template, not the code, is under test.
    Code code = Code.fromAsset(files.require(ProjectFiles.READER_JAR).toString());
    Function productPage = userFunction(stack, "ProductPage", code);
    Function admin = userFunction(stack, "Admin", code);
    cache.bind(productPage);
    cache.grantForceRefresh(admin);
    Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    app.synth();
    template = JSON.valueToTree(Template.fromStack(stack).toJSON());

    // The same user's app in two regions: its function in eu-west-1 bound to that region's readers.
    context.put(WarmcacheConfig.REGIONS, "us-east-1,eu-west-1");
    App regional =
        App.Builder.create()
            .context(context)
            .outdir(Files.createTempDirectory("warmcache-construct-test").toString())
            .build();
    WarmcacheConfig config =
        WarmcacheConfig.fromContext(key -> regional.getNode().tryGetContext(key));
    Stack home =
        new Stack(
            regional,
            "UsersHome",
            StackProps.builder().env(Environment.builder().region("us-east-1").build()).build());
    new Warmcache(home, "Cache", config, files);
    regionalStack =
        new Stack(
            regional,
            "UsersEurope",
            StackProps.builder().env(Environment.builder().region("eu-west-1").build()).build());
    RegionalReaders europe =
        new RegionalReaders(regionalStack, "Cache", config, files, "us-east-1");
    Code europeCode = Code.fromAsset(files.require(ProjectFiles.READER_JAR).toString());
    europe.bind(userFunction(regionalStack, "ProductPage", europeCode));
    europe.grantForceRefresh(userFunction(regionalStack, "Admin", europeCode));
    Aspects.of(regional).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    regional.synth();
    regionalTemplate = JSON.valueToTree(Template.fromStack(regionalStack).toJSON());
  }

  /** A function of the user's own, whose own findings are the user's, not the construct's. */
  private static Function userFunction(Stack scope, String id, Code code) {
    Function f =
        Function.Builder.create(scope, id)
            .runtime(Runtime.JAVA_21)
            .handler("example.Handler::handleRequest")
            .code(code)
            .build();
    NagSuppressions.addResourceSuppressions(
        f,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM4")
                .reason("the test's own function uses CDK's default execution role")
                .build(),
            NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason("the test's own function; its runtime is the user's choice")
                .build()),
        true);
    return f;
  }

  /** Every statement in the policies attached to the role of function {@code id}. */
  private static List<JsonNode> statementsOf(String id) {
    return statementsOf(template, id);
  }

  private static List<JsonNode> statementsOf(JsonNode template, String id) {
    String role =
        template.path("Resources").properties().stream()
            .filter(e -> e.getKey().startsWith(id + "ServiceRole"))
            .filter(e -> e.getValue().path("Type").asText().equals("AWS::IAM::Role"))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    List<JsonNode> statements = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            r -> {
              if (r.path("Type").asText().equals("AWS::IAM::Policy")
                  && r.path("Properties").path("Roles").toString().contains(role)) {
                r.path("Properties")
                    .path("PolicyDocument")
                    .path("Statement")
                    .forEach(statements::add);
              }
            });
    return statements;
  }

  private static JsonNode statement(List<JsonNode> statements, String action) {
    return statements.stream()
        .filter(s -> s.path("Action").toString().contains(action))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no statement allows " + action + ": " + statements));
  }

  @Test
  void bindGrantsExactlyWhatAReadingClientNeeds() {
    List<JsonNode> statements = statementsOf("ProductPage");
    assertEquals(3, statements.size(), statements::toString);

    JsonNode read = statement(statements, "dynamodb:GetItem");
    assertEquals("[\"dynamodb:BatchGetItem\",\"dynamodb:GetItem\"]", sorted(read.path("Action")));
    assertTrue(read.path("Resource").toString().contains("CacheTable"), read.toString());
    assertTrue(read.path("Condition").isMissingNode(), "reads of any key: getAll");

    JsonNode claim = statement(statements, "dynamodb:UpdateItem");
    assertEquals(
        "[\"id\",\"idleRefreshes\",\"refreshRequestedAt\"]",
        claim
            .path("Condition")
            .path("ForAllValues:StringEquals")
            .path("dynamodb:Attributes")
            .toString());
    assertEquals(
        "[\"NONE\",\"UPDATED_OLD\",\"UPDATED_NEW\"]",
        claim
            .path("Condition")
            .path("StringEqualsIfExists")
            .path("dynamodb:ReturnValues")
            .toString());

    JsonNode miss = statement(statements, "events:PutEvents");
    assertEquals(
        "warmcache.reader",
        miss.path("Condition").path("StringEquals").path("events:source").asText());
    for (JsonNode s : statements) {
      String actions = s.path("Action").toString();
      assertFalse(
          actions.contains("PutItem") || actions.contains("DeleteItem") || actions.contains("*"),
          "no value write: " + s);
    }
  }

  @Test
  void bindSetsTheEnvironmentThatFromEnvironmentReads() {
    JsonNode env = environmentOf(template, "ProductPage");
    assertTrue(env.path("TABLE_NAME").toString().contains("CacheTable"), env.toString());
    assertTrue(env.path("EVENT_BUS_NAME").toString().contains("CacheBus"), env.toString());
    assertEquals("1500", env.path("MISS_WAIT_MS").asText(), "the cache's own reader settings");
    assertFalse(env.has("ORIGIN_URL_TEMPLATE"), "a reading client never learns the origin");
    assertFalse(env.has("HOME_REGION"), "one region: the client's own region is the home");
  }

  @Test
  void inAnotherRegionBindReadsTheReplicaAndWritesClaimsThroughTheHome() {
    List<JsonNode> statements = statementsOf(regionalTemplate, "ProductPage");
    assertEquals(3, statements.size(), statements::toString);
    String read = statement(statements, "dynamodb:GetItem").path("Resource").toString();
    assertTrue(read.contains("eu-west-1") || read.contains("AWS::Region"), read);
    assertTrue(read.contains(":table/warmcache"), read);
    String claim = statement(statements, "dynamodb:UpdateItem").path("Resource").toString();
    assertTrue(claim.contains("us-east-1") && claim.contains(":table/warmcache"), claim);
    String miss = statement(statements, "events:PutEvents").path("Resource").toString();
    assertTrue(miss.contains("CacheBus"), "this region's bus, forwarded home: " + miss);
    assertFalse(miss.contains("us-east-1"), miss);

    JsonNode env = environmentOf(regionalTemplate, "ProductPage");
    assertEquals("us-east-1", env.path("HOME_REGION").asText(), env.toString());
    assertEquals("warmcache", env.path("TABLE_NAME").asText(), env.toString());
    assertTrue(env.path("EVENT_BUS_NAME").toString().contains("CacheBus"), env.toString());
    assertEquals("1500", env.path("MISS_WAIT_MS").asText(), env.toString());

    List<JsonNode> admin = statementsOf(regionalTemplate, "Admin");
    assertEquals(1, admin.size(), admin::toString);
    assertEquals(
        "warmcache.admin",
        admin.get(0).path("Condition").path("StringEquals").path("events:source").asText());
    assertTrue(
        Annotations.fromStack(regionalStack)
            .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
            .isEmpty(),
        () ->
            Annotations.fromStack(regionalStack)
                .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .toString());
  }

  private static JsonNode environmentOf(JsonNode template, String function) {
    return template.path("Resources").properties().stream()
        .filter(e -> e.getKey().startsWith(function))
        .filter(e -> e.getValue().path("Type").asText().equals("AWS::Lambda::Function"))
        .findFirst()
        .orElseThrow()
        .getValue()
        .path("Properties")
        .path("Environment")
        .path("Variables");
  }

  @Test
  void grantForceRefreshGrantsForceRefreshEventsOnly() {
    List<JsonNode> statements = statementsOf("Admin");
    assertEquals(1, statements.size(), statements::toString);
    JsonNode force = statements.get(0);
    assertEquals("\"events:PutEvents\"", force.path("Action").toString());
    assertEquals(
        "warmcache.admin",
        force.path("Condition").path("StringEquals").path("events:source").asText());
  }

  @Test
  void cdkNagFindsNothingInWhatTheConstructAdds() {
    assertTrue(
        Annotations.fromStack(stack)
            .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
            .isEmpty(),
        () ->
            Annotations.fromStack(stack)
                .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .toString());
  }

  private static String sorted(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    values.sort(String::compareTo);
    return JSON.valueToTree(values).toString();
  }
}
