package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.ExecutionStatus;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The real refresh ASL end to end, on real local components. */
class RefreshWorkflowTest {

  static WorkflowHarness h;

  @BeforeAll
  static void start() throws Exception {
    h = new WorkflowHarness();
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  /** When this test began: a floor version written by it is at least this. */
  private long testStart;

  @BeforeEach
  void clean() {
    testStart = System.currentTimeMillis();
    h.reset();
    h.configureRefresh(Map.of());
  }

  /**
   * A key the table did not hold is written at the clock's floor: the epoch millisecond of its
   * fetch, never a version continued from the trigger (see Versions and docs/item.md).
   */
  static void assertFloorVersion(long notBefore, Map<String, AttributeValue> stored) {
    long version = Long.parseLong(stored.get("version").n());
    assertTrue(
        version >= notBefore && version <= System.currentTimeMillis(),
        "a floor version, the fetch's millisecond: " + version + " (test began " + notBefore + ")");
  }

  /**
   * The sample's stream ARN: the twin's table stream, in the state machine's region and account.
   */
  static final String OWN_STREAM =
      "arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/2026-11-21T00:00:00.000";

  static Item item(String id, String value, long version, long expiresAt) {
    return Item.builder(ItemId.of(id))
        .value(value)
        .contentType("application/json")
        .version(version)
        .fetchedAtMillis(System.currentTimeMillis() - 60_000)
        .expiresAtEpochSeconds(expiresAt)
        .build();
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ttl-expiry.json, 7", "cache-miss.json, 0", "force-refresh.json, 5"})
  void eachTriggerShapeRefreshesPrimesAndAnnounces(String sample, long previousVersion)
      throws Exception {
    String id = "trig-" + sample.replace(".json", "");
    if (sample.startsWith("force")) {
      // A force finds a fresh value and refreshes it anyway; a miss finds nothing (TTL took it).
      h.seed(item(id, "{\"old\":true}", previousVersion, now() + 600));
    }
    h.origin.reset(ScriptedOrigin.json("{\"fresh\":\"" + id + "\"}"));
    // No idle reader: a prime that finds the key absent answers in microseconds, so on a warm
    // pool whether N concurrent primes overlap is luck; on an empty one each waits out a cold
    // start, so only a Map that really runs them concurrently reaches N instances.
    h.pool.reclaimAll(WorkflowHarness.READER);
    long before = System.currentTimeMillis();

    Execution done = h.run(WorkflowHarness.sample(sample, id));

    assertEquals(
        ExecutionStatus.SUCCEEDED,
        done.status(),
        () -> done.error() + " " + done.cause() + " " + h.statesEntered(done));
    Map<String, AttributeValue> stored = h.rawItem(id);
    if (sample.startsWith("force")) {
      assertEquals(previousVersion + 1, Long.parseLong(stored.get("version").n()));
    } else {
      // The expiry's image said 7; the table holds nothing, so the clock, not the record, decides.
      assertFloorVersion(before, stored);
    }
    assertEquals("{\"fresh\":\"" + id + "\"}", stored.get("value").s());
    assertTrue(Long.parseLong(stored.get("expiresAt").n()) > now(), "expiresAt in the future");
    assertFalse(stored.containsKey("leaseOwner"), "the write released the lease");
    assertEquals(
        List.of("/items/" + id),
        h.origin.requests().stream().map(ScriptedOrigin.Request::rawPath).toList());

    List<PutEntry> refreshed = h.bus.ofType("CacheRefreshed");
    assertEquals(1, refreshed.size());
    JsonNode detail = WorkflowHarness.json(refreshed.get(0).detail());
    assertEquals(id, detail.get("id").asText());
    assertEquals(stored.get("version").n(), detail.get("version").asText());
    assertEquals("warmcache.refresh", refreshed.get(0).source());
    assertEquals("warmcache", refreshed.get(0).eventBusName());

    List<WorkflowHarness.Invocation> primes = h.primes();
    assertEquals(WorkflowHarness.PRIME_FANOUT, primes.size());
    Set<String> instances =
        primes.stream().map(WorkflowHarness.Invocation::instanceId).collect(Collectors.toSet());
    assertEquals(
        WorkflowHarness.PRIME_FANOUT,
        instances.size(),
        "each prime reached its own reader instance");
    assertTrue(primes.stream().noneMatch(WorkflowHarness.Invocation::failed));
    assertTrue(
        primes.stream()
            .allMatch(p -> p.request().contains("\"version\":" + stored.get("version").n())));

    // The counts say what the primes reached: on an empty pool every one started a new instance
    // and none found the key held. Each answer names its instance.
    JsonNode primed = detail.get("primes");
    assertEquals(WorkflowHarness.PRIME_FANOUT, primed.get("sent").asInt(), detail::toString);
    assertEquals(WorkflowHarness.PRIME_FANOUT, primed.get("coldStarts").asInt(), detail::toString);
    assertEquals(0, primed.get("held").asInt(), detail::toString);
    assertEquals(0, primed.get("failed").asInt(), detail::toString);
    assertEquals(WorkflowHarness.PRIME_FANOUT, primed.get("answers").size(), detail::toString);
    Set<String> named = new java.util.HashSet<>();
    primed
        .get("answers")
        .forEach(
            p -> {
              named.add(p.get("instance").asText());
              assertTrue(p.get("coldStart").asBoolean(), p::toString);
              assertFalse(p.get("held").asBoolean(), p::toString);
            });
    assertEquals(instances.stream().map(i -> "local/" + i).collect(Collectors.toSet()), named);

    // The write is on the change feed, for every warm reader the primes did not reach.
    assertTrue(
        changeFeedEntries().contains(id + "#" + stored.get("version").n()),
        () -> changeFeedEntries().toString());
    assertTrue(h.statesEntered(done).contains("Record the change for warm readers"));
    assertTrue(
        Long.parseLong(stored.get("refreshMillis").n()) >= 1,
        "Δ of early refresh is recorded on the item");
  }

  /** Every entry on the change feed's records. */
  private static Set<String> changeFeedEntries() {
    Set<String> entries = new java.util.TreeSet<>();
    h
        .dynamodb
        .client()
        .scanPaginator(b -> b.tableName(dev.warmcache.testing.DynamoDbLocalFixture.TABLE))
        .items()
        .stream()
        .filter(
            i ->
                dev.warmcache.changes.ChangeFeed.isChangeRecordKey(i.get("id").s())
                    && i.containsKey("changes"))
        .forEach(i -> entries.addAll(i.get("changes").ss()));
    return entries;
  }

  @Test
  void aFullChangeBucketIsMarkedOverflowedAndTheRefreshStillPrimesAndAnnounces() throws Exception {
    String id = "overflow";
    long bucket = dev.warmcache.changes.ChangeFeed.bucket(System.currentTimeMillis());
    List<String> full = new ArrayList<>();
    for (int i = 0; i < dev.warmcache.changes.ChangeFeed.MAX_CHANGES_PER_BUCKET; i++) {
      full.add("k" + i + "#1");
    }
    // Every bucket the refresh could land in during the next minute is already full.
    for (long b = bucket; b < bucket + 60; b++) {
      String key = dev.warmcache.changes.ChangeFeed.key(b);
      h.dynamodb
          .client()
          .putItem(
              r ->
                  r.tableName(dev.warmcache.testing.DynamoDbLocalFixture.TABLE)
                      .item(
                          Map.of(
                              "id", AttributeValue.fromS(key),
                              "changes", AttributeValue.fromSs(full))));
    }

    Execution done = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), () -> h.statesEntered(done).toString());
    assertTrue(
        h.statesEntered(done).contains("Mark the change bucket as overflowed"),
        () -> h.statesEntered(done).toString());
    long overflowed =
        h
            .dynamodb
            .client()
            .scanPaginator(b -> b.tableName(dev.warmcache.testing.DynamoDbLocalFixture.TABLE))
            .items()
            .stream()
            .filter(i -> i.containsKey("overflow") && i.get("overflow").bool())
            .count();
    assertEquals(1, overflowed);
    assertEquals(1, h.bus.ofType("CacheRefreshed").size());
  }

