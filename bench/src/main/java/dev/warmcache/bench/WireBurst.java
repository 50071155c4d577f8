package dev.warmcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * The fleet-start burst where users meet it: on a freshly started twin, 64 concurrent first reads
 * of one stored key, each on a reader instance of its own, sent either through the twin's one port
 * as an SDK sends them ({@code Invoke} with SigV4, the SDK's default Apache client allowing 64
 * connections), or handed to the Lambda pool in-process, as InstanceBench's other bursts are. Each
 * mode runs in a JVM and a twin of its own. The CPU each part of the system spent in the burst
 * (thread CPU time by the threads' names, and the rest of the process: JIT compilers, the
 * collector, the VM) says where the time goes. Sampling profilers miss most of it: a cold start is
 * class loading, linking and verification, which run inside the VM where samplers see no frame.
 *
 * <p>Over the wire the SDK client is warmed by one {@code Invoke} of a function that does not
 * exist: a program's client is built once and used many times, and this keeps the client's own
 * first-use cost (its marshallers, signer and connection pool) out of the twin's figure. That
 * request also reaches the edge's Lambda API before the burst, which the in-process mode skips.
 */
final class WireBurst {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FLEET = 64;

  private WireBurst() {}

  static ObjectNode measure(boolean wire) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(Map.of("PRIME_FANOUT", "0", "MISS_WAIT_MS", "10000"))
                    .build());
        Fleet fleet = new Fleet(twin);
        LambdaClient client = wire ? client(twin) : null) {
      fleet.seed(
          Item.builder(ItemId.of("1"))
              .value("{\"one\":1}")
              .contentType("application/json")
              .version(1)
              .fetchedAtMillis(System.currentTimeMillis())
              .expiresAtEpochSeconds(System.currentTimeMillis() / 1000 + 3600)
              .build());
      byte[] read = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
      Callable<Boolean> call;
      if (wire) {
        try {
          client.invoke(b -> b.functionName("warm-up-absent"));
        } catch (ResourceNotFoundException expected) {
          // The twin answered as Lambda does; the client is warm.
        }
        call =
            () -> {
              InvokeResponse r =
                  client.invoke(
                      b -> b.functionName(Twin.READER).payload(SdkBytes.fromByteArray(read)));
              return r.functionError() == null;
            };
      } else {
        call = () -> twin.lambda().invoke(Twin.READER, read).functionError() == null;
      }

      List<Double> latencies = new ArrayList<>();
      int errors = 0;
      CpuAccount cpu = CpuAccount.start();
      AtomicInteger n = new AtomicInteger();
      ExecutorService callers =
          Executors.newFixedThreadPool(
              FLEET, r -> new Thread(r, "bench-caller-" + n.incrementAndGet()));
      CountDownLatch go = new CountDownLatch(1);
      List<Future<double[]>> calls = new ArrayList<>();
      for (int i = 0; i < FLEET; i++) {
        calls.add(
            callers.submit(
                () -> {
                  go.await();
                  long start = System.nanoTime();
                  boolean ok = call.call();
                  return new double[] {(System.nanoTime() - start) / 1e6, ok ? 0 : 1};
                }));
      }
      long burstStart = System.nanoTime();
      go.countDown();
      for (Future<double[]> f : calls) {
        double[] r = f.get();
        latencies.add(r[0]);
        errors += (int) r[1];
      }
      long burstEnd = System.nanoTime();
      ObjectNode cpuMs = cpu.stop(WireBurst::part);
      callers.shutdown();
      out.put("p50Ms", percentile(latencies, 50));
      out.put("p99Ms", percentile(latencies, 99));
      out.put("wallMs", (burstEnd - burstStart) / 1e6);
      out.put("errors", errors);
      out.put("instances", twin.lambda().instances(Twin.READER).size());
      out.set("cpuMs", cpuMs);
    }
    return out;
  }

  private static LambdaClient client(Twin twin) {
    return LambdaClient.builder()
        .endpointOverride(twin.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
        .httpClientBuilder(
            ApacheHttpClient.builder().maxConnections(FLEET).socketTimeout(Duration.ofSeconds(60)))
        .build();
  }

  static String part(String thread) {
    if (thread.startsWith("lambda-" + Twin.READER)) {
      return "reader instances (init and read)";
    }
    if (thread.startsWith("edge")) {
      return "edge (HTTP, SigV4, Lambda API)";
    }
    if (thread.startsWith("bench-caller")) {
      return "callers (the SDK client, or the in-process hand-off)";
    }
    if (thread.startsWith("qtp") || thread.contains("DynamoDB")) {
      return "DynamoDB Local";
    }
    return "other";
  }

  private static double percentile(List<Double> values, int p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
