package dev.warmcache.local.lambda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.cli.AwsCli;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.LambdaPool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lambda's Invoke API on the edge, over the real pool, driven by the real CLI. */
class LambdaCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static LambdaPool pool;
  static LambdaService service;
  static EdgeServer edge;
  static AwsCli aws;
  static DeadLetterFile deadLetters;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    Path classes =
        Path.of(EchoHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path runtimeApi =
        Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    pool = new LambdaPool();
    pool.register(
        FunctionConfig.builder("echo")
            .handler(EchoHandler.class.getName() + "::handleRequest")
            .classpath(List.of(classes, runtimeApi))
            .concurrencyLimit(1)
            .build());
    deadLetters = new DeadLetterFile(dir.resolve("dead-letters.jsonl"));
    service = new LambdaService(pool, "us-east-1", "000000000000", deadLetters);
    edge = EdgeServer.start(0, new Router().register(service));
    aws = new AwsCli(edge.endpoint());
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (service != null) service.close();
    if (pool != null) pool.close();
  }

  private static AwsCli.Result invoke(Path out, String... extra) throws Exception {
    String[] args = new String[6 + extra.length];
    System.arraycopy(
        new String[] {
          "lambda", "invoke", "--cli-binary-format", "raw-in-base64-out", "--function-name"
        },
        0,
        args,
        0,
        5);
    System.arraycopy(extra, 0, args, 5, extra.length);
    args[args.length - 1] = out.toString();
    return aws.run(args);
  }

  @Test
  void requestResponseWithQualifiersAndArns() throws Exception {
    Path out = dir.resolve("plain.json");
    JsonNode meta = invoke(out, "echo", "--payload", "{\"n\":1}").ok();
    assertEquals(200, meta.path("StatusCode").asInt());
    assertEquals("$LATEST", meta.path("ExecutedVersion").asText());
    assertEquals(1, JSON.readTree(Files.readString(out)).path("echo").path("n").asInt());

    JsonNode aliased =
        invoke(
                out,
                "arn:aws:lambda:us-east-1:000000000000:function:echo",
                "--qualifier",
                "live",
                "--payload",
                "{\"n\":2}")
            .ok();
    assertEquals("1", aliased.path("ExecutedVersion").asText());
    assertEquals(2, JSON.readTree(Files.readString(out)).path("echo").path("n").asInt());
  }

  @Test
  void functionErrorsAreReportedWithoutAStackTrace() throws Exception {
    Path out = dir.resolve("error.json");
    JsonNode meta =
        invoke(out, "echo", "--payload", "{\"fail\":\"origin exploded\"}", "--log-type", "Tail")
            .ok();
    assertEquals("Unhandled", meta.path("FunctionError").asText());
    JsonNode error = JSON.readTree(Files.readString(out));
    assertEquals("java.lang.IllegalStateException", error.path("errorType").asText());
    assertEquals("origin exploded", error.path("errorMessage").asText());
    assertEquals(0, error.path("stackTrace").size());
    String log =
        new String(
            java.util.Base64.getDecoder().decode(meta.path("LogResult").asText()),
            StandardCharsets.UTF_8);
    assertTrue(log.startsWith("START RequestId: "), log);
    assertTrue(log.contains("java.lang.IllegalStateException: origin exploded"), log);
    assertTrue(
        log.contains("echo handling [fail]"), "the instance's own output is in the tail: " + log);
  }

  @Test
  void theLogTailNamesTheRequestIdTheFunctionSaw() throws Exception {
    JsonNode meta =
        invoke(dir.resolve("tail.json"), "echo", "--payload", "{\"n\":3}", "--log-type", "Tail")
            .ok();
    String log =
        new String(
            java.util.Base64.getDecoder().decode(meta.path("LogResult").asText()),
            StandardCharsets.UTF_8);

    Matcher seen = Pattern.compile("echo request id (\\S+)").matcher(log);
    assertTrue(seen.find(), log);
    String requestId = seen.group(1);
    assertTrue(log.startsWith("START RequestId: " + requestId + " "), log);
    assertTrue(log.contains("\nEND RequestId: " + requestId + "\n"), log);
    assertTrue(log.contains("\nREPORT RequestId: " + requestId + "\t"), log);
  }

  @Test
  void badRequestsGetLambdasErrors() throws Exception {
    Path out = dir.resolve("bad.json");
    AwsCli.Result notJson = invoke(out, "echo", "--payload", "this is not json");
    assertNotEquals(0, notJson.exitCode());
    assertTrue(notJson.stderr().contains("InvalidRequestContentException"), notJson.stderr());
    AwsCli.Result missing = invoke(out, "nope", "--invocation-type", "DryRun", "--payload", "{}");
    assertTrue(missing.stderr().contains("ResourceNotFoundException"), missing.stderr());
    AwsCli.Result badQualifier =
        invoke(out, "echo:live", "--qualifier", "other", "--payload", "{}");
    assertTrue(
        badQualifier.stderr().contains("InvalidParameterValueException"), badQualifier.stderr());
  }

  @Test
  void beyondTheConcurrencyLimitCallersAreThrottled() throws Exception {
    CompletableFuture<?> busy =
        CompletableFuture.runAsync(
            () -> pool.invoke("echo", "{\"sleepMs\":4000}".getBytes(StandardCharsets.UTF_8)));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pool.instances("echo").stream().noneMatch(i -> i.busy())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    AwsCli.Result throttled = invoke(dir.resolve("throttled.json"), "echo", "--payload", "{}");
    busy.get(30, TimeUnit.SECONDS);
    assertNotEquals(0, throttled.exitCode());
    assertTrue(throttled.stderr().contains("TooManyRequestsException"), throttled.stderr());
  }

  @Test
  void eventInvocationsAnswerAtOnceAndFailuresEndInTheDeadLetterFile() throws Exception {
    JsonNode meta =
        invoke(
                dir.resolve("event.json"),
                "echo",
                "--invocation-type",
                "Event",
                "--payload",
                "{\"fail\":\"always\",\"marker\":\"event-test\"}")
            .ok();
    assertEquals(202, meta.path("StatusCode").asInt());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (deadLetters.list().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    JsonNode letter = deadLetters.list().get(0);
    assertEquals("lambda/echo", letter.path("source").asText());
    assertEquals("event-test", letter.path("payload").path("marker").asText());
  }
}