  @Test
  void anEarlyRefreshFetchesAFreshValueButNotOneAlreadyNewerThanTheReaderSaw() throws Exception {
    String id = "early";
    h.seed(item(id, "{\"v\":4}", 4, now() + 600));
    String early = earlyMiss(id, 4);
    assertTrue(early.contains("\"early\""), early);

    Execution fetched = h.run(early);
    assertEquals(
        List.of("/items/" + id),
        h.origin.requests().stream().map(ScriptedOrigin.Request::rawPath).toList(),
        () -> h.statesEntered(fetched).toString());
    assertEquals("5", h.rawItem(id).get("version").n());

    // A second instance fires late for the version that was just replaced: no origin fetch.
    Execution late = h.run(early);
    assertEquals(ExecutionStatus.SUCCEEDED, late.status());
    assertEquals("Leave the fresh value alone", last(h.statesEntered(late)));
    assertEquals(1, h.origin.requests().size());
  }

  /**
   * The refresh's put keeps the readers' claim: an instance that still holds the replaced version
   * and fires early for it within the interval loses the claim instead of starting a second
   * execution (on a busy fleet a third of all early executions were such "Leave the fresh value
   * alone" runs). The claim still lapses after the interval.
   */
  @Test
  void aRefreshKeepsTheReadersClaimSoAnInstanceStillHoldingTheOldVersionCannotClaimAgain()
      throws Exception {
    String id = "claimed";
    Duration interval = Duration.ofSeconds(10);
    h.seed(item(id, "{\"v\":4}", 4, now() + 600));
    long claimedAt = System.currentTimeMillis();
    assertTrue(h.store.claimRefresh(ItemId.of(id), claimedAt, interval));
    Execution fetched = h.run(earlyMiss(id, 4));
    assertEquals(ExecutionStatus.SUCCEEDED, fetched.status());
    assertEquals("5", h.rawItem(id).get("version").n());
    assertEquals(
        Long.toString(claimedAt),
        h.rawItem(id).get("refreshRequestedAt").n(),
        "the new version keeps the claim");
    assertFalse(
        h.store.claimRefresh(ItemId.of(id), claimedAt + 1_000, interval),
        "a late instance's claim for the replaced version is lost");
    assertTrue(
        h.store.claimRefresh(ItemId.of(id), claimedAt + 10_000, interval),
        "after the interval the next expiry can be claimed");
  }

  /**
   * Early refresh's Δ is the time from the readers' claim that asked for the refresh to the
   * origin's answer, so it includes the event's delivery and the workflow's start; a claim older
   * than one lease did not ask for this refresh, and Δ then counts from the execution's start.
   */
  @Test
  void aReadersRefreshRecordsDeltaFromTheClaimThatAskedForIt() throws Exception {
    Duration interval = Duration.ofSeconds(10);
    h.seed(item("asked", "{\"v\":4}", 4, now() + 600));
    long claimedAt = System.currentTimeMillis() - 700;
    assertTrue(h.store.claimRefresh(ItemId.of("asked"), claimedAt, interval));
    assertEquals(ExecutionStatus.SUCCEEDED, h.run(earlyMiss("asked", 4)).status());
    Map<String, AttributeValue> stored = h.rawItem("asked");
    assertEquals(
        Long.parseLong(stored.get("fetchedAt").n()) - claimedAt,
        Long.parseLong(stored.get("refreshMillis").n()));

    h.seed(item("asked-long-ago", "{\"v\":4}", 4, now() + 600));
    long longAgo = System.currentTimeMillis() - 40_000; // the lease is 30 s
    assertTrue(h.store.claimRefresh(ItemId.of("asked-long-ago"), longAgo, interval));
    assertEquals(ExecutionStatus.SUCCEEDED, h.run(earlyMiss("asked-long-ago", 4)).status());
    long delta = Long.parseLong(h.rawItem("asked-long-ago").get("refreshMillis").n());
    assertTrue(delta < 10_000, "Δ from the execution's start, not the old claim: " + delta);
  }

