package dev.warmcache.local.measure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.local.Twin;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.stepfunctions.engine.ExecutionStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The reader fleet of one twin: provision N warm instances, force a refresh and see it land, then
 * ask every instance what it serves.
 *
 * <pre>{@code
 * try (Fleet fleet = new Fleet(twin)) {
 *   fleet.provisionReaders(16);
 *   long written = fleet.forceRefresh("15", fleet.storedVersion("15"), Duration.ofSeconds(30));
 *   Map<String, Long> served = fleet.versionsServed("15");   // instance id -> version
 * }
 * }</pre>
 */
public final class Fleet implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 5;
  private static final long WORKFLOW_POLL_MILLIS = 50;

  private final Twin twin;
  private final DynamoDbClient dynamoDb;
  private final ItemStore store;

  public Fleet(Twin twin) {
    this.twin = twin;
    this.dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(URI.create(twin.dynamoDbEndpoint().toString()))
            .region(Region.of(twin.homeRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("fleet", "fleet")))
            .build();
    this.store = new ItemStore(dynamoDb, Twin.TABLE);
  }

  /**
   * Re-registers the reader with {@code overrides} on top of its environment; its instances start
   * anew.
   */
  public void configureReader(Map<String, String> overrides) {
    configure(Twin.READER, overrides);
  }

  /**
   * Re-registers {@code function} with {@code overrides} on top of its environment; its instances
   * start anew.
   */
  public void configure(String function, Map<String, String> overrides) {
    FunctionConfig config = twin.lambda().function(function).orElseThrow();
    Map<String, String> env = new HashMap<>(config.environment());
    env.putAll(overrides);
    twin.lambda().register(config.toBuilder().environment(env).build());
  }

  /**
   * Cold-starts reader instances in parallel until there are {@code count}; answers how many there
   * are.
   */
  public int provisionReaders(int count) {
    return twin.lambda().provision(Twin.READER, count);
  }

  /**
   * Writes a JSON value {@code {"id":..,"v":version}} for {@code id}, fetched and expiring when
   * given, as the refresh workflow would.
   */
  public void seed(String id, long version, long fetchedAtMillis, long expiresAtEpochSeconds) {
    seed(
        Item.builder(ItemId.of(id))
            .value("{\"id\":\"" + id + "\",\"v\":" + version + "}")
            .contentType("application/json")
            .version(version)
            .fetchedAtMillis(fetchedAtMillis)
            .expiresAtEpochSeconds(expiresAtEpochSeconds)
            .build());
  }

  /** Writes {@code item} as the refresh workflow would (version forward only). */
  public void seed(Item item) {
    if (!store.put(item)) {
      throw new IllegalStateException("a newer version of " + item.id() + " is already stored");
    }
  }

  /**
   * Writes {@code attributes} as they are, unconditionally, as an import, a restore or a hand-made
   * {@code put-item} would: for items that lack what warmcache itself always writes.
   */
  public void seedAttributes(Map<String, AttributeValue> attributes) {
    dynamoDb.putItem(b -> b.tableName(Twin.TABLE).item(attributes));
  }

  /** Executions of the refresh workflow so far (the engine keeps the newest 2000). */
  public int executionsStarted() {
    return (int) twin.stepFunctions().countExecutions(twin.stateMachine().stateMachineArn(), null);
  }

  /** The version stored for {@code id} (strongly consistent), 0 if none. */
  public long storedVersion(String id) {
    return store.get(ItemId.of(id), ReadConsistency.STRONG).map(Item::version).orElse(0L);
  }

  /**
   * Puts a ForceRefresh on the bus, as an operator does, and waits until a version above {@code
   * afterVersion} is stored.
   *
   * @return the wall-clock millis at which the new version was first seen stored
   * @throws IllegalStateException if it does not land within {@code timeout}
   */
  public long forceRefresh(String id, long afterVersion, Duration timeout) {
    twin.bus()
        .put(
            new PutEntry(
                "warmcache.admin",
                "ForceRefresh",
                JSON.createObjectNode().put("id", id).toString(),
                Twin.BUS,
                List.of(),
                null));
    return awaitVersionAbove(id, afterVersion, timeout);
  }

  /**
   * Waits until a version above {@code afterVersion} of {@code id} is stored; answers when it was
   * seen.
   */
  public long awaitVersionAbove(String id, long afterVersion, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (storedVersion(id) > afterVersion) {
        return System.currentTimeMillis();
      }
      sleep(POLL_MILLIS);
    }
    throw new IllegalStateException(
        "no version of " + id + " above " + afterVersion + " landed within " + timeout);
  }

  /**
   * Waits until no refresh execution is running: its primes are done and its instances idle again.
   */
  public void awaitWorkflowsDone(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String arn = twin.stateMachine().stateMachineArn();
    while (twin.stepFunctions().countExecutions(arn, ExecutionStatus.RUNNING) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("refresh executions still running after " + timeout);
      }
      // Coarser than the other polls: each scans the engine's retained executions, which
      // competes with them for the CPU.
      sleep(WORKFLOW_POLL_MILLIS);
    }
  }

  /**
   * One read of {@code id} on every idle reader instance at once: instance id to the version it
   * served (-1: none).
   */
  public Map<String, Long> versionsServed(String id) {
    Map<String, Long> served = new HashMap<>();
    reads(id)
        .forEach((instance, answer) -> served.put(instance, answer.path("version").asLong(-1)));
    return served;
  }

  /**
   * One read of {@code id} on every idle reader instance at once: instance id to its answer, or to
   * {@code {"functionError":...,"payload":...}} when the invocation failed.
   */
  public Map<String, JsonNode> reads(String id) {
    byte[] read = JSON.createObjectNode().put("id", id).toString().getBytes(StandardCharsets.UTF_8);
    Map<String, JsonNode> answers = new HashMap<>();
    for (InvocationResult r : twin.lambda().invokeEach(Twin.READER, read)) {
      answers.put(
          r.instanceId(),
          answer(r)
              .orElseGet(
                  () ->
                      JSON.createObjectNode()
                          .put("functionError", r.functionError())
                          .put("payload", new String(r.payload(), StandardCharsets.UTF_8))));
    }
    return answers;
  }

  private static Optional<JsonNode> answer(InvocationResult r) {
    if (r.functionError() != null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(r.payload()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sleeps until {@code epochMillis} on the wall clock. */
  public static void sleepUntil(long epochMillis) {
    sleep(epochMillis - System.currentTimeMillis());
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Every record in the item table as stored (one strongly consistent scan, all pages): items,
   * lease-only records and change-feed buckets alike, for benchmarks that watch the table.
   */
  public List<Map<String, AttributeValue>> storedRecords() {
    List<Map<String, AttributeValue>> records = new ArrayList<>();
    dynamoDb
        .scanPaginator(b -> b.tableName(Twin.TABLE).consistentRead(true))
        .items()
        .forEach(records::add);
    return records;
  }

  @Override
  public void close() {
    dynamoDb.close();
  }
}
