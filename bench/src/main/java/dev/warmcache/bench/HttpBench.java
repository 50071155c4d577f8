package dev.warmcache.bench;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import dev.warmcache.local.measure.Varnish;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * HTTP reads where users meet them, in one run against one twin:
 *
 * <ol>
 *   <li>warm reads of held keys through the reader's function URL at 8, 32 and 64 concurrent
 *       clients, beside the same reads through {@code Invoke} with the SDK: requests per second,
 *       p50 and p99;
 *   <li>the same load through Varnish in front of the function URL (the stand-in for CloudFront):
 *       the share of client requests that reached the function, and function requests per key per
 *       {@code s-maxage} window (the target is at most 1).
 * </ol>
 *
 * Every client is a loop on its own thread with its own keep-alive connection (the Apache client
 * the SDK uses), so concurrency is the number of requests in flight.
 *
 * <pre>
 * mvn -B -pl bench -am -Phttp -DskipTests verify   # writes bench/target/http-results.txt
 * </pre>
 */
public final class HttpBench {

  private static final int KEYS = 50;
  private static final int SHARED_MAX_AGE = 5;
  private static final Duration WARM_UP = Duration.ofSeconds(4);
  private static final Duration MEASURE = Duration.ofSeconds(8);
  private static final Duration CACHED_RUN = Duration.ofSeconds(21);

  private HttpBench() {}

  /** Requests per second and latency percentiles of one load. */
  private record Load(long requests, double seconds, double p50Ms, double p99Ms, long failures) {
    double perSecond() {
      return requests / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/http-results.txt");
    StringBuilder report = new StringBuilder();
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(
                        Map.of(
                            "PRIME_FANOUT", "0",
                            "HTTP_SHARED_MAX_AGE_SECONDS", Integer.toString(SHARED_MAX_AGE),
                            "MEMORY_TTL_SECONDS", "3600"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < KEYS; i++) {
        fleet.seed(
            Item.builder(ItemId.of("h" + i))
                .value("{\"name\":\"h" + i + "\",\"price\":12.5}")
                .contentType("application/json")
                .version(1)
                .fetchedAtMillis(now)
                .expiresAtEpochSeconds(now / 1000 + 3_600)
                .build());
      }
      // Both ways find the same warm fleet: otherwise the first load pays for scaling it out.
      int instances = fleet.provisionReaders(64);
      AtomicInteger functionRequests = new AtomicInteger();
      twin.lambda()
          .addListener(
              (function, request, result) -> {
                if (function.equals(Twin.READER)
                    && new String(request, 0, Math.min(request.length, 16), StandardCharsets.UTF_8)
                        .equals("{\"version\":\"2.0\"")) {
                  functionRequests.incrementAndGet();
                }
              });
      URI url = twin.functionUrl(Twin.READER);
      String host = url.getHost() + ":" + url.getPort();
      URI direct = URI.create("http://127.0.0.1:" + url.getPort());

      report
          .append("HTTP reads of ")
          .append(KEYS)
          .append(" held keys, one run, ")
          .append(Runtime.getRuntime().availableProcessors())
          .append(" cores; each load ")
          .append(MEASURE.toSeconds())
          .append(" s after ")
          .append(WARM_UP.toSeconds())
          .append(" s of warm-up, ")
          .append(instances)
          .append(" reader instances started before the first\n\n")
          .append(
              "| clients | way | requests/s | p50 ms | p99 ms | failures | function URL ÷ Invoke (req/s) |\n")
          .append("|---|---|---|---|---|---|---|\n");
      for (int clients : new int[] {8, 32, 64}) {
        Load http;
        try (Clients pool = new Clients(clients)) {
          http =
              load(
                  clients, WARM_UP, MEASURE, (c, id) -> pool.get(c, direct + "/items/" + id, host));
        }
        Load invoke;
        try (LambdaClient lambda = lambda(twin, clients)) {
          invoke =
              load(
                  clients,
                  WARM_UP,
                  MEASURE,
                  (c, id) ->
                      lambda
                          .invoke(
                              b ->
                                  b.functionName(Twin.READER)
                                      .payload(SdkBytes.fromUtf8String("{\"id\":\"" + id + "\"}")))
                          .statusCode());
        }
        row(report, clients, "function URL `GET /items/{id}`", http, "");
        row(
            report,
            clients,
            "`Invoke` (SDK)",
            invoke,
            String.format("%.2f×", http.perSecond() / invoke.perSecond()));
      }

      String missing = Varnish.missing();
      if (missing != null) {
        report.append("\nShared cache: not run (").append(missing).append(")\n");
      } else {
        try (Varnish varnish = Varnish.start(url);
            Clients pool = new Clients(32)) {
          URI cache = varnish.endpoint();
          int before = functionRequests.get();
          Load cached =
              load(
                  32,
                  Duration.ZERO,
                  CACHED_RUN,
                  (c, id) -> pool.get(c, cache + "/items/" + id, null));
          int reached = functionRequests.get() - before;
          double windows = Math.ceil(cached.seconds() / SHARED_MAX_AGE);
          report
              .append(
                  "\nThrough Varnish in front of the function URL (CloudFront's stand-in), 32 clients, ")
              .append(String.format("%.0f s, s-maxage %d s%n%n", cached.seconds(), SHARED_MAX_AGE))
              .append(
                  "| client requests | requests/s | p50 ms | p99 ms | reached the function | share | per key per s-maxage |\n")
              .append("|---|---|---|---|---|---|---|\n")
              .append(
                  String.format(
                      "| %,d | %,.0f | %.2f | %.2f | %d | %.4f%% | %.2f |%n",
                      cached.requests(),
                      cached.perSecond(),
                      cached.p50Ms(),
                      cached.p99Ms(),
                      reached,
                      100.0 * reached / cached.requests(),
                      reached / (KEYS * windows)));
        }
      }
    }
    ReportFile.finish(file, report);
  }