  /** A reader's CacheMiss asking for an early refresh of the version it saw. */
  private static String earlyMiss(String id, long seenVersion) throws Exception {
    return WorkflowHarness.sample("cache-miss.json", id)
        .replace("\"reason\": \"absent\"", "\"reason\": \"early\", \"version\": " + seenVersion);
  }

  @Test
  void fiftyConcurrentTriggersFetchOnceAndTheRestAreAlreadyRefreshing() throws Exception {
    String id = "crowd";
    // The origin holds the one fetch until every other execution has finished, so all 49 meet the
    // lease.
    CountDownLatch release = holdTheFetch("{\"crowd\":1}");
    List<Execution> started = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      started.add(h.start(WorkflowHarness.sample("cache-miss.json", id)));
    }
    waitUntil(
        () ->
            started.stream()
                    .filter(
                        e ->
                            h.engine.describeExecution(e.executionArn()).orElseThrow().status()
                                != ExecutionStatus.RUNNING)
                    .count()
                >= 49,
        90_000);
    release.countDown();
    List<Execution> done = new ArrayList<>();
    for (Execution e : started) {
      done.add(h.await(e));
    }

    assertEquals(1, h.origin.requests().size(), "exactly one origin request");
    assertTrue(done.stream().allMatch(e -> e.status() == ExecutionStatus.SUCCEEDED));
    long alreadyRefreshing =
        done.stream().filter(e -> last(h.statesEntered(e)).equals("Already refreshing")).count();
    long stored =
        done.stream().filter(e -> h.statesEntered(e).contains("Store the new value")).count();
    assertEquals(49, alreadyRefreshing);
    assertEquals(1, stored);
    assertFloorVersion(testStart, h.rawItem(id));
    assertEquals(1, h.bus.ofType("CacheRefreshed").size());
  }

  /**
   * Express workflows run at least once: the same trigger may start two executions. The lease makes
   * the duplicate harmless: one fetch, one write, one announcement; and a duplicate that comes
   * after the first finished finds the value fresh and leaves it alone.
   */
  @Test
  void aDuplicateStartOfTheSameTriggerIsHarmless() throws Exception {
    String id = "twice";
    CountDownLatch release = holdTheFetch("{\"twice\":1}");
    String trigger = WorkflowHarness.sample("cache-miss.json", id);
    Execution first = h.start(trigger);
    Execution duplicate = h.start(trigger);
    waitUntil(
        () ->
            h.engine.describeExecution(first.executionArn()).orElseThrow().status()
                    != ExecutionStatus.RUNNING
                || h.engine.describeExecution(duplicate.executionArn()).orElseThrow().status()
                    != ExecutionStatus.RUNNING,
        30_000);
    release.countDown();
    List<Execution> done = List.of(h.await(first), h.await(duplicate));

    assertTrue(done.stream().allMatch(e -> e.status() == ExecutionStatus.SUCCEEDED));
    assertEquals(1, h.origin.requests().size(), "one origin fetch for two starts");
    assertEquals(
        1,
        done.stream().filter(e -> last(h.statesEntered(e)).equals("Already refreshing")).count());
    assertFloorVersion(testStart, h.rawItem(id));
    String written = h.rawItem(id).get("version").n();
    assertEquals(1, h.bus.ofType("CacheRefreshed").size());

    Execution late = h.run(trigger);
    assertTrue(
        h.statesEntered(late).contains("Leave the fresh value alone"),
        () -> h.statesEntered(late).toString());
    assertEquals(1, h.origin.requests().size(), "a late duplicate fetches nothing");
    assertEquals(written, h.rawItem(id).get("version").n(), "a late duplicate writes nothing");
  }

  @Test
  void aSlowRefreshThatLostItsLeaseNeverLowersTheVersion() throws Exception {
    String id = "race";
    h.configureRefresh(Map.of("LEASE_SECONDS", "1", "ORIGIN_READ_TIMEOUT_MS", "20000"));
    h.seed(item(id, "{\"v\":1}", 1, now() + 600));
    // Slow enough that the second refresh takes the lapsed lease and writes first, even on a busy
    // machine.
    h.origin.then(ScriptedOrigin.delayed(10_000, ScriptedOrigin.json("{\"v\":\"slow\"}")));
    h.origin.then(ScriptedOrigin.json("{\"v\":\"fast\"}"));

    Execution slow = h.start(WorkflowHarness.sample("force-refresh.json", id));
    waitUntil(
        () -> h.origin.requests().stream().anyMatch(r -> r.rawPath().endsWith("/" + id)), 30_000);
    long leaseUntil = Long.parseLong(h.rawItem(id).get("leaseUntil").n());
    waitUntil(() -> System.currentTimeMillis() > leaseUntil + 50, 10_000);
    Execution fast = h.run(WorkflowHarness.sample("force-refresh.json", id));
    assertEquals(ExecutionStatus.SUCCEEDED, fast.status());
    assertEquals(
        "2",
        h.rawItem(id).get("version").n(),
        () -> h.statesEntered(fast) + " " + h.origin.requests());
    assertEquals("{\"v\":\"fast\"}", h.rawItem(id).get("value").s());

    Execution slowDone = h.await(slow);

    assertEquals(ExecutionStatus.SUCCEEDED, slowDone.status());
    assertEquals("Another refresh took over", last(h.statesEntered(slowDone)));
    assertEquals("2", h.rawItem(id).get("version").n(), "the slow write did not land");
    assertEquals("{\"v\":\"fast\"}", h.rawItem(id).get("value").s());
    assertEquals(1, h.bus.ofType("CacheRefreshed").size());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"status 500", "read timeout", "connection refused"})
  void aFailingOriginKeepsTheOldValueReadableAndFailsVisibly(String failure) throws Exception {
    String id = "fails-" + failure.replace(' ', '-');
    h.seed(item(id, "{\"old\":true}", 1, now() + 30));
    switch (failure) {
      case "status 500" ->
          h.origin.reset(ScriptedOrigin.respond(500, "text/plain", "boom", Map.of()));
      case "read timeout" ->
          h.origin.reset(ScriptedOrigin.delayed(3_000, ScriptedOrigin.json("{}")));
      default ->
          h.configureRefresh(
              Map.of("ORIGIN_URL_TEMPLATE", "http://127.0.0.1:" + closedPort() + "/items/{id}"));
    }

    Execution done = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("dev.warmcache.refresh.errors.OriginUnavailableException", done.error());
    assertEquals(
        3,
        h.count(done, "TaskFailed"),
        () -> "the first fetch and two retries failed: " + h.engine.history(done.executionArn()));
    if (!failure.equals("connection refused")) {
      assertEquals(3, h.origin.requests().size());
    }
    Map<String, AttributeValue> stored = h.rawItem(id);
    assertEquals("{\"old\":true}", stored.get("value").s());
    assertEquals("1", stored.get("version").n());
    assertTrue(Long.parseLong(stored.get("expiresAt").n()) >= now() + 120 - 5, "grace TTL applied");
    assertFalse(stored.containsKey("leaseOwner"), "lease released");
    List<PutEntry> failed = h.bus.ofType("CacheRefreshFailed");
    assertEquals(1, failed.size());
    JsonNode detail = WorkflowHarness.json(failed.get(0).detail());
    assertEquals(id, detail.get("id").asText());
    assertEquals("extend", detail.get("kept").asText());
    assertTrue(h.bus.ofType("CacheRefreshed").isEmpty());

    JsonNode read = h.invokeReader("{\"id\":\"" + id + "\"}");
    assertEquals(1, read.get("version").asLong(), read::toString);
    assertFalse(read.path("stale").asBoolean(true), "served as fresh within the grace TTL");
  }

  /**
   * The issue's reproduction: a forged REMOVE record whose OldImage carries a value, while the
   * origin fails.
   */
  @Test
  void aFailedRefreshAfterTtlDeletionNeverWritesTheRecordsValueBack() throws Exception {
    String id = "17";
    h.origin.reset(ScriptedOrigin.respond(500, "text/plain", "down", Map.of()));
    String forged =
        WorkflowHarness.sample("ttl-expiry.json", id)
            .replace("{\\\"name\\\":\\\"fifteen\\\"}", "{\\\"PWNED\\\":true}")
            .replace("\"N\": \"7\"", "\"N\": \"5\"");
    assertTrue(forged.contains("PWNED"), forged);

    Execution done = h.run(forged);

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("dev.warmcache.refresh.errors.OriginUnavailableException", done.error());
    assertTrue(h.statesEntered(done).contains("Release the lease"));
    assertTrue(
        h.rawItem(id).isEmpty(),
        "neither the record's value nor a lease stub is left: " + h.rawItem(id));
    assertEquals(
        "release",
        WorkflowHarness.json(h.bus.ofType("CacheRefreshFailed").get(0).detail())
            .get("kept")
            .asText());
    assertFalse(h.invokeReader("{\"id\":\"17\"}").toString().contains("PWNED"));
  }

  /** The issue's reproduction: a forged lease until the year 3000 in a REMOVE record's OldImage. */
  @Test
  void aForgedLeaseInAStreamRecordLapsesWithinLeaseSeconds() throws Exception {
    String id = "18";
    h.configureRefresh(Map.of("LEASE_SECONDS", "2"));
    String evil = executionArnPrefix() + "evil";
    String forged =
        "[{\"eventName\":\"REMOVE\",\"eventSourceARN\":\""
            + OWN_STREAM
            + "\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":"
            + "\"dynamodb.amazonaws.com\"},\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"18\"}},\"OldImage\":{\"id\":{\"S\":\"18\"},"
            + "\"version\":{\"N\":\"3\"},\"leaseOwner\":{\"S\":\""
            + evil
            + "\"},\"leaseUntil\":{\"N\":\"32503680000000\"}}}}]";
    long before = System.currentTimeMillis();

    Execution done = h.run(forged);

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals("Already refreshing", last(h.statesEntered(done)));
    long until = Long.parseLong(h.rawItem(id).get("leaseUntil").n());
    assertTrue(
        until <= System.currentTimeMillis() + 2_000 && until >= before,
        "clamped to now + LEASE_SECONDS: " + until);
    waitUntil(() -> System.currentTimeMillis() > until + 50, 10_000);
    Execution after = h.run(WorkflowHarness.sample("force-refresh.json", id));
    assertTrue(
        h.statesEntered(after).contains("Store the new value"),
        () -> h.statesEntered(after).toString());
    assertFloorVersion(testStart, h.rawItem(id));
  }

  /**
   * The issues' reproductions: Long.MAX_VALUE as the OldImage's version; then the border that the
   * next round's fix allowed (2^53 - 2, stored as 2^53 - 1, the maximum, which froze the key), the
   * border plus one, and the maximum itself. No image version above what a write can have stored by
   * now is believed.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "version beyond 2^53 | \"version\":{\"N\":\"9223372036854775807\"}",
        "version at the old border 2^53 - 2 | \"version\":{\"N\":\"9007199254740990\"}",
        "version at the border plus one | \"version\":{\"N\":\"9007199254740991\"}",
        "version at the maximum 2^53 | \"version\":{\"N\":\"9007199254740992\"}",
        "another id | \"version\":{\"N\":\"3\"},\"id\":{\"S\":\"someone-else\"}",
        "unknown attribute | \"version\":{\"N\":\"3\"},\"admin\":{\"BOOL\":true}"
      })
  void aForgedStreamRecordFailsByNameAndWritesNothing(String name, String attributes)
      throws Exception {
    String id = "forged-" + name.replaceAll("[^A-Za-z0-9]+", "-");
    String image =
        attributes.contains("\"id\"")
            ? "{" + attributes + "}"
            : "{\"id\":{\"S\":\"" + id + "\"}," + attributes + "}";
    String forged =
        "[{\"eventName\":\"REMOVE\",\"eventSourceARN\":\""
            + OWN_STREAM
            + "\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},"
            + "\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\""
            + id
            + "\"}},\"OldImage\":"
            + image
            + "}}]";

    Execution done = h.run(forged);

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("Warmcache.InvalidStreamRecord", done.error());
    assertTrue(done.cause().contains("TTL-expiry record for " + id + " refused"), done.cause());
    assertTrue(h.rawItem(id).isEmpty());
    assertTrue(h.origin.requests().isEmpty());
    Execution after = h.run(WorkflowHarness.sample("force-refresh.json", id));
    assertEquals(ExecutionStatus.SUCCEEDED, after.status());
    assertFloorVersion(testStart, h.rawItem(id));
    Execution again = h.run(WorkflowHarness.sample("force-refresh.json", id));
    assertEquals(ExecutionStatus.SUCCEEDED, again.status(), "and again: nothing is frozen");
  }

  @Test
  void aMalformedStoredItemAndOneAtTheMaximumVersionAreRepaired() throws Exception {
    h.dynamodb
        .client()
        .putItem(
            b ->
                b.tableName("warmcache")
                    .item(
                        Map.of(
                            "id",
                            AttributeValue.fromS("broken"),
                            "version",
                            AttributeValue.fromN("6"),
                            "expiresAt",
                            AttributeValue.fromN(Long.toString(now() + 600)))));
    Execution repaired = h.run(WorkflowHarness.sample("force-refresh.json", "broken"));
    assertEquals(ExecutionStatus.SUCCEEDED, repaired.status(), repaired::cause);
    assertEquals("7", h.rawItem("broken").get("version").n());
    assertEquals(7, h.invokeReader("{\"id\":\"broken\"}").get("version").asLong());

    h.dynamodb
        .client()
        .putItem(
            b ->
                b.tableName("warmcache")
                    .item(
                        Map.of(
                            "id",
                            AttributeValue.fromS("frozen"),
                            "value",
                            AttributeValue.fromS("{}"),
                            "version",
                            AttributeValue.fromN(Long.toString(Item.MAX_VERSION)))));
    assertTrue(
        h.invokeReader("{\"id\":\"frozen\"}").toString().contains("error"),
        "no reader loads a version no write can have stored");
    Execution repair = h.run(WorkflowHarness.sample("force-refresh.json", "frozen"));
    assertEquals(ExecutionStatus.SUCCEEDED, repair.status(), repair::cause);
    assertFloorVersion(testStart, h.rawItem("frozen"));
    long floor = Long.parseLong(h.rawItem("frozen").get("version").n());
    assertEquals(floor, h.invokeReader("{\"id\":\"frozen\"}").get("version").asLong());
    Execution next = h.run(WorkflowHarness.sample("force-refresh.json", "frozen"));
    assertEquals(ExecutionStatus.SUCCEEDED, next.status(), next::cause);
    assertEquals(Long.toString(floor + 1), h.rawItem("frozen").get("version").n());
    assertEquals(3, h.origin.requests().size(), "the first repair, this one and the next");
  }

  @Test
  void aFailedRefreshOfAnAbsentKeyLeavesNoLeaseBehind() throws Exception {
    String id = "never-was";
    h.origin.reset(ScriptedOrigin.respond(403, "text/plain", "forbidden", Map.of()));

    Execution done = h.run(WorkflowHarness.sample("cache-miss.json", id));

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("dev.warmcache.refresh.errors.OriginRejectedException", done.error());
    assertEquals(1, h.origin.requests().size(), "a 4xx is not retried");
    assertTrue(h.statesEntered(done).contains("Release the lease"));
    assertTrue(
        h.rawItem(id).isEmpty(), "the lease-only record is gone, so the next miss can try at once");
    assertEquals(
        "release",
        WorkflowHarness.json(h.bus.ofType("CacheRefreshFailed").get(0).detail())
            .get("kept")
            .asText());
  }

  @Test
  void anOversizedBodyIsNotStoredAndNotRetried() throws Exception {
    String id = "too-big";
    h.configureRefresh(Map.of("MAX_VALUE_BYTES", "1024"));
    h.seed(item(id, "{\"old\":true}", 1, now() + 30));
    h.origin.reset(ScriptedOrigin.json("{\"pad\":\"" + "x".repeat(2000) + "\"}"));

    Execution done = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals("dev.warmcache.refresh.errors.OriginBodyTooLargeException", done.error());
    assertTrue(done.cause().contains("MAX_VALUE_BYTES=1024"), done.cause());
    assertEquals(1, h.origin.requests().size(), "not retried");
    assertEquals("{\"old\":true}", h.rawItem(id).get("value").s());
    assertEquals(1, h.bus.ofType("CacheRefreshFailed").size());
  }

  /**
   * The issue's reproduction: a body under MAX_VALUE_BYTES in raw bytes but dense in quotes, which
   * would double in the state and overflow Step Functions' 256 KiB, is refused by its escaped size;
   * a body of the largest size that fits is stored, and the fetch output that carried it stays
   * under 256 KiB.
   */
  @Test
  void aValueIsBoundedByItsSizeInTheStateNotItsRawSize() throws Exception {
    h.seed(item("quotes", "{\"old\":true}", 1, now() + 30));
    h.origin.reset(ScriptedOrigin.respond(200, "text/plain", "\"".repeat(199_985), Map.of()));

    Execution refused = h.run(WorkflowHarness.sample("force-refresh.json", "quotes"));

    assertEquals("dev.warmcache.refresh.errors.OriginBodyTooLargeException", refused.error());
    assertTrue(refused.cause().contains("399970 bytes as a JSON string"), refused.cause());
    assertEquals("{\"old\":true}", h.rawItem("quotes").get("value").s(), "the old value stays");

    String largest = "x".repeat(200_000);
    h.origin.reset(
        ScriptedOrigin.respond(
            200, "text/plain", largest, Map.of("ETag", "\"" + "e".repeat(5000) + "\"")));
    Execution stored = h.run(WorkflowHarness.sample("force-refresh.json", "largest"));

    assertEquals(ExecutionStatus.SUCCEEDED, stored.status(), stored::cause);
    assertEquals(largest, h.rawItem("largest").get("value").s());
    assertFalse(h.rawItem("largest").containsKey("etag"), "an absurd ETag is dropped, not carried");
    int biggestState =
        h.engine.history(stored.executionArn()).stream()
            .filter(e -> e.details() != null)
            .flatMap(
                e ->
                    java.util.stream.Stream.of(
                        e.details().path("input").asText(""),
                        e.details().path("output").asText("")))
            .mapToInt(text -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
            .max()
            .orElse(0);
    assertTrue(biggestState > 200_000, "the value was carried: " + biggestState);
    assertTrue(biggestState < 262_144, "largest state input or output " + biggestState + " bytes");
  }

  @Test
  void originNotFoundBecomesANegativeEntry() throws Exception {
    String id = "gone";
    h.seed(item(id, "{\"old\":true}", 2, now() + 30));
    h.origin.reset(ScriptedOrigin.respond(404, "text/plain", "no such item", Map.of()));

    Execution done = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    Map<String, AttributeValue> stored = h.rawItem(id);
    assertTrue(stored.get("notFound").bool());
    assertFalse(stored.containsKey("value"));
    assertEquals("3", stored.get("version").n());
    long expiresAt = Long.parseLong(stored.get("expiresAt").n());
    assertTrue(expiresAt > now() && expiresAt <= now() + 66 + 2, "NEGATIVE_TTL_SECONDS (60 +-10%)");
    assertEquals(
        "notFound",
        WorkflowHarness.json(h.bus.ofType("CacheRefreshed").get(0).detail())
            .get("outcome")
            .asText());
  }

  @Test
  void notModifiedRenewsTheTtlAndLeavesTheValueAlone() throws Exception {
    String id = "same";
    long seededFetch = System.currentTimeMillis() - 60_000;
    h.seed(
        Item.builder(ItemId.of(id))
            .value("{\"same\":true}")
            .contentType("application/json")
            .version(4)
            .fetchedAtMillis(seededFetch)
            .expiresAtEpochSeconds(now() + 30)
            .etag("\"abc\"")
            .lastModified("Sat, 21 Nov 2026 10:00:00 GMT")
            .build());
    h.origin.reset(
        exchange -> {
          boolean matches =
              "\"abc\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
          (matches
                  ? ScriptedOrigin.respond(304, null, null, Map.of())
                  : ScriptedOrigin.json("{\"changed\":true}"))
              .answer(exchange);
        });

    Execution done = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals("\"abc\"", h.origin.requests().get(0).ifNoneMatch());
    assertEquals("Sat, 21 Nov 2026 10:00:00 GMT", h.origin.requests().get(0).ifModifiedSince());
    Map<String, AttributeValue> stored = h.rawItem(id);
    assertEquals("{\"same\":true}", stored.get("value").s());
    assertEquals("4", stored.get("version").n());
    assertTrue(
        Long.parseLong(stored.get("expiresAt").n()) > now() + 200,
        "TTL renewed (TTL_SECONDS 300 +-10%)");
    assertTrue(Long.parseLong(stored.get("fetchedAt").n()) > seededFetch);
    assertFalse(stored.containsKey("leaseOwner"));
    assertTrue(h.statesEntered(done).contains("Renew the TTL"));
    assertEquals(
        "notModified",
        WorkflowHarness.json(h.bus.ofType("CacheRefreshed").get(0).detail())
            .get("outcome")
            .asText());
  }

  @Test
  void aMissForAValueThatIsAlreadyFreshAgainLeavesItAlone() throws Exception {
    String id = "fresh";
    h.seed(item(id, "{\"fresh\":true}", 3, now() + 300));

    Execution done = h.run(WorkflowHarness.sample("cache-miss.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals("Leave the fresh value alone", last(h.statesEntered(done)));
    assertTrue(h.origin.requests().isEmpty());
    assertEquals("3", h.rawItem(id).get("version").n());
    assertFalse(h.rawItem(id).containsKey("leaseOwner"), "lease released");
  }

  /**
   * A global table: the home's Pipe also delivers replicated REMOVEs, which carry no identity. The
   * real ASL refreshes the one whose expiresAt has passed (TTL deleted it in some region) and ends
   * the one whose expiresAt has not (a delete) in a Succeed state, writing nothing.
   */
  @Test
  void inAGlobalTableAReplicatedExpiryRefreshesAndADeleteIsLeftAlone() throws Exception {
    h.configureRefresh(Map.of("GLOBAL_TABLE_REGIONS", "us-east-1,eu-west-1"));
    try {
      h.origin.reset(ScriptedOrigin.json("{\"fresh\":true}"));
      Execution expired = h.run(WorkflowHarness.sample("ttl-expiry-replicated.json", "rep-exp"));
      String deleted =
          WorkflowHarness.sample("ttl-expiry-replicated.json", "rep-del")
              .replace("\"1795262400\"", "\"" + (now() + 3_600) + "\"");
      assertTrue(deleted.contains(Long.toString(now() + 3_600)), "sample shape changed");
      Execution delete = h.run(deleted);

      assertEquals(ExecutionStatus.SUCCEEDED, expired.status(), () -> expired.error() + "");
      assertEquals("{\"fresh\":true}", h.rawItem("rep-exp").get("value").s());
      assertEquals(ExecutionStatus.SUCCEEDED, delete.status(), () -> delete.error() + "");
      assertEquals("Leave the deleted key alone", last(h.statesEntered(delete)));
      assertTrue(h.rawItem("rep-del").isEmpty(), "a delete stays a delete");
      assertEquals(
          List.of("/items/rep-exp"),
          h.origin.requests().stream().map(ScriptedOrigin.Request::rawPath).toList());
    } finally {
      h.configureRefresh(Map.of());
    }
  }

  @Test
  void anIdleKeyRetiresOnExpiryWithoutCallingTheOrigin() throws Exception {
    String id = "idle";
    String expiry =
        WorkflowHarness.sample("ttl-expiry.json", id)
            .replace("\"idleRefreshes\": { \"N\": \"1\" }", "\"idleRefreshes\": { \"N\": \"2\" }");
    assertTrue(expiry.contains("\"idleRefreshes\": { \"N\": \"2\" }"), "sample shape changed");

    Execution done = h.run(expiry);

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals("Retire the idle key", last(h.statesEntered(done)));
    assertTrue(h.origin.requests().isEmpty());
    assertTrue(h.rawItem(id).isEmpty(), "nothing left behind, not even the lease");
    assertTrue(h.bus.ofType("CacheRefreshed").isEmpty());
  }

  @Test
  void aKeyBelowTheIdleLimitIsRefreshedOnExpiryAndCountsTheIdleRefresh() throws Exception {
    String id = "nearly-idle";
    Execution done = h.run(WorkflowHarness.sample("ttl-expiry.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals(1, h.origin.requests().size());
    assertEquals("2", h.rawItem(id).get("idleRefreshes").n());
    // Not 8: the image's 7 is execution input; the key is gone from the table, so the clock
    // decides.
    assertFloorVersion(testStart, h.rawItem(id));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "miss without id | {\"detail-type\":\"CacheMiss\",\"source\":\"warmcache.reader\",\"detail\":{}} | Warmcache.MissingId",
        "path climb | {\"detail-type\":\"ForceRefresh\",\"source\":\"warmcache.admin\",\"detail\":{\"id\":\"../admin\"}} | Warmcache.InvalidId",
        "query smuggle | {\"detail-type\":\"ForceRefresh\",\"source\":\"warmcache.admin\",\"detail\":{\"id\":\"a?b=c\"}} | Warmcache.InvalidId",
        "host smuggle | {\"detail-type\":\"ForceRefresh\",\"source\":\"warmcache.admin\",\"detail\":{\"id\":\"http://evil.com/x\"}} | Warmcache.InvalidId",
        "empty id | {\"detail-type\":\"CacheMiss\",\"source\":\"warmcache.reader\",\"detail\":{\"id\":\"\"}} | Warmcache.InvalidId",
        "fractional id | {\"detail-type\":\"CacheMiss\",\"source\":\"warmcache.reader\",\"detail\":{\"id\":1.5}} | Warmcache.InvalidId",
        "object id | {\"detail-type\":\"CacheMiss\",\"source\":\"warmcache.reader\",\"detail\":{\"id\":{\"S\":\"1\"}}} | Warmcache.InvalidId",
        "unknown shape | {\"hello\":\"world\"} | Warmcache.UnrecognisedTrigger",
        "empty batch | [] | Warmcache.UnrecognisedTrigger",
        "record without keys | [{\"eventName\":\"REMOVE\"}] | Warmcache.UnrecognisedTrigger",
        "MODIFY record | [{\"eventName\":\"MODIFY\",\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/1\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"15\"}},\"OldImage\":{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"3\"}}}}] | Warmcache.UnrecognisedTrigger",
        "foreign stream | [{\"eventName\":\"REMOVE\",\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:999999999999:table/other/stream/2026\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"15\"}},\"OldImage\":{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"3\"}}}}] | Warmcache.InvalidStreamRecord",
        "a user's delete | [{\"eventName\":\"REMOVE\",\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/1\",\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"15\"}},\"OldImage\":{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"3\"}}}}] | Warmcache.InvalidStreamRecord",
        "forged change-record expiry | [{\"eventName\":\"REMOVE\",\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/1\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"#changes#1\"}},\"OldImage\":{\"id\":{\"S\":\"#changes#1\"},\"version\":{\"N\":\"1\"}}}}] | Warmcache.InvalidId",
        "forged change-feed miss | {\"detail-type\":\"CacheMiss\",\"source\":\"warmcache.reader\",\"detail\":{\"id\":\"#changes#1\",\"reason\":\"early\"}} | Warmcache.InvalidId"
      })
  void badTriggersFailFastWithANameAndNeverReachTheOrigin(String name, String input, String error)
      throws Exception {
    Execution done = h.run(input);

    assertEquals(ExecutionStatus.FAILED, done.status());
    assertEquals(error, done.error());
    assertNotNull(done.cause());
    assertFalse(
        done.cause().contains("\tat ") || done.cause().contains(".java:"),
        "no stack trace: " + done.cause());
    assertTrue(h.origin.requests().isEmpty());
    assertTrue(
        h.bus.ofType("CacheRefreshed").isEmpty() && h.bus.ofType("CacheRefreshFailed").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"x@evil.com\" | /items/x%40evil.com",
        "\"..\" | /items/%2E%2E",
        "\"a:b~c\" | /items/a%3Ab~c",
        "15 | /items/15"
      })
  void validIdsReachTheOriginAsOneEncodedPathSegment(String idJson, String expectedPath)
      throws Exception {
    String input =
        "{\"detail-type\":\"ForceRefresh\",\"source\":\"warmcache.admin\",\"detail\":{\"id\":"
            + idJson
            + "}}";

    Execution done = h.run(input);

    assertEquals(ExecutionStatus.SUCCEEDED, done.status(), () -> done.error() + " " + done.cause());
    assertEquals(
        List.of(expectedPath),
        h.origin.requests().stream().map(ScriptedOrigin.Request::rawPath).toList());
  }

  @Test
  void aCrashedLeaseHolderBlocksRefreshOnlyUntilTheLeaseDeadline() throws Exception {
    String id = "crashed";
    h.seed(item(id, "{\"old\":true}", 1, now() + 30));
    // Long enough for the blocked run (a cold refresh instance included) to end before it on a busy
    // CI box.
    long leaseUntil = System.currentTimeMillis() + 12_000;
    h.holdLease(id, "arn:crashed-execution", leaseUntil);

    Execution blocked = h.run(WorkflowHarness.sample("force-refresh.json", id));
    assertEquals(ExecutionStatus.SUCCEEDED, blocked.status());
    assertEquals("Already refreshing", last(h.statesEntered(blocked)));
    assertTrue(h.origin.requests().isEmpty());
    assertTrue(
        System.currentTimeMillis() < leaseUntil,
        "inconclusive: the blocked run ended after the deadline");

    waitUntil(() -> System.currentTimeMillis() > leaseUntil + 50, 20_000);
    Execution after = h.run(WorkflowHarness.sample("force-refresh.json", id));

    assertEquals(ExecutionStatus.SUCCEEDED, after.status());
    assertTrue(h.statesEntered(after).contains("Store the new value"));
    assertEquals(1, h.origin.requests().size());
    assertEquals("2", h.rawItem(id).get("version").n());
    assertFalse(h.rawItem(id).containsKey("leaseOwner"));
  }

  @Test
  void anExpiryOfAnItemUnderRefreshHandsTheLeaseBackInsteadOfFetchingAgain() throws Exception {
    String id = "deleted-mid-refresh";
    long heldUntil = System.currentTimeMillis() + 30_000;
    String expiry =
        WorkflowHarness.sample("ttl-expiry.json", id)
            .replace(
                "\"idleRefreshes\": { \"N\": \"1\" }",
                "\"idleRefreshes\": { \"N\": \"1\" }, \"leaseOwner\": { \"S\": \""
                    + executionArnPrefix()
                    + "running\" }, "
                    + "\"leaseUntil\": { \"N\": \""
                    + heldUntil
                    + "\" }");

    Execution done = h.run(expiry);

    assertEquals(ExecutionStatus.SUCCEEDED, done.status());
    assertEquals(
        List.of(
            "Read the trigger and draw up a lease",
            "Take the refresh lease",
            "Decide whether to refresh",
            "Refresh, skip or retire?",
            "Already refreshing"),
        h.statesEntered(done));
    assertTrue(h.origin.requests().isEmpty());
    Map<String, AttributeValue> stub = h.rawItem(id);
    assertEquals(executionArnPrefix() + "running", stub.get("leaseOwner").s());
    assertEquals(Long.toString(heldUntil), stub.get("leaseUntil").n());
    assertFalse(stub.containsKey("version"), "a lease-only record, which readers see as absent");
  }

  /**
   * {@code arn:aws:states:...:execution:<machine>:}: the prefix of every execution of the state
   * machine under test.
   */
  private static String executionArnPrefix() {
    return h.stateMachine.stateMachineArn().replace(":stateMachine:", ":execution:") + ":";
  }

  /**
   * Makes the origin hold every fetch until the returned latch is released, then answer {@code
   * json}; the refresh function gets the longest read timeout so a held fetch does not time out and
   * retry meanwhile.
   */
  private static CountDownLatch holdTheFetch(String json) {
    h.configureRefresh(Map.of("ORIGIN_READ_TIMEOUT_MS", "20000"));
    CountDownLatch release = new CountDownLatch(1);
    h.origin.reset(
        exchange -> {
          release.await(90, TimeUnit.SECONDS);
          ScriptedOrigin.json(json).answer(exchange);
        });
    return release;
  }

  private static String last(List<String> states) {
    return states.isEmpty() ? "" : states.get(states.size() - 1);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not reached within " + timeoutMillis + " ms");
      }
      Thread.sleep(20);
    }
  }
}
