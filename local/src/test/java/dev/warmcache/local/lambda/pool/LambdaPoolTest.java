package dev.warmcache.local.lambda.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.lambda.fixture.CountingHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LambdaPoolTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final LambdaPool pool = new LambdaPool();

  @AfterEach
  void close() {
    pool.close();
  }

  private void register(String name, int concurrency, Duration timeout) {
    pool.register(
        CountingHandler.function(name)
            .environment(Map.of("GREETING", "hi " + name))
            .concurrencyLimit(concurrency)
            .timeout(timeout)
            .build());
  }

  private static JsonNode body(InvocationResult r) throws Exception {
    return JSON.readTree(r.payload());
  }

  private InvocationResult invoke(String name, String payload) {
    return pool.invoke(name, payload.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aWarmInstanceKeepsItsStaticsAndANewInstanceStartsFresh() throws Exception {
    register("fn", 10, Duration.ofSeconds(10));

    InvocationResult first = invoke("fn", "{}");
    InvocationResult second = invoke(LambdaPool.arn(pool.region(), "fn"), "{}");

    assertTrue(first.initDuration().isPresent(), "the first request pays the init");
    assertTrue(second.initDuration().isEmpty(), "the second finds the instance warm");
    assertEquals(first.instanceId(), second.instanceId());
    assertEquals(1, body(first).get("call").asInt());
    assertEquals(2, body(second).get("call").asInt(), "same instance, same statics");
    assertEquals("hi fn", body(first).get("greeting").asText(), "env through the Map constructor");
    assertEquals("fn", body(first).get("function").asText());

    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<InvocationResult> busy = threads.submit(() -> invoke("fn", "sleep:400"));
      Thread.sleep(100);
      InvocationResult concurrent = invoke("fn", "{}");
      assertTrue(
          concurrent.initDuration().isPresent(),
          "the warm instance was busy, so a new one started");
      assertEquals(
          1, body(concurrent).get("call").asInt(), "its own class loader, its own statics");
      assertEquals(first.instanceId(), busy.get().instanceId());
    } finally {
      threads.shutdownNow();
    }
    assertEquals(2, pool.instances("fn").size());
  }

  @Test
  void theResultCarriesTheRequestIdTheFunctionSawInItsContext() throws Exception {
    register("fn", 10, Duration.ofSeconds(10));

    InvocationResult first = invoke("fn", "{}");
    InvocationResult second = invoke("fn", "{}");
    InvocationResult failed = invoke("fn", "{\"fail\":true}");

    assertEquals(
        body(first).get("requestId").asText(), first.requestId(), "Context.getAwsRequestId()");
    assertEquals(body(second).get("requestId").asText(), second.requestId());
    assertFalse(first.requestId().equals(second.requestId()), "one id per request");
    assertTrue(failed.failed());
    assertEquals(
        36, failed.requestId().length(), "a failed request has its id too: " + failed.requestId());
  }

  @Test
  void aFunctionAtItsConcurrencyLimitIsThrottled() throws Exception {
    register("limited", 1, Duration.ofSeconds(10));
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      Future<InvocationResult> holding = threads.submit(() -> invoke("limited", "sleep:500"));
      waitUntil(() -> pool.instances("limited").stream().anyMatch(InstanceInfo::busy));
      TooManyRequestsException throttled =
          assertThrows(TooManyRequestsException.class, () -> invoke("limited", "{}"));
      assertEquals("TooManyRequestsException", throttled.errorCode());
      assertEquals(429, throttled.statusCode());
      assertFalse(holding.get().failed());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aHandlerExceptionIsReportedLikeTheJavaRuntimeWithoutAStackTrace() throws Exception {
    register("fn", 10, Duration.ofSeconds(10));

    InvocationResult r = invoke("fn", "{\"fail\":true}");

    assertTrue(r.failed());
    assertEquals("Unhandled", r.functionError());
    assertEquals("java.lang.IllegalStateException", r.errorType());
    JsonNode error = body(r);
    assertEquals("java.lang.IllegalStateException", error.get("errorType").asText());
    assertEquals("asked to fail", error.get("errorMessage").asText());
    assertEquals(0, error.get("stackTrace").size());
    assertFalse(invoke("fn", "{}").failed(), "the instance survives a handler error");
  }

  @Test
  void aHandlerThatOutlivesTheTimeoutFailsAndItsInstanceIsDiscarded() throws Exception {
    register("slow", 10, Duration.ofMillis(300));

    InvocationResult r = invoke("slow", "sleep:2000");

    assertTrue(r.failed());
    assertEquals("Sandbox.Timedout", r.errorType());
    assertTrue(r.errorMessage().startsWith("Task timed out after 0.30 seconds"), r.errorMessage());
    assertTrue(pool.instances("slow").isEmpty());
  }

  @Test
  void idleInstancesAreReclaimedAndUnknownFunctionsAreNotFound() throws Exception {
    register("fn", 10, Duration.ofSeconds(10));
    invoke("fn", "{}");
    assertEquals(1, pool.instances("fn").size());

    assertEquals(1, pool.reclaimAll("fn"));

    assertTrue(pool.instances("fn").isEmpty());
    assertTrue(invoke("fn", "{}").initDuration().isPresent(), "cold again");
    FunctionNotFoundException missing =
        assertThrows(FunctionNotFoundException.class, () -> invoke("nope", "{}"));
    assertEquals("ResourceNotFoundException", missing.errorCode());
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not reached");
      }
      Thread.sleep(10);
    }
  }
}
