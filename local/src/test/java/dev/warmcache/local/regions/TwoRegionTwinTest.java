package dev.warmcache.local.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.cli.AwsCli;
import dev.warmcache.local.console.Browser;
import dev.warmcache.local.measure.Fleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * A two-region twin ({@code --regions us-east-1,eu-west-1}): the SDK and the real CLI pick the
 * region with {@code --region}, exactly as on AWS, and the twin's global table replicates between
 * the regions' DynamoDB Locals with a 500 ms delay.
 */
class TwoRegionTwinTest {

  static final String OTHER = "eu-west-1";
  static final long DELAY_MS = 500;
  static final long COHERENCE_MS = 500;
  static final ObjectMapper JSON = new ObjectMapper();

  static Twin twin;
  static Fleet fleet;
  static LambdaClient otherReaders;
  static DynamoDbClient otherTable;
  static AwsCli cli;

  @BeforeAll
  static void start() throws Exception {
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .regions(java.util.List.of(Twin.REGION, OTHER))
                .replicationDelay(Duration.ofMillis(DELAY_MS))
                .settings(
                    Map.of(
                        "COHERENCE_INTERVAL_MS", Long.toString(COHERENCE_MS),
                        "MISS_WAIT_MS", "8000",
                        "PRIME_FANOUT", "0"))
                .build());
    fleet = new Fleet(twin);
    URI endpoint = twin.endpoint();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    otherReaders =
        LambdaClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(OTHER))
            .credentialsProvider(credentials)
            .build();
    otherTable =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.of(OTHER))
            .credentialsProvider(credentials)
            .build();
    cli = new AwsCli(endpoint);
  }

  @AfterAll
  static void stop() {
    if (otherReaders != null) otherReaders.close();
    if (otherTable != null) otherTable.close();
    if (fleet != null) fleet.close();
    if (twin != null) twin.close();
  }

  @AfterEach
  void reachable() throws Exception {
    twin.setReachable(Twin.REGION, true);
    twin.setReachable(OTHER, true);
    twin.deleteExpiredIn(Twin.REGION);
  }

  private static JsonNode readInOther(String id) throws Exception {
    return JSON.readTree(
        otherReaders
            .invoke(
                b ->
                    b.functionName(Twin.READER + ":" + Twin.ALIAS)
                        .payload(SdkBytes.fromUtf8String("{\"id\":\"" + id + "\"}")))
            .payload()
            .asUtf8String());
  }

  private static long versionInOther(String id) {
    Map<String, AttributeValue> item =
        otherTable
            .getItem(b -> b.tableName(Twin.TABLE).key(Map.of("id", AttributeValue.fromS(id))))
            .item();
    return item.containsKey("version") ? Long.parseLong(item.get("version").n()) : -1;
  }

  private static void seed(String id, long version, long expiresAt) {
    fleet.seed(id, version, System.currentTimeMillis() - 1000, expiresAt);
  }

  private static void awaitReplicated(String id, long version) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (versionInOther(id) != version) {
      assertTrue(System.currentTimeMillis() < deadline, id + " never replicated");
      Thread.sleep(50);
    }
  }

  /** The executions whose trigger names {@code id}: an expiry's record or an event's detail. */
  private static java.util.List<dev.warmcache.local.stepfunctions.engine.Execution> executionsFor(
      String id) {
    return twin.stepFunctions().listExecutions(twin.stateMachine().stateMachineArn(), null).stream()
        .filter(
            e ->
                e.input().contains("\"Keys\":{\"id\":{\"S\":\"" + id + "\"}")
                    || e.input().contains("\"detail\":{\"id\":\"" + id + "\""))
        .toList();
  }

  private static String describe(
      java.util.List<dev.warmcache.local.stepfunctions.engine.Execution> executions) {
    StringBuilder out = new StringBuilder();
    executions.forEach(
        e ->
            out.append("\n  ")
                .append(e.status())
                .append(' ')
                .append(e.error())
                .append(' ')
                .append(e.input()));
    return out.toString();
  }

  @Test
  void theCliPicksTheRegionAndAnUnknownRegionIsRefused() throws Exception {
    AwsCli.assumeInstalled();
    seed("r0", 3, System.currentTimeMillis() / 1000 + 3_600);
    awaitReplicated("r0", 3);

    AwsCli.Result read =
        cli.run(
            "--region",
            OTHER,
            "lambda",
            "invoke",
            "--function-name",
            Twin.READER,
            "--cli-binary-format",
            "raw-in-base64-out",
            "--payload",
            "{\"id\":\"r0\"}",
            "/dev/stdout");
    AwsCli.Result unknown = cli.run("--region", "ap-south-1", "dynamodb", "list-tables");

    assertEquals(0, read.exitCode(), read.stderr());
    assertTrue(read.stdout().contains("\"version\":3"), read.stdout());
    assertTrue(unknown.exitCode() != 0);
    assertTrue(unknown.stderr().contains("UnrecognizedClientException"), unknown.stderr());
  }

  @Test
  void aHomeWriteReachesAWarmReaderInTheOtherRegionWithinDelayPlusCoherencePlus500ms()
      throws Exception {
    cli.forceRefresh(Twin.REGION, "5");
    fleet.awaitVersionAbove("5", 0, Duration.ofSeconds(30));
    long v1 = fleet.storedVersion("5");
    awaitReplicated("5", v1);
    readInOther("5");
    assertEquals(v1, readInOther("5").get("version").asLong());
    assertEquals("memory", readInOther("5").get("source").asText(), "a warm reader");

    cli.forceRefresh(Twin.REGION, "5");
    long written = fleet.awaitVersionAbove("5", v1, Duration.ofSeconds(30));
    long v2 = fleet.storedVersion("5");
    long served = 0;
    while (System.currentTimeMillis() - written < 10_000) {
      if (readInOther("5").get("version").asLong() == v2) {
        served = System.currentTimeMillis();
        break;
      }
      Thread.sleep(20);
    }

    assertTrue(served > 0, "the other region's reader never served " + v2);
    long bound = DELAY_MS + COHERENCE_MS + 500;
    assertTrue(
        served - written <= bound, "served after " + (served - written) + " ms, bound " + bound);
  }

  @Test
  void anExpiredKeyReadInTheOtherRegionIsRefreshedOnceFleetWide() throws Exception {
    String id = "12";
    // On AWS, TTL deletes an expired item hours to days later; DynamoDB Local within seconds. The
    // read path alone is under test here, so no region deletes until this test ends.
    twin.pauseTtl();
    seed(id, 4, System.currentTimeMillis() / 1000 - 10);
    awaitReplicated(id, 4);
    long fetches = twin.origin().requests(id);
    twin.readerRegion(OTHER).orElseThrow().lambda().provision(Twin.READER, 4);

    // Four readers of the other region read the expired key at once, each through the SDK.
    java.util.concurrent.ExecutorService readers =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      java.util.List<java.util.concurrent.Future<JsonNode>> reads = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        reads.add(
            readers.submit(
                () -> {
                  go.await();
                  return readInOther(id);
                }));
      }
      go.countDown();
      for (java.util.concurrent.Future<JsonNode> read : reads) {
        assertEquals(4, read.get().path("version").asLong(), "the stale value, served");
      }
    } finally {
      readers.shutdownNow();
    }
    long deadline = System.currentTimeMillis() + 20_000;
    while (fleet.storedVersion(id) <= 4) {
      assertTrue(
          System.currentTimeMillis() < deadline,
          "never refreshed: "
              + describe(executionsFor(id))
              + " letters "
              + twin.deadLetters().list());
      Thread.sleep(100);
    }
    fleet.awaitWorkflowsDone(Duration.ofSeconds(20));
    Thread.sleep(1_500);

    assertEquals(1, executionsFor(id).size(), describe(executionsFor(id)));
    assertEquals(1, twin.origin().requests(id) - fetches, "origin fetches");
    awaitReplicated(id, fleet.storedVersion(id));
  }

  @Test
  void aTtlDeletionInEitherRegionStartsExactlyOneRefresh() throws Exception {
    for (String deleter : java.util.List.of(Twin.REGION, OTHER)) {
      String id = deleter.equals(Twin.REGION) ? "13" : "14";
      // The expired item first reaches both replicas; then one region's TTL deletes it.
      twin.pauseTtl();
      seed(id, 6, System.currentTimeMillis() / 1000 - 5);
      awaitReplicated(id, 6);
      twin.deleteExpiredIn(deleter);
      long deadline = System.currentTimeMillis() + 60_000;
      while (fleet.storedVersion(id) <= 6) {
        assertTrue(System.currentTimeMillis() < deadline, deleter + ": never refreshed");
        Thread.sleep(200);
      }
      fleet.awaitWorkflowsDone(Duration.ofSeconds(20));
      Thread.sleep(2_000);

      assertEquals(
          1, executionsFor(id).size(), deleter + " deleted: " + describe(executionsFor(id)));
      awaitReplicated(id, fleet.storedVersion(id));
    }
  }

  @Test
  void withTheHomeDownTheOtherRegionKeepsAnsweringAndParksItsMisses() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    twin.pauseTtl(); // f2 must stay, expired, for the stale read (see above)
    seed("f1", 2, now + 3_600);
    seed("f2", 2, now - 30);
    awaitReplicated("f1", 2);
    awaitReplicated("f2", 2);
    int letters = twin.deadLetters().list().size();
    twin.setReachable(Twin.REGION, false);

    JsonNode fresh = readInOther("f1");
    JsonNode stale = readInOther("f2");
    JsonNode absent = readInOther("never-seen");
    AwsCli.Result home =
        AwsCli.AWS.toFile().canExecute()
            ? cli.run("--region", Twin.REGION, "dynamodb", "list-tables", "--cli-read-timeout", "5")
            : null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (twin.deadLetters().list().size() <= letters) {
      assertTrue(System.currentTimeMillis() < deadline, "the parked miss never showed");
      Thread.sleep(200);
    }

    assertEquals(2, fresh.get("version").asLong());
    assertFalse(fresh.get("stale").asBoolean());
    assertEquals(2, stale.get("version").asLong());
    assertTrue(stale.get("stale").asBoolean(), "served stale within MAX_STALE_SECONDS");
    assertTrue(absent.get("pending").asBoolean(), "no failure: a pending answer");
    if (home != null) {
      assertTrue(home.exitCode() != 0, "the home itself answers nothing");
    }
    String parked = twin.deadLetters().list().get(twin.deadLetters().list().size() - 1).toString();
    assertTrue(parked.contains("never-seen") || parked.contains("f2"), parked);
  }

  @Test
  void withTheOtherRegionDownTheHomeCarriesOnAndTheReplicaCatchesUp() throws Exception {
    seed("g1", 3, System.currentTimeMillis() / 1000 + 3_600);
    awaitReplicated("g1", 3);
    twin.setReachable(OTHER, false);

    cli.forceRefresh(Twin.REGION, "g1");
    fleet.awaitVersionAbove("g1", 3, Duration.ofSeconds(30));
    long v = fleet.storedVersion("g1");
    JsonNode home = cli.invoke(Twin.READER, "{\"id\":\"g1\"}");
    AwsCli.Result other = cli.run("--region", OTHER, "dynamodb", "list-tables");

    assertEquals(v, home.path("version").asLong(), "the home answers with its new version");
    assertTrue(other.exitCode() != 0, "the lost region answers nothing");
    twin.setReachable(OTHER, true);
    awaitReplicated("g1", v);
  }

  private static JsonNode consoleSnapshot(HttpClient http) throws Exception {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(twin.endpoint().resolve("/console/api/snapshot")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void theConsoleShowsEachRegionsItemsAndReaders() throws Exception {
    seed("console-1", 5, System.currentTimeMillis() / 1000 + 600);
    awaitReplicated("console-1", 5);
    assertEquals(5, readInOther("console-1").path("version").asLong());

    HttpClient http = HttpClient.newHttpClient();
    JsonNode snapshot = consoleSnapshot(http);
    assertEquals(Twin.REGION, snapshot.path("homeRegion").asText());
    JsonNode other = snapshot.path("regions").path(0);
    assertEquals(OTHER, other.path("name").asText(), snapshot.toString());
    assertEquals(0, other.path("errors").size(), other.path("errors").toString());
    assertTrue(
        other.path("items").findValuesAsText("id").contains("console-1"),
        "the replica's items: " + other.path("items"));
    JsonNode readers = other.path("readers").path("functions").path(0);
    assertEquals(Twin.READER, readers.path("name").asText());
    assertTrue(readers.path("instances").size() >= 1, "the other region's own instances");

    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(twin.endpoint().resolve("/console/api/items?region=moon-1"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, unknown.statusCode());
    assertTrue(unknown.body().contains("UnknownRegion"), unknown.body());
    HttpResponse<String> hostile =
        http.send(
            HttpRequest.newBuilder(
                    twin.endpoint()
                        .resolve(
                            "/console/api/readers?region=" + "x".repeat(4000) + "%3Cscript%3E"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(400, hostile.statusCode());
    assertTrue(hostile.body().length() < 300, "no stranger's text echoed back: " + hostile.body());
    assertEquals(
        "application/json; charset=utf-8", hostile.headers().firstValue("Content-Type").orElse(""));

    // The page: pick the region, see its replica's rows and its own reader instances.
    if (Browser.missing() == null) {
      try (Browser browser = Browser.start()) {
        browser.driver.get(twin.endpoint() + "/console");
        WebDriverWait wait =
            new org.openqa.selenium.support.ui.WebDriverWait(
                browser.driver, Duration.ofSeconds(15), Duration.ofMillis(200));
        wait.until(
            d ->
                d.findElement(By.id("region")).isDisplayed()
                    && d.findElements(By.cssSelector("#region option")).size() == 2);
        new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.id("region")))
            .selectByValue(OTHER);
        wait.until(
            d ->
                d.findElement(By.id("items-region")).getText().contains(OTHER + " (replica)")
                    && !d.findElements(By.cssSelector("#items tr[data-id='console-1']")).isEmpty()
                    && !d.findElements(By.cssSelector("#readers .inst")).isEmpty());
        assertEquals(
            java.util.List.of(),
            browser.driver.findElements(By.cssSelector("#items button[data-action='expire']")),
            "writes go through the home: no Expire in a replica's rows");
        assertEquals(java.util.List.of(), browser.errors());
      }
    }

    // A failed region is reported in its panel, never failing the page.
    twin.setReachable(OTHER, false);
    JsonNode down = consoleSnapshot(http);
    assertTrue(down.path("regions").path(0).path("errors").has("items"), down.toString());
    assertTrue(down.path("items").isArray() && down.path("errors").path("items").isMissingNode());
  }
}
