package dev.warmcache.local.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.local.dynamodb.DynamoDbProxy;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.origin.DemoOrigin;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.engine.TaskFailedException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's HTTP surface on a real edge server: the cache table in a real DynamoDB Local behind
 * the edge's DynamoDB proxy, executions in the real Step Functions engine (Node sidecar) running a
 * small Task-free definition. The full twin with the real ASL is the browser test's business.
 */
class ConsoleApiTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ASL =
      """
      {"StartAt": "Identify the trigger", "States": {
        "Identify the trigger": {"Type": "Choice",
          "Choices": [{"Variable": "$.detail.id", "IsPresent": true, "Next": "Read the key"}],
          "Default": "Reject the trigger"},
        "Read the key": {"Type": "Pass", "Parameters": {"id.$": "$.detail.id"}, "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "Reject the trigger": {"Type": "Fail", "Error": "Test.NoId", "Cause": "The input has no detail.id"}}}""";

  static final String TABLE = "console-api-test";
  static DynamoDbLocalServer ddb;
  static StepFunctionsEngine engine;
  static String machineArn;
  static EdgeServer edge;
  static AwsJsonClient table;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    ddb = DynamoDbLocalServer.start(null);
    table = new AwsJsonClient(ddb.endpoint());
    // The cache table's shape without TTL enabled: DynamoDB Local's sweep would otherwise delete an
    // expired item at a moment of its choosing, and this test looks at the item right after
    // expiring it.
    table.dynamoDb(
        "CreateTable",
        Map.of(
            "TableName",
            TABLE,
            "AttributeDefinitions",
            List.of(Map.of("AttributeName", "id", "AttributeType", "S")),
            "KeySchema",
            List.of(Map.of("AttributeName", "id", "KeyType", "HASH")),
            "BillingMode",
            "PAY_PER_REQUEST"));
    engine =
        StepFunctionsEngine.start(
            Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar")),
            call -> {
              throw new TaskFailedException("States.Runtime", "this definition has no Task state");
            });
    machineArn =
        engine
            .createStateMachine(
                "console-api-test", ASL, Map.of(), "arn:aws:iam::000000000000:role/test")
            .stateMachineArn();
    edge =
        EdgeServer.start(
            0, new Router().register(DynamoDbProxy.dynamoDb(ddb.endpoint(), "us-east-1")));
    LambdaInstances instances =
        () ->
            List.of(
                new LambdaInstances.Function(
                    "warmcache-reader",
                    List.of(
                        new LambdaInstances.Instance(
                            "i-1", false, 412L, 3L, 1_000L, "15", 7, 500L, 2_000L))));
    DemoOrigin origin = new DemoOrigin();
    edge.mount(DemoOrigin.PATH, origin);
    edge.mount(
        "/console",
        Console.builder(edge.endpoint())
            .tableName(TABLE)
            .stepFunctions(engine)
            .stateMachineArn(machineArn)
            .instances(instances)
            .origin(origin)
            .build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (engine != null) engine.close();
    if (ddb != null) ddb.close();
  }

  @Test
  void servesThePageAndItsAssets() throws Exception {
    HttpResponse<String> bare = get("/console");
    assertEquals(302, bare.statusCode());
    assertEquals("/console/", bare.headers().firstValue("Location").orElse(""));
    HttpResponse<String> page = get("/console/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertTrue(
        page.body().contains("id=\"force-refresh\""), "the page has the Force refresh action");
    HttpResponse<String> script = get("/console/console.js");
    assertEquals(200, script.statusCode());
    assertTrue(
        script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
    HttpResponse<String> climb = get("/console/%2e%2e/pom.xml");
    assertEquals(400, climb.statusCode(), "an encoded dot segment is refused before any handler");
    assertTrue(climb.body().startsWith("{") && !climb.body().contains("<project"), climb.body());
    assertEquals(404, get("/console/nothing.js").statusCode());
  }

  @Test
  void itemsShowVersionPreviewExpiryAndLease() throws Exception {
    long in5min = System.currentTimeMillis() / 1000 + 300;
    put(
        Map.of(
            "id",
            Map.of("S", "api-1"),
            "version",
            Map.of("N", "4"),
            "value",
            Map.of("S", "{\"name\":\"one\"}"),
            "contentType",
            Map.of("S", "application/json"),
            "fetchedAt",
            Map.of("N", "1795262100000"),
            "expiresAt",
            Map.of("N", Long.toString(in5min)),
            ItemAttributes.LEASE_OWNER,
            Map.of("S", "exec-abc"),
            ItemAttributes.LEASE_UNTIL,
            Map.of("N", Long.toString(in5min * 1000))));
    put(
        Map.of(
            "id",
            Map.of("S", "api-404"),
            "version",
            Map.of("N", "1"),
            "notFound",
            Map.of("BOOL", true),
            "expiresAt",
            Map.of("N", Long.toString(in5min))));
    JsonNode row = row(api("items"), "api-1");
    assertEquals(4, row.path("version").asLong());
    assertEquals("{\"name\":\"one\"}", row.path("preview").asText());
    assertEquals(in5min, row.path("expiresAt").asLong());
    assertFalse(row.path("stale").asBoolean());
    assertFalse(row.path("notFound").asBoolean());
    assertEquals("exec-abc", row.path("lease").path("owner").asText());
    assertEquals(in5min * 1000, row.path("lease").path("until").asLong());
    assertTrue(row(api("items"), "api-404").path("notFound").asBoolean());
  }

  /**
   * Rows come from the product's own item mapping: a lease stub shows its lease only, a lapsed
   * lease is not shown, and a record the product cannot read says why instead of being guessed at.
   */
  @Test
  void itemsAreReadThroughTheProductsMapping() throws Exception {
    long nowMs = System.currentTimeMillis();
    put(
        Map.of(
            "id",
            Map.of("S", "api-stub"),
            ItemAttributes.LEASE_OWNER,
            Map.of("S", "exec-stub"),
            ItemAttributes.LEASE_UNTIL,
            Map.of("N", Long.toString(nowMs + 60_000))));
    put(
        Map.of(
            "id",
            Map.of("S", "api-lapsed"),
            "version",
            Map.of("N", "2"),
            "value",
            Map.of("S", "v"),
            ItemAttributes.LEASE_OWNER,
            Map.of("S", "exec-old"),
            ItemAttributes.LEASE_UNTIL,
            Map.of("N", Long.toString(nowMs - 1_000))));
    put(Map.of("id", Map.of("S", "api-bad"), "version", Map.of("N", "3")));
    put(
        Map.of(
            "id",
            Map.of("S", "api-far"),
            ItemAttributes.LEASE_OWNER,
            Map.of("S", "exec-far"),
            ItemAttributes.LEASE_UNTIL,
            Map.of("N", "9.9E+125")));

    JsonNode stub = row(api("items"), "api-stub");
    assertFalse(stub.has("version"), stub.toString());
    assertEquals("exec-stub", stub.path("lease").path("owner").asText());
    assertFalse(row(api("items"), "api-lapsed").has("lease"), "a lapsed lease is not held");
    assertEquals(
        Long.MAX_VALUE,
        row(api("items"), "api-far").path("lease").path("until").asLong(),
        "DynamoDB's largest number is held, at the end of time");
    JsonNode bad = row(api("items"), "api-bad");
    assertTrue(
        bad.path("malformed").asText().contains("neither a value nor notFound"), bad.toString());
  }

  @Test
  void expireNowMovesExpiresAtIntoThePast() throws Exception {
    long later = System.currentTimeMillis() / 1000 + 600;
    put(
        Map.of(
            "id",
            Map.of("S", "api-2"),
            "version",
            Map.of("N", "9"),
            "value",
            Map.of("S", "x"),
            "expiresAt",
            Map.of("N", Long.toString(later))));
    HttpResponse<String> expired = post("/console/api/expire", "{\"id\":\"api-2\"}");
    assertEquals(200, expired.statusCode(), expired.body());
    long past = JSON.readTree(expired.body()).path("expiresAt").asLong();
    assertTrue(past * 1000 < System.currentTimeMillis(), "expiresAt " + past + " is in the past");
    JsonNode stored =
        table
            .dynamoDb(
                "GetItem",
                Map.of(
                    "TableName",
                    TABLE,
                    "Key",
                    Map.of("id", Map.of("S", "api-2")),
                    "ConsistentRead",
                    true))
            .path("Item");
    assertEquals(Long.toString(past), stored.path("expiresAt").path("N").asText());
    assertEquals(
        "9", stored.path("version").path("N").asText(), "expiring keeps the version and value");
    assertTrue(row(api("items"), "api-2").path("stale").asBoolean());
  }

  @Test
  void expiringAnAbsentItemIsATypedNotFound() throws Exception {
    HttpResponse<String> missing = post("/console/api/expire", "{\"id\":\"never-written\"}");
    assertEquals(404, missing.statusCode());
    assertEquals("ItemNotFound", JSON.readTree(missing.body()).path("error").asText());
    assertTrue(row(api("items"), "never-written").isMissingNode());
  }

  /**
   * A refusal is answered before the body is read, so the edge closes the connection; it must say
   * so, or a client reusing the connection finds it closed under its next request.
   */
  @Test
  void aRefusalClosesItsConnectionAndSaysSo() throws Exception {
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> refused =
          send(
              HttpRequest.newBuilder(uri("/console/api/expire"))
                  .POST(HttpRequest.BodyPublishers.ofString("id=1"))
                  .header("Content-Type", "text/plain"));
      assertEquals(415, refused.statusCode());
      assertEquals(
          "close", refused.headers().firstValue("Connection").orElse(""), refused::toString);
      assertEquals(200, get("/console/api/readers").statusCode(), "the next request is served");
    }
  }

  @Test
  void badInputGetsTypedReadableErrors() throws Exception {
    assertError(post("/console/api/force-refresh", "{\"id\":\"../etc\"}"), 400, "InvalidId");
    assertError(
        post("/console/api/force-refresh", "{\"id\":\"" + "x".repeat(129) + "\"}"),
        400,
        "InvalidId");
    assertError(post("/console/api/force-refresh", "{}"), 400, "InvalidId");
    assertError(post("/console/api/expire", "{\"id\":"), 400, "InvalidJson");
    assertError(post("/console/api/expire", "[1]"), 400, "InvalidJson");
    assertError(
        send(
            HttpRequest.newBuilder(uri("/console/api/expire"))
                .POST(HttpRequest.BodyPublishers.ofString("id=1"))
                .header("Content-Type", "text/plain")),
        415,
        "UnsupportedMediaType");
    assertError(
        send(
            HttpRequest.newBuilder(uri("/console/api/expire"))
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"1\"}"))
                .header("Content-Type", "application/json")),
        403,
        "ForbiddenOrigin");
    assertError(get("/console/api/force-refresh"), 405, "MethodNotAllowed");
    assertError(get("/console/api/nope"), 404, "NotFound");
    assertError(
        get("/console/api/execution?arn=arn:aws:states:us-east-1:1:execution:other:x"),
        400,
        "InvalidArn");
    assertError(
        get(
            "/console/api/execution?arn="
                + machineArn.replace(":stateMachine:", ":execution:")
                + ":nope"),
        404,
        "ExecutionDoesNotExist");
    assertError(post("/console/api/origin", "{\"failureRate\":2}"), 400, "InvalidOriginSettings");
    assertError(
        post("/console/api/origin", "{\"latencyMs\":\"slow\"}"), 400, "InvalidOriginSettings");
  }

  @Test
  void originKnobsChangeTheDemoOrigin() throws Exception {
    HttpResponse<String> set =
        post("/console/api/origin", "{\"latencyMs\":120,\"failureRate\":0.25}");
    assertEquals(200, set.statusCode(), set.body());
    JsonNode control = JSON.readTree(get(DemoOrigin.PATH + "/control").body());
    assertEquals(120, control.path("latencyMs").asLong());
    assertEquals(0.25, control.path("failureRate").asDouble());
    HttpResponse<String> partly = post("/console/api/origin", "{\"failureRate\":0}");
    assertEquals(
        120,
        JSON.readTree(partly.body()).path("latencyMs").asLong(),
        "a knob left out keeps its value");
    assertEquals(0.0, api("snapshot").path("origin").path("failureRate").asDouble());
    post("/console/api/origin", "{\"latencyMs\":0}");
  }

  @Test
  void numericIdsAreIds() throws Exception {
    put(
        Map.of(
            "id",
            Map.of("S", "77"),
            "version",
            Map.of("N", "1"),
            "value",
            Map.of("S", "v"),
            "expiresAt",
            Map.of("N", Long.toString(System.currentTimeMillis() / 1000 + 600))));
    HttpResponse<String> expired = post("/console/api/expire", "{\"id\":77}");
    assertEquals(200, expired.statusCode(), expired.body());
    assertEquals("77", JSON.readTree(expired.body()).path("id").asText());
  }

  @Test
  void executionsShowTriggerStatusPathAndFailure() throws Exception {
    String force = Files.readString(Path.of("..", "events", "samples", "force-refresh.json"));
    Execution succeeded = engine.startExecution(machineArn, null, force);
    Execution failed = engine.startExecution(machineArn, null, "{\"detail\":{}}");
    engine.awaitExecution(succeeded.executionArn(), Duration.ofSeconds(30));
    engine.awaitExecution(failed.executionArn(), Duration.ofSeconds(30));

    JsonNode list = api("executions");
    JsonNode ok = byArn(list, succeeded.executionArn());
    assertEquals("SUCCEEDED", ok.path("status").asText());
    assertEquals("force", ok.path("trigger").path("kind").asText());
    assertEquals("15", ok.path("trigger").path("id").asText());
    assertTrue(ok.path("stopDate").asLong() >= ok.path("startDate").asLong());
    assertEquals("FAILED", byArn(list, failed.executionArn()).path("status").asText());
    for (int i = 1; i < list.size(); i++) {
      assertTrue(
          list.get(i - 1).path("startDate").asLong() >= list.get(i).path("startDate").asLong(),
          "newest first");
    }

    JsonNode detail =
        api("execution?arn=" + URLEncoder.encode(succeeded.executionArn(), StandardCharsets.UTF_8));
    List<String> entered = new ArrayList<>();
    String readOutput = null;
    for (JsonNode event : detail.path("events")) {
      if (event.has("stateEnteredEventDetails")) {
        entered.add(event.path("stateEnteredEventDetails").path("name").asText());
      }
      if ("Read the key".equals(event.path("stateExitedEventDetails").path("name").asText())) {
        readOutput = event.path("stateExitedEventDetails").path("output").asText();
      }
    }
    assertEquals(List.of("Identify the trigger", "Read the key", "Done"), entered);
    assertEquals("15", JSON.readTree(readOutput).path("id").asText());
    assertEquals(
        "ExecutionSucceeded",
        detail.path("events").path(detail.path("events").size() - 1).path("type").asText());

    JsonNode failure =
        api("execution?arn=" + URLEncoder.encode(failed.executionArn(), StandardCharsets.UTF_8))
            .path("execution");
    assertEquals("Test.NoId", failure.path("error").asText());
    assertEquals("The input has no detail.id", failure.path("cause").asText());
    assertEquals("manual", failure.path("trigger").path("kind").asText());
    assertEquals("Identify the trigger", api("definition").path("StartAt").asText());
  }

  @Test
  void snapshotHasEveryPanel() throws Exception {
    put(
        Map.of(
            "id",
            Map.of("S", "api-3"),
            "version",
            Map.of("N", "1"),
            "value",
            Map.of("S", "v"),
            "expiresAt",
            Map.of("N", Long.toString(System.currentTimeMillis() / 1000 + 600))));
    JsonNode snapshot = api("snapshot");
    assertTrue(snapshot.path("now").asLong() > 0);
    assertEquals(0, snapshot.path("errors").size(), snapshot.path("errors").toString());
    assertTrue(snapshot.path("executions").isArray());
    assertFalse(row(snapshot.path("items"), "api-3").isMissingNode());
    assertTrue(
        snapshot.path("items").size() < snapshot.path("itemsLimit").asInt(),
        "the limit tells the page that this listing is the whole table: "
            + snapshot.path("itemsLimit"));
    JsonNode instance =
        snapshot.path("readers").path("functions").path(0).path("instances").path(0);
    assertEquals("i-1", instance.path("id").asText());
    assertEquals(412, instance.path("initDurationMs").asLong());
    assertEquals(3, instance.path("memoryEntries").asLong());
    assertTrue(snapshot.path("origin").has("latencyMs"));
  }

  @Test
  void aMissingTableDegradesItsPanelOnly() throws Exception {
    Console orphan =
        Console.builder(edge.endpoint())
            .tableName("no-such-table")
            .stepFunctions(engine)
            .stateMachineArn(machineArn)
            .build();
    edge.mount("/orphan-console", orphan);
    HttpResponse<String> response = get("/orphan-console/api/snapshot");
    assertEquals(200, response.statusCode());
    JsonNode snapshot = JSON.readTree(response.body());
    assertTrue(
        snapshot.path("errors").path("items").asText().startsWith("ResourceNotFoundException"),
        snapshot.path("errors").toString());
    assertTrue(snapshot.path("executions").isArray());
    assertFalse(snapshot.path("errors").has("executions"));
  }

  static JsonNode byArn(JsonNode list, String arn) {
    return list.get(indexOf(list, arn));
  }

  static int indexOf(JsonNode list, String arn) {
    for (int i = 0; i < list.size(); i++) {
      if (arn.equals(list.get(i).path("executionArn").asText())) {
        return i;
      }
    }
    throw new AssertionError(arn + " is not listed: " + list);
  }

  // ---- helpers ----

  static void put(Map<String, Object> item) throws Exception {
    table.dynamoDb("PutItem", Map.of("TableName", TABLE, "Item", item));
  }

  static JsonNode row(JsonNode items, String id) {
    for (JsonNode row : items) {
      if (id.equals(row.path("id").asText())) {
        return row;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  static JsonNode api(String endpoint) throws Exception {
    HttpResponse<String> response = get("/console/api/" + endpoint);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    assertEquals(code, body.path("error").asText(), response.body());
    assertFalse(body.path("message").asText().isBlank());
    assertFalse(response.body().contains("at dev.warmcache"), "no stack trace: " + response.body());
  }

  static URI uri(String path) {
    return URI.create(edge.endpoint() + path);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
