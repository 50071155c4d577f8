package dev.warmcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.cdk.WarmcacheConfig;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.id.ItemId;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.measure.Fleet;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.ExecutionStatus;
import dev.warmcache.local.stepfunctions.engine.HistoryEvent;
import dev.warmcache.settings.Setting;
import dev.warmcache.settings.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * The cost and capacity model's counts, measured on the twin, and the twin's own load figures
 * (docs/scale.md). Not a timed test: it prints figures and writes them to a file.
 *
 * <ol>
 *   <li><b>Per refresh</b>: sequential ForceRefresh refreshes of existing keys with warm readers
 *       and the default {@code PRIME_FANOUT}; from each execution's history and the Lambda pool's
 *       invocation records: state transitions, Lambda invocations and their durations, DynamoDB
 *       writes and the item sizes they are billed by, events, and the execution's duration.
 *   <li><b>Per read</b>: the reader's handler duration for a memory hit and a DynamoDB hit.
 *   <li><b>Cost and quota walls</b>: those counts priced with {@link Prices}, for Standard and
 *       Express, and the refresh rate at which each quota (and the change feed's partition) bites.
 *   <li><b>Twin load</b>: sustained refreshes per second to SUCCEEDED, and reads through the Lambda
 *       wire protocol at the edge with 8, 32 and 64 concurrent clients (reads/s, p50, p99).
 * </ol>
 *
 * <p>Started by {@code mvn -B -pl bench -am -Pscale -DskipTests verify}; writes
 * bench/target/scale-results.txt.
 */
public final class ScaleBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MEASURED_REFRESHES = 20;
  private static final int[] OFFERED_RATES = {25, 50, 100, 120, 150};
  private static final int[] PRIMED_RATES = {10, 25};
  private static final Duration LOAD_WINDOW = Duration.ofSeconds(10);
  private static final AtomicLong LOAD_KEYS = new AtomicLong();
  private static final int[] READ_CLIENTS = {8, 32, 64};
  private static final Duration READ_WINDOW = Duration.ofSeconds(8);
  private static final int VALUE_BYTES = 1000;

  /** Default {@code TTL_SECONDS}, for the hot-key capacity. */
  private static final int TTL_SECONDS = 300;

  /**
   * Published default refill rates per second (Step Functions service quotas, state and API action
   * throttling, read 2026-12-03; docs/scale.md cites them). Express has no transition quota.
   */
  private static final double STANDARD_TRANSITIONS_REFILL_LARGE = 5_000;

  private static final double STANDARD_TRANSITIONS_REFILL_OTHER = 800;
  private static final double STANDARD_START_REFILL_LARGE = 300;
  private static final double STANDARD_START_REFILL_OTHER = 150;
  private static final double EXPRESS_START_REFILL = 6_000;

  /** DynamoDB: one partition serves at most 1,000 write units a second. */
  private static final double PARTITION_WRITE_UNITS = 1_000;

  private ScaleBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/scale-results.txt");
    StringBuilder report = new StringBuilder();
    try (BenchOrigin origin = new BenchOrigin(VALUE_BYTES);
        Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(
                        Map.of(
                            "ORIGIN_URL_TEMPLATE",
                            origin.urlTemplate(),
                            "POWERTOOLS_LOG_LEVEL",
                            "WARN"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      Queue<Call> calls = new ConcurrentLinkedQueue<>();
      twin.lambda().addListener((fn, request, result) -> calls.add(new Call(fn, request, result)));

      PerRefresh refresh = perRefresh(twin, fleet, calls);
      PerRead read = perRead(twin, fleet);
      report(refresh, read, report);
      load(twin, fleet, report);
    }
    ReportFile.finish(file, report);
  }

  private record Call(String function, byte[] request, InvocationResult result) {}

  /** Averages per refresh. */
  private record PerRefresh(
      double transitions,
      double refreshInvocations,
      double refreshMillis,
      double primeInvocations,
      double primeMillis,
      double writeUnits,
      double changeWriteUnits,
      double readUnits,
      double events,
      double executionMillis,
      int itemBytes,
      int changeEntryBytes) {}

  private record PerRead(double memoryHitMillis, double dynamoDbHitMillis) {}

  private static PerRefresh perRefresh(Twin twin, Fleet fleet, Queue<Call> calls) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= MEASURED_REFRESHES; i++) {
      ids.add("cost-" + i);
    }
    // First pass stores every key and warms the functions; the second, measured, refreshes
    // keys that exist, as nearly every refresh in production does.
    for (String id : ids) {
      fleet.forceRefresh(id, fleet.storedVersion(id), Duration.ofSeconds(60));
      fleet.awaitWorkflowsDone(Duration.ofSeconds(60));
    }
    calls.clear();
    Instant from = Instant.now();
    for (String id : ids) {
      fleet.forceRefresh(id, fleet.storedVersion(id), Duration.ofSeconds(60));
      fleet.awaitWorkflowsDone(Duration.ofSeconds(60));
    }
    List<Execution> runs =
        twin
            .stepFunctions()
            .listExecutions(twin.stateMachine().stateMachineArn(), ExecutionStatus.SUCCEEDED)
            .stream()
            .filter(e -> !e.startDate().isBefore(from))
            .toList();
    if (runs.size() != MEASURED_REFRESHES) {
      throw new IllegalStateException(
          "expected " + MEASURED_REFRESHES + " refreshes, saw " + runs.size());
    }
    int itemBytes = 0;
    try (DynamoDbClient dynamoDb = dynamoDb(twin)) {
      for (String id : ids) {
        itemBytes += itemBytes(item(dynamoDb, id));
      }
      itemBytes /= ids.size();
    }
    int entryBytes = ChangeFeed.entry(ItemId.of(ids.get(0)), 12).length();
    long transitions = 0;
    long events = 0;
    long executionMillis = 0;
    long updates = 0;
    long puts = 0;
    long reloads = 0;
    List<String> changeKeys = new ArrayList<>();
    for (Execution e : runs) {
      List<HistoryEvent> history = twin.stepFunctions().history(e.executionArn());
      for (HistoryEvent h : history) {
        if (h.type().endsWith("StateEntered")) {
          transitions++;
        } else if (h.type().equals("TaskScheduled")) {
          String type = h.details().path("resourceType").asText();
          String api = h.details().path("resource").asText();
          if (type.equals("events")) {
            events++;
          } else if (api.equals("updateItem")) {
            updates++;
          } else if (api.equals("putItem")) {
            puts++;
          }
        }
      }
      executionMillis += Duration.between(e.startDate(), e.stopDate()).toMillis();
      changeKeys.add(JSON.readTree(e.output()).path("write").path("change").path("key").asText());
      for (JsonNode answer : JSON.readTree(e.output()).path("primed").path("answers")) {
        if (answer.path("primed").asBoolean(false)) {
          reloads++;
        }
      }
    }
    long refreshCalls = 0;
    double refreshMillis = 0;
    long primeCalls = 0;
    double primeMillis = 0;
    for (Call c : calls) {
      double ms = c.result().duration().toNanos() / 1e6;
      if (c.function().equals(Twin.REFRESH)) {
        refreshCalls++;
        refreshMillis += ms;
      } else if (new String(c.request(), StandardCharsets.UTF_8).contains("\"prime\"")) {
        primeCalls++;
        primeMillis += ms;
      }
    }
    double n = runs.size();
    int itemUnits = (itemBytes + 1023) / 1024;
    // The lease update and the value put are each billed by the larger of the item before and
    // after: the item with its value. The change-feed update is billed by the bucket's size.
    double writeUnits = (updates - n + puts) * itemUnits / n;
    // Each refresh's change-feed write is billed by its bucket's size; the bucket's final size is
    // an upper bound for that.
    double changeWriteUnits = 0;
    try (DynamoDbClient dynamoDb = dynamoDb(twin)) {
      for (String key : changeKeys) {
        changeWriteUnits += Math.ceil(itemBytes(item(dynamoDb, key)) / 1024.0);
      }
    }
    changeWriteUnits /= n;
    // A prime that reloads reads the item with a strongly consistent GetItem: 1 unit per 4 KB.
    double readUnits = reloads * ((itemBytes + 4095) / 4096) / n;
    return new PerRefresh(
        transitions / n,
        refreshCalls / n,
        refreshCalls == 0 ? 0 : refreshMillis / refreshCalls,
        primeCalls / n,
        primeCalls == 0 ? 0 : primeMillis / primeCalls,
        writeUnits,
        changeWriteUnits,
        readUnits,
        events / n + 1, // + the trigger itself: a ForceRefresh or CacheMiss event
        executionMillis / n,
        itemBytes,
        entryBytes);
  }

  /** An item's size as DynamoDB bills it: attribute names plus values. */
  private static int itemBytes(Map<String, AttributeValue> item) {
    int total = 0;
    for (Map.Entry<String, AttributeValue> a : item.entrySet()) {
      total += a.getKey().getBytes(StandardCharsets.UTF_8).length;
      AttributeValue v = a.getValue();
      if (v.s() != null) {
        total += v.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (v.n() != null) {
        // About one byte per two significant digits, plus one.
        total += v.n().length() / 2 + 1;
      } else if (v.hasSs()) {
        for (String e : v.ss()) {
          total += e.getBytes(StandardCharsets.UTF_8).length;
        }
      } else {
        total += 1;
      }
    }
    return total;
  }

  private static Map<String, AttributeValue> item(DynamoDbClient dynamoDb, String id) {
    return dynamoDb
        .getItem(
            GetItemRequest.builder()
                .tableName(Twin.TABLE)
                .key(Map.of("id", AttributeValue.fromS(id)))
                .consistentRead(true)
                .build())
        .item();
  }

  private static DynamoDbClient dynamoDb(Twin twin) {
    return AwsClients.dynamoDb(
        Settings.from(
            Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB",
                twin.dynamoDbEndpoint().toString(),
                "AWS_REGION",
                Twin.REGION,
                "AWS_ACCESS_KEY_ID",
                "twin",
                "AWS_SECRET_ACCESS_KEY",
                "twin")));
  }

  private static PerRead perRead(Twin twin, Fleet fleet) throws Exception {
    int n = 2_000;
    double memory = readMillis(twin, n);
    // Every read from DynamoDB: no memory tier (its instances start anew).
    fleet.configureReader(Map.of("MEMORY_TTL_SECONDS", "0"));
    readMillis(twin, n / 4);
    double dynamoDb = readMillis(twin, n / 4);
    fleet.configureReader(Map.of("MEMORY_TTL_SECONDS", Setting.MEMORY_TTL_SECONDS.defaultText()));
    return new PerRead(memory, dynamoDb);
  }

  /** Mean handler duration of {@code n} reads of stored keys, after as many to warm up. */
  private static double readMillis(Twin twin, int n) throws Exception {
    double total = 0;
    for (int round = 0; round < 2; round++) {
      total = 0;
      for (int i = 0; i < n; i++) {
        byte[] read =
            ("{\"id\":\"cost-" + (i % MEASURED_REFRESHES + 1) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        total += twin.lambda().invoke(Twin.READER, read).duration().toNanos() / 1e6;
      }
    }
    return total / n;
  }

  private static void report(PerRefresh r, PerRead read, StringBuilder out) {
    double readerGb = WarmcacheConfig.DEFAULT_READER_MEMORY_MB / 1024.0;
    double refreshGb = WarmcacheConfig.DEFAULT_REFRESH_MEMORY_MB / 1024.0;
    line(out, "Per refresh (ForceRefresh of an existing key, PRIME_FANOUT 4, warm readers),");
    line(out, "averaged over %d refreshes measured on the twin:", MEASURED_REFRESHES);
    line(out, "  state transitions                 %8.2f", r.transitions());
    line(
        out,
        "  refresh function invocations      %8.2f  (mean %.1f ms each)",
        r.refreshInvocations(),
        r.refreshMillis());
    line(
        out,
        "  reader prime invocations          %8.2f  (mean %.1f ms each)",
        r.primeInvocations(),
        r.primeMillis());
    line(
        out,
        "  DynamoDB write units              %8.2f  (item %d bytes) + %.2f for the change feed",
        r.writeUnits(),
        r.itemBytes(),
        r.changeWriteUnits());
    line(out, "  DynamoDB read units (prime reloads) %6.2f", r.readUnits());
    line(out, "  EventBridge events                %8.2f  (trigger + CacheRefreshed)", r.events());
    line(out, "  execution duration                %8.1f ms", r.executionMillis());

    double lambdaRequests =
        (r.refreshInvocations() + r.primeInvocations()) * Prices.LAMBDA_PER_REQUEST;
    double lambdaDuration =
        (r.refreshInvocations() * lambdaMillis(r.refreshMillis()) / 1000 * refreshGb
                + r.primeInvocations() * lambdaMillis(r.primeMillis()) / 1000 * readerGb)
            * Prices.LAMBDA_ARM_PER_GB_SECOND;
    double dynamoDb =
        (r.writeUnits() + r.changeWriteUnits()) * Prices.DYNAMODB_PER_WRU
            + r.readUnits() * Prices.DYNAMODB_PER_RRU;
    double events = r.events() * Prices.EVENTBRIDGE_PER_EVENT;
    double standard = r.transitions() * Prices.STANDARD_PER_TRANSITION;
    double express =
        Prices.EXPRESS_PER_REQUEST
            + Math.ceil(r.executionMillis() / 100)
                * 0.1
                * Prices.EXPRESS_MIN_GB
                * Prices.EXPRESS_PER_GB_SECOND;
    line(out, "");
    line(out, "Cost per 1,000 refreshes (US East list prices, bench Prices.java):");
    line(out, "  %-34s %12s %12s", "", "Standard", "Express");
    row(out, "Step Functions", standard, express);
    row(out, "Lambda requests", lambdaRequests, lambdaRequests);
    row(out, "Lambda duration (Arm)", lambdaDuration, lambdaDuration);
    row(out, "DynamoDB on-demand", dynamoDb, dynamoDb);
    row(out, "EventBridge", events, events);
    row(
        out,
        "total",
        standard + lambdaRequests + lambdaDuration + dynamoDb + events,
        express + lambdaRequests + lambdaDuration + dynamoDb + events);
    line(
        out,
        "  a TTL-expiry trigger adds one Pipes request: $%.4f per 1,000",
        1000 * Prices.PIPES_PER_REQUEST);

    double memoryRead =
        Prices.LAMBDA_PER_REQUEST
            + lambdaMillis(read.memoryHitMillis())
                / 1000
                * readerGb
                * Prices.LAMBDA_ARM_PER_GB_SECOND;
    double dynamoDbRead =
        Prices.LAMBDA_PER_REQUEST
            + lambdaMillis(read.dynamoDbHitMillis())
                / 1000
                * readerGb
                * Prices.LAMBDA_ARM_PER_GB_SECOND
            + 0.5 * Math.ceil(r.itemBytes() / 4096.0) * Prices.DYNAMODB_PER_RRU;
    line(out, "");
    line(
        out,
        "Per million reads (reader at %d MB, Arm; Lambda bills at least 1 ms):",
        WarmcacheConfig.DEFAULT_READER_MEMORY_MB);
    line(
        out,
        "  from memory:   handler %.3f ms -> $%.4f per million",
        read.memoryHitMillis(),
        memoryRead * 1e6);
    line(
        out,
        "  from DynamoDB: handler %.3f ms + an eventually consistent GetItem -> $%.4f per million",
        read.dynamoDbHitMillis(),
        dynamoDbRead * 1e6);

    double standardLarge =
        Math.min(STANDARD_TRANSITIONS_REFILL_LARGE / r.transitions(), STANDARD_START_REFILL_LARGE);
    double standardOther =
        Math.min(STANDARD_TRANSITIONS_REFILL_OTHER / r.transitions(), STANDARD_START_REFILL_OTHER);
    double changeFeed = changeFeedWall(r.changeEntryBytes());
    line(out, "");
    line(out, "Quota walls (default quotas; refreshes per second, one account and region):");
    line(
        out,
        "  Standard, us-east-1/us-west-2/eu-west-1: %.0f/s (the lower of transitions %.0f/s / %.1f per refresh and StartExecution %.0f/s)",
        standardLarge,
        STANDARD_TRANSITIONS_REFILL_LARGE,
        r.transitions(),
        STANDARD_START_REFILL_LARGE);
    line(
        out,
        "  Standard, other regions:                %.0f/s (the lower of transitions %.0f/s / %.1f per refresh and StartExecution %.0f/s)",
        standardOther,
        STANDARD_TRANSITIONS_REFILL_OTHER,
        r.transitions(),
        STANDARD_START_REFILL_OTHER);
    line(
        out,
        "  Express:                                %.0f/s (StartExecution)",
        EXPRESS_START_REFILL);
    line(
        out,
        "  change feed, one bucket item per second: %.0f/s (%.0f write units/s per partition, %d-byte entries)",
        changeFeed,
        PARTITION_WRITE_UNITS,
        r.changeEntryBytes());
    line(out, "");
    line(out, "Hot keys sustained at TTL_SECONDS=%d (refresh rate x TTL):", TTL_SECONDS);
    line(
        out,
        "  Standard, large regions: %,.0f keys",
        Math.min(standardLarge, changeFeed) * TTL_SECONDS);
    line(
        out,
        "  Standard, other regions: %,.0f keys",
        Math.min(standardOther, changeFeed) * TTL_SECONDS);
    line(
        out,
        "  Express: %,.0f keys (the change feed's partition is the wall; %,.0f by StartExecution alone)",
        Math.min(EXPRESS_START_REFILL, changeFeed) * TTL_SECONDS,
        EXPRESS_START_REFILL * TTL_SECONDS);
  }

  /**
   * Refreshes per second at which one second's change record needs 1,000 write units: the k-th
   * write of a second rewrites a bucket of k entries, billed at ceil(size / 1 KB).
   */
  static double changeFeedWall(int entryBytes) {
    double units = 0;
    int rate = 0;
    while (true) {
      double next = Math.ceil((rate + 1) * (entryBytes + 1.0) / 1024);
      if (units + next > PARTITION_WRITE_UNITS) {
        return rate;
      }
      units += next;
      rate++;
    }
  }

  /** Lambda bills duration in 1 ms steps, at least 1 ms. */
  private static double lambdaMillis(double handlerMillis) {
    return Math.max(1, Math.ceil(handlerMillis));
  }

  private static void load(Twin twin, Fleet fleet, StringBuilder out) throws Exception {
    line(out, "");
    line(out, "Twin load on this machine (%d cores):", Runtime.getRuntime().availableProcessors());
    reads(twin, fleet, out);
    // The refresh path alone first: primes measure reader cold starts (each prime that finds no
    // idle instance starts one), which on two cores compete with the pipeline itself.
    fleet.configure(Twin.REFRESH, Map.of("PRIME_FANOUT", "0"));
    refreshes(twin, fleet, 10, "PRIME_FANOUT 0, warm-up", out);
    for (int rate : OFFERED_RATES) {
      refreshes(twin, fleet, rate, "PRIME_FANOUT 0", out);
    }
    String fanout = Setting.PRIME_FANOUT.defaultText();
    fleet.configure(Twin.REFRESH, Map.of("PRIME_FANOUT", fanout));
    for (int rate : PRIMED_RATES) {
      refreshes(twin, fleet, rate, "PRIME_FANOUT " + fanout, out);
    }
  }

  /**
   * ForceRefresh events for new keys at {@code rate} a second for {@link #LOAD_WINDOW}, then the
   * time until every execution has ended: the rate the twin sustains, and what failed.
   */
  private static void refreshes(Twin twin, Fleet fleet, int rate, String label, StringBuilder out) {
    String arn = twin.stateMachine().stateMachineArn();
    int total = (int) (rate * LOAD_WINDOW.toSeconds());
    Instant from = Instant.now();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * 1e9 / rate);
        // Parked, not spinning: a spinning generator would take one of the twin's two cores.
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        twin.bus()
            .put(
                new PutEntry(
                    "warmcache.admin",
                    "ForceRefresh",
                    "{\"id\":\"load-" + LOAD_KEYS.incrementAndGet() + "\"}",
                    Twin.BUS,
                    List.of(),
                    null));
      }
      fleet.awaitWorkflowsDone(Duration.ofMinutes(5));
    } catch (RuntimeException e) {
      line(out, "  refreshes offered at %3d/s (%s): stopped: %s", rate, label, e.getMessage());
      return;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // Executions of this round only: the engine's retention may already have evicted older ones.
    List<Execution> round =
        twin.stepFunctions().listExecutions(arn, null).stream()
            .filter(e -> !e.startDate().isBefore(from))
            .toList();
    long done = round.stream().filter(e -> e.status() == ExecutionStatus.SUCCEEDED).count();
    List<Execution> failures =
        round.stream().filter(e -> e.status() == ExecutionStatus.FAILED).toList();
    line(
        out,
        "  refreshes offered at %3d/s for %d s (%s): %d SUCCEEDED, %d FAILED, done in %.1f s = %.1f refreshes/s",
        rate,
        LOAD_WINDOW.toSeconds(),
        label,
        done,
        failures.size(),
        seconds,
        done / seconds);
    Map<String, Long> errors =
        failures.stream()
            .collect(
                Collectors.groupingBy(
                    e ->
                        e.error()
                            + ": "
                            + String.valueOf(e.cause())
                                .replaceAll(" \\(Service:.*", "")
                                .lines()
                                .findFirst()
                                .orElse(""),
                    TreeMap::new,
                    Collectors.counting()));
    errors.forEach((error, count) -> line(out, "    failed %d x %s", count, error));
  }

  /** Reads of stored keys through the edge's Lambda Invoke API, as the AWS CLI sends them. */
  private static void reads(Twin twin, Fleet fleet, StringBuilder out) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI invoke = twin.endpoint().resolve("/2015-03-31/functions/" + Twin.READER + "/invocations");
    readWindow(http, invoke, READ_CLIENTS[0], READ_WINDOW); // warm-up: the edge's JIT
    for (int clients : READ_CLIENTS) {
      // As many warm instances as clients, so the window measures reads, not cold starts.
      fleet.provisionReaders(clients);
      readWindow(http, invoke, clients, Duration.ofSeconds(2));
      long[] all = readWindow(http, invoke, clients, READ_WINDOW);
      line(
          out,
          "  reads through the edge, %2d clients: %,8.0f reads/s, p50 %.2f ms, p99 %.2f ms",
          clients,
          all.length / (double) READ_WINDOW.toSeconds(),
          all.length == 0 ? 0 : all[all.length / 2] / 1e6,
          all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6);
    }
  }

  /** Sorted latencies (ns) of the successful reads {@code clients} loops made in {@code window}. */
  private static long[] readWindow(HttpClient http, URI invoke, int clients, Duration window)
      throws InterruptedException {
    List<long[]> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long ends = System.nanoTime() + window.toNanos();
    for (int c = 0; c < clients; c++) {
      long[] latencies = new long[200_001];
      perClient.add(latencies);
      HttpRequest request =
          HttpRequest.newBuilder(invoke)
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"id\":\"cost-" + (c % MEASURED_REFRESHES + 1) + "\"}"))
              .build();
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                while (System.nanoTime() < ends && n < latencies.length - 1) {
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<Void> r =
                        http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                      latencies[n++] = System.nanoTime() - t0;
                    }
                  } catch (Exception e) {
                    // A failed read is not a latency; the reads/s figure shows the loss.
                  }
                }
                latencies[latencies.length - 1] = n;
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    return perClient.stream()
        .flatMapToLong(l -> Arrays.stream(l, 0, (int) l[l.length - 1]))
        .sorted()
        .toArray();
  }

  private static void row(StringBuilder out, String label, double standard, double express) {
    line(out, "  %-34s %12.4f %12.4f", label, standard * 1000, express * 1000);
  }

  private static void line(StringBuilder out, String format, Object... args) {
    String s = String.format(Locale.ROOT, format, args);
    System.out.println(s);
    out.append(s).append('\n');
  }
}
