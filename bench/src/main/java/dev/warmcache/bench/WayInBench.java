package dev.warmcache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.net.httpserver.HttpServer;
import dev.warmcache.client.CallStats;
import dev.warmcache.client.Source;
import dev.warmcache.client.Warmcache;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * How a caller gets a cached value, each way measured in one run against one twin, as a user's code
 * meets it:
 *
 * <ul>
 *   <li>a bare Caffeine {@code getIfPresent} of the same entry: the floor;
 *   <li>{@code Warmcache.get} of a key the client holds, with the change feed and early refresh on:
 *       the embedded client;
 *   <li>a GET to a minimal HTTP server on localhost that answers from a map, as a Lambda extension
 *       would (the AWS Parameters and Secrets extension's model), over one kept-alive connection
 *       (the Apache client the SDK uses; the JDK's own client stalled on reused connections to the
 *       JDK's server);
 *   <li>{@code Invoke} of the reader Lambda over the twin's wire with the SDK, warm and sequential,
 *       answered from the reader's memory: the way in before the client existed.
 * </ul>
 *
 * <p>Then a batch: 100 keys that are only in DynamoDB, read by a fresh client with one {@code
 * getAll} and by another with 100 {@code get}s: DynamoDB requests made (from the client's own
 * {@code CallStats}) and the time each took.
 *
 * <p>Nanosecond figures are the median of 7 batches after a warm-up; the JMH run of {@code
 * memoryHitThroughClient} ({@code -Pbench}) is the rigorous figure for the client's memory hit.
 *
 * <pre>
 * mvn -B -pl bench -am -Pwayin -DskipTests verify   # writes bench/target/wayin-results.txt
 * </pre>
 */
public final class WayInBench {

  private static final String KEY = "15";
  private static final int BATCH = 100;

  private WayInBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/wayin-results.txt");
    StringBuilder report = new StringBuilder();
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(Map.of("PRIME_FANOUT", "0"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      long now = System.currentTimeMillis();
      Item held = item(KEY, now);
      fleet.seed(held);
      for (int i = 0; i < BATCH; i++) {
        fleet.seed(item("batch-" + i, now));
      }

      // The floor: Caffeine holding the same item.
      Cache<ItemId, Item> caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
      ItemId key = ItemId.of(KEY);
      caffeine.put(key, held);
      double bare = nanosPerOp(10_000_000, () -> caffeine.getIfPresent(key) == null ? 0 : 1);

      // The embedded client, against the twin's wire, holding the key.
      Warmcache cache = client(twin, null);
      if (cache.get(KEY).source() != Source.DYNAMODB || cache.get(KEY).source() != Source.MEMORY) {
        throw new IllegalStateException("expected a DynamoDB read, then memory hits");
      }
      double client = nanosPerOp(10_000_000, () -> cache.get(KEY).version());

      // An extension-style lookup: localhost HTTP, answered from a map.
      double extension = extensionLookup(held);

      // The reader Lambda over the twin's wire, answering from its memory.
      double invoke;
      try (LambdaClient lambda = lambda(twin)) {
        byte[] read = ("{\"id\":\"" + KEY + "\"}").getBytes(StandardCharsets.UTF_8);
        invoke =
            nanosPerOp(
                200,
                () ->
                    lambda
                        .invoke(
                            b -> b.functionName(Twin.READER).payload(SdkBytes.fromByteArray(read)))
                        .statusCode());
      }

      report
          .append("The way in: one read of a held key, one run, ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores\n\n| way | ns/op | ÷ client memory hit |\n|---|---|---|\n");
      row(report, "bare Caffeine `getIfPresent` (the floor)", bare, client);
      row(report, "`Warmcache.get`, memory hit (change feed and early refresh on)", client, client);
      row(report, "extension-style localhost HTTP GET, answered from a map", extension, client);
      row(report, "reader `Invoke` over the twin's wire (SDK, warm, sequential)", invoke, client);

      // Batch: 100 keys only in DynamoDB, each way on a fresh client.
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        ids.add("batch-" + i);
      }
      List<CallStats> batchCalls = new ArrayList<>();
      Warmcache batchClient = client(twin, batchCalls::add);
      long start = System.nanoTime();
      int got = batchClient.getAll(ids).size();
      double batchMillis = (System.nanoTime() - start) / 1e6;
      int batchRequests = batchCalls.stream().mapToInt(CallStats::dynamoDbReads).sum();

      List<CallStats> singleCalls = new ArrayList<>();
      Warmcache singleClient = client(twin, singleCalls::add);
      start = System.nanoTime();
      for (String id : ids) {
        singleClient.get(id);
      }
      double singleMillis = (System.nanoTime() - start) / 1e6;
      int singleRequests = singleCalls.stream().mapToInt(CallStats::dynamoDbReads).sum();
      if (got != BATCH) {
        throw new IllegalStateException("getAll answered " + got + " of " + BATCH);
      }

      report
          .append("\nBatch: ")
          .append(BATCH)
          .append(" keys only in DynamoDB, fresh clients\n\n")
          .append("| way | DynamoDB requests | ms |\n|---|---|---|\n")
          .append(String.format("| one `getAll` | %d | %.1f |%n", batchRequests, batchMillis))
          .append(
              String.format(
                  "| %d sequential `get`s | %d | %.1f |%n", BATCH, singleRequests, singleMillis))
          .append(String.format("| sequential ÷ batch | | %.1f× |%n", singleMillis / batchMillis));
    }
    ReportFile.finish(file, report);
  }

  private static Item item(String id, long now) {
    return Item.builder(ItemId.of(id))
        .value("{\"name\":\"" + id + "\",\"price\":12.5}")
        .contentType("application/json")
        .version(1)
        .fetchedAtMillis(now)
        .expiresAtEpochSeconds(now / 1000 + 3_600)
        .build();
  }

  private static Warmcache client(Twin twin, dev.warmcache.client.CacheListener listener) {
    Map<String, String> settings = new HashMap<>();
    settings.put("TABLE_NAME", Twin.TABLE);
    settings.put("EVENT_BUS_NAME", Twin.BUS);
    settings.put("AWS_ENDPOINT_URL", twin.endpoint().toString());
    settings.put("AWS_REGION", Twin.REGION);
    settings.put("AWS_ACCESS_KEY_ID", "bench");
    settings.put("AWS_SECRET_ACCESS_KEY", "bench");
    settings.put("MEMORY_TTL_SECONDS", "3600");
    settings.put("COHERENCE_INTERVAL_MS", "1000");
    Warmcache.Builder b = Warmcache.builder().settings(settings);
    if (listener != null) {
      b.listener(listener);
    }
    return b.build();
  }

  private static LambdaClient lambda(Twin twin) {
    return LambdaClient.builder()
        .endpointOverride(twin.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** A server answering {@code GET /items/{id}} from a map, and sequential keep-alive GETs. */
  private static double extensionLookup(Item held) throws Exception {
    // The JDK server writes headers and body in two segments; with Nagle's algorithm on, each
    // answer then waits for the client's delayed ACK (about 40 ms). An extension sets TCP_NODELAY.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Map<String, byte[]> values = new ConcurrentHashMap<>();
    values.put(KEY, held.value().getBytes(StandardCharsets.UTF_8));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext(
        "/items/",
        exchange -> {
          byte[] body = values.get(exchange.getRequestURI().getPath().substring(7));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try (CloseableHttpClient http =
        HttpClients.custom()
            .setMaxConnTotal(1)
            .setDefaultRequestConfig(
                RequestConfig.custom().setConnectTimeout(5_000).setSocketTimeout(5_000).build())
            .build()) {
      HttpGet get =
          new HttpGet("http://127.0.0.1:" + server.getAddress().getPort() + "/items/" + KEY);
      return nanosPerOp(
          2_000,
          () -> {
            try (CloseableHttpResponse response = http.execute(get)) {
              return EntityUtils.toByteArray(response.getEntity()).length;
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException("an extension lookup failed", e);
            }
          });
    } finally {
      server.stop(0);
    }
  }

  /** The median of 7 batches of {@code n} calls, after 3 batches of warm-up. */
  private static double nanosPerOp(int n, LongSupplier call) {
    long sink = 0;
    double[] batches = new double[7];
    for (int round = -3; round < batches.length; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += call.getAsLong();
      }
      double perOp = (double) (System.nanoTime() - start) / n;
      if (round >= 0) {
        batches[round] = perOp;
      }
    }
    if (sink == Long.MIN_VALUE) {
      System.out.println(sink);
    }
    Arrays.sort(batches);
    return batches[batches.length / 2];
  }

  private static void row(StringBuilder t, String way, double nanos, double client) {
    t.append(
        String.format(
            "| %s | %s | %s |%n",
            way,
            nanos < 1000 ? String.format("%.1f", nanos) : String.format("%,.0f", nanos),
            String.format("%.2f×", nanos / client)));
  }
}