  /** {@code clients} loops over the keys; latencies of the measured part only. */
  private static Load load(int clients, Duration warmUp, Duration measure, ClientRead read)
      throws InterruptedException {
    long start = System.nanoTime();
    long measureFrom = start + warmUp.toNanos();
    long end = measureFrom + measure.toNanos();
    List<long[]> latencies = new ArrayList<>();
    AtomicLong failures = new AtomicLong();
    int[] counts = new int[clients];
    CountDownLatch done = new CountDownLatch(clients);
    for (int c = 0; c < clients; c++) {
      long[] mine = new long[2_000_000];
      latencies.add(mine);
      int client = c;
      Thread t =
          new Thread(
              () -> {
                int n = 0;
                int k = client;
                try {
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    String id = "h" + (k++ % KEYS);
                    int status;
                    try {
                      status = read.read(client, id);
                    } catch (Exception e) {
                      status = -1;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && n < mine.length) {
                      mine[n++] = t1 - t0;
                      if (status != 200) {
                        failures.incrementAndGet();
                      }
                    }
                  }
                } finally {
                  counts[client] = n;
                  done.countDown();
                }
              },
              "http-bench-" + c);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < clients; c++) {
      System.arraycopy(latencies.get(c), 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    double seconds = measure.toNanos() / 1e9;
    return new Load(
        total,
        seconds,
        total == 0 ? 0 : all[total / 2] / 1e6,
        total == 0 ? 0 : all[(int) Math.min(total - 1, Math.ceil(total * 0.99) - 1)] / 1e6,
        failures.get());
  }

  @FunctionalInterface
  private interface ClientRead {
    int read(int client, String id) throws Exception;
  }

  /** One kept-alive Apache connection per client, as the SDK's own HTTP client would hold. */
  private static final class Clients implements AutoCloseable {
    private final CloseableHttpClient[] http;

    Clients(int n) {
      http = new CloseableHttpClient[n];
      for (int i = 0; i < n; i++) {
        http[i] =
            HttpClients.custom()
                .setMaxConnTotal(1)
                .setDefaultRequestConfig(
                    RequestConfig.custom()
                        .setConnectTimeout(5_000)
                        .setSocketTimeout(30_000)
                        .build())
                .build();
      }
    }

    /** GET {@code url}, naming {@code host} (the function URL's name) when given. */
    int get(int client, String url, String host) throws Exception {
      HttpGet get = new HttpGet(url);
      if (host != null) {
        get.setHeader("Host", host);
      }
      try (CloseableHttpResponse response = http[client].execute(get)) {
        EntityUtils.consume(response.getEntity());
        return response.getStatusLine().getStatusCode();
      }
    }

    @Override
    public void close() throws Exception {
      for (CloseableHttpClient c : http) {
        c.close();
      }
    }
  }

  private static LambdaClient lambda(Twin twin, int connections) {
    return LambdaClient.builder()
        .endpointOverride(twin.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections))
        .build();
  }

  private static void row(StringBuilder t, int clients, String way, Load load, String ratio) {
    t.append(
        String.format(
            "| %d | %s | %,.0f | %.2f | %.2f | %d | %s |%n",
            clients, way, load.perSecond(), load.p50Ms(), load.p99Ms(), load.failures(), ratio));
  }
}
