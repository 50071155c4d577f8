package dev.warmcache.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.reader.ReaderHandler;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * The reader against its baselines. {@link BenchMain} starts one DynamoDB Local in the host JVM,
 * seeds {@link #KEY}, and passes its endpoint to every fork in {@code warmcache.bench.dynamodb}, so
 * every benchmark reads the same server and the server's CPU is not inside the measured JVM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReaderBenchmarks {

  static final String KEY = "15";
  static final String ENDPOINT_PROPERTY = "warmcache.bench.dynamodb";
  private static final byte[] REQUEST =
      ("{\"id\":\"" + KEY + "\"}").getBytes(StandardCharsets.UTF_8);

  static Map<String, String> env(String endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
    // Never contacted: every benchmarked key is fresh, so no CacheMiss is sent.
    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9");
    env.put("AWS_REGION", "us-east-1");
    // DynamoDB Local keeps one database per access key: use the fixture's, or the table is not
    // there.
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("TABLE_NAME", "warmcache");
    return env;
  }

  private static String endpoint() {
    String endpoint = System.getProperty(ENDPOINT_PROPERTY);
    if (endpoint == null) {
      throw new IllegalStateException(
          "run through BenchMain, which starts DynamoDB Local and sets " + ENDPOINT_PROPERTY);
    }
    return endpoint;
  }

  /** A handler invocation as the runtime makes it: fresh input stream, reused output buffer. */
  abstract static class HandlerState {
    ReaderHandler handler;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    int invoke() throws IOException {
      out.reset();
      handler.handleRequest(new ByteArrayInputStream(REQUEST), out, null);
      return out.size();
    }

    void requireSource(String source) throws IOException {
      invoke();
      String answer = out.toString(StandardCharsets.UTF_8);
      if (!answer.contains("\"source\":\"" + source + "\"")) {
        throw new IllegalStateException("expected a " + source + " answer, got " + answer);
      }
    }
  }

  /** Memory tier on; request log line at WARN (off) and EMF off: the read path and its JSON. */
  @State(Scope.Benchmark)
  public static class QuietMemoryReader extends HandlerState {
    /** Settings a variant adds to the quiet reader's. */
    Map<String, String> variant() {
      return Map.of();
    }

    @Setup
    public void setUp() throws IOException {
      Map<String, String> env = env(endpoint());
      env.put("MEMORY_TTL_SECONDS", "86400");
      env.put("POWERTOOLS_METRICS_DISABLED", "true");
      env.putAll(variant());
      handler = new ReaderHandler(env);
      Configurator.setLevel("dev.warmcache", Level.WARN);
      invoke();
      requireSource("memory");
    }
  }

  /**
   * As {@link QuietMemoryReader} with the change feed off: what the coherence check costs a memory
   * hit.
   */
  @State(Scope.Benchmark)
  public static class QuietMemoryReaderWithoutCoherence extends QuietMemoryReader {
    @Override
    Map<String, String> variant() {
      return Map.of("COHERENCE_INTERVAL_MS", "0");
    }
  }

  /**
   * Memory tier on with the production telemetry: one JSON log line and one EMF document per call.
   */
  @State(Scope.Benchmark)
  public static class TelemetryMemoryReader extends HandlerState {
    private PrintStream realOut;

    @Setup
    public void setUp() throws IOException {
      // Log4j and EMF write to stdout; send it nowhere so the figure is the cost of
      // formatting, not of the terminal. Set before Log4j binds its console appender.
      realOut = System.out;
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      Map<String, String> env = env(endpoint());
      env.put("MEMORY_TTL_SECONDS", "86400");
      handler = new ReaderHandler(env);
      invoke();
      requireSource("memory");
    }

    @TearDown
    public void tearDown() {
      System.setOut(realOut);
    }
  }

  /** Memory tier off: every call is a GetItem through the reader. */
  @State(Scope.Benchmark)
  public static class DynamoDbReader extends HandlerState {
    @Setup
    public void setUp() throws IOException {
      Map<String, String> env = env(endpoint());
      env.put("MEMORY_TTL_SECONDS", "0");
      env.put("POWERTOOLS_METRICS_DISABLED", "true");
      handler = new ReaderHandler(env);
      Configurator.setLevel("dev.warmcache", Level.WARN);
      requireSource("dynamodb");
    }
  }

  /** The floor for the memory tier: a Caffeine lookup of the same item, nothing else. */
  @State(Scope.Benchmark)
  public static class BareCaffeine {
    Cache<ItemId, Object> cache;
    ItemId key;

    @Setup
    public void setUp() {
      Settings settings = Settings.from(env(endpoint()));
      try (DynamoDbClient client = AwsClients.dynamoDb(settings)) {
        key = ItemId.of(KEY);
        Object item =
            new ItemStore(client, settings.tableName())
                .get(key, ReadConsistency.EVENTUAL)
                .orElseThrow();
        cache = Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();
        cache.put(key, item);
      }
    }
  }

  /** The floor for the DynamoDB tier: the same GetItem with the same client configuration. */
  @State(Scope.Benchmark)
  public static class RawClient {
    DynamoDbClient client;
    Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key;

    @Setup
    public void setUp() {
      client = AwsClients.dynamoDb(Settings.from(env(endpoint())));
      key = ItemStore.key(ItemId.of(KEY));
      if (!get().hasItem()) {
        throw new IllegalStateException("benchmark key is missing");
      }
    }

    GetItemResponse get() {
      return client.getItem(b -> b.tableName("warmcache").key(key));
    }

    @TearDown
    public void tearDown() {
      client.close();
    }
  }

  @Benchmark
  public int memoryHitThroughHandler(QuietMemoryReader reader) throws IOException {
    return reader.invoke();
  }

  @Benchmark
  public int memoryHitThroughHandlerWithoutCoherence(QuietMemoryReaderWithoutCoherence reader)
      throws IOException {
    return reader.invoke();
  }

  @Benchmark
  public int memoryHitThroughHandlerWithTelemetry(TelemetryMemoryReader reader) throws IOException {
    return reader.invoke();
  }

  /**
   * The client library's memory hit, as a user's code calls it: {@code Warmcache.get} of a held key
   * with the change feed on ({@code COHERENCE_INTERVAL_MS=1000}) and early refresh on (the default
   * β), no listener. The target is 100 ns; the reader's handler call adds parsing the
   * request and writing the answer on top of this.
   */
  @State(Scope.Benchmark)
  public static class ClientMemory {
    dev.warmcache.client.Warmcache cache;

    @Setup
    public void setUp() {
      Map<String, String> env = env(endpoint());
      env.put("MEMORY_TTL_SECONDS", "86400");
      env.put("COHERENCE_INTERVAL_MS", "1000");
      cache = dev.warmcache.client.Warmcache.builder().settings(env).build();
      if (cache.get(KEY).source() != dev.warmcache.client.Source.DYNAMODB
          || cache.get(KEY).source() != dev.warmcache.client.Source.MEMORY) {
        throw new IllegalStateException("expected a DynamoDB read, then memory hits");
      }
    }
  }

  @Benchmark
  public Object memoryHitThroughClient(ClientMemory client) {
    return client.cache.get(KEY);
  }

  @Benchmark
  public Object caffeineGetIfPresent(BareCaffeine bare) {
    return bare.cache.getIfPresent(bare.key);
  }

  @Benchmark
  public int dynamoDbReadThroughHandler(DynamoDbReader reader) throws IOException {
    return reader.invoke();
  }

  @Benchmark
  public GetItemResponse rawGetItem(RawClient raw) {
    return raw.get();
  }
}
