package dev.warmcache.bench;

import dev.warmcache.aws.AwsClients;
import dev.warmcache.client.CachedValue;
import dev.warmcache.client.Warmcache;
import dev.warmcache.reader.ReaderHandler;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * What a new execution environment pays, measured once per fresh JVM (single shot): building the
 * handler (Lambda's init phase), and the first read after init with and without the CRaC warm-up
 * that SnapStart runs before its snapshot. The first read misses memory and reads DynamoDB, so it
 * is compared with {@code dynamoDbReadThroughHandler}, the same read when warm.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ColdStartBenchmarks {

  private static final byte[] REQUEST =
      ("{\"id\":\"" + ReaderBenchmarks.KEY + "\"}").getBytes(StandardCharsets.UTF_8);

  static Map<String, String> env() {
    Map<String, String> env =
        ReaderBenchmarks.env(System.getProperty(ReaderBenchmarks.ENDPOINT_PROPERTY));
    env.put("POWERTOOLS_METRICS_DISABLED", "true");
    return env;
  }

  @State(Scope.Benchmark)
  public static class Built {
    ReaderHandler handler;

    @Setup
    public void setUp() {
      handler = new ReaderHandler(env());
      Configurator.setLevel("dev.warmcache", Level.WARN);
    }
  }

  @State(Scope.Benchmark)
  public static class BuiltAndWarmed {
    ReaderHandler handler;

    @Setup
    public void setUp() {
      handler = new ReaderHandler(env());
      Configurator.setLevel("dev.warmcache", Level.WARN);
      handler.beforeCheckpoint(null);
    }
  }

  @Benchmark
  public ReaderHandler initHandler() {
    return new ReaderHandler(env());
  }

  @Benchmark
  public int firstReadAfterInit(Built built) throws IOException {
    return read(built.handler);
  }

  @Benchmark
  public int firstReadAfterWarmUp(BuiltAndWarmed warmed) throws IOException {
    return read(warmed.handler);
  }

  /**
   * What embedding costs a function (P3), the baseline: a handler's init plus first read when it
   * does the one {@code GetItem} itself, with the same SDK client settings.
   */
  @Benchmark
  public Object embeddingBareGetItem() {
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(Settings.from(env()));
    GetItemResponse item =
        dynamoDb.getItem(
            b ->
                b.tableName("warmcache")
                    .key(Map.of("id", AttributeValue.fromS(ReaderBenchmarks.KEY))));
    if (!item.hasItem()) {
      throw new IllegalStateException("the key is not seeded");
    }
    return item;
  }

  /** The same init plus first read through the client library: memory, then DynamoDB. */
  @Benchmark
  public Object embeddingClient() {
    Warmcache cache = Warmcache.builder().settings(env()).build();
    CachedValue value = cache.get(ReaderBenchmarks.KEY);
    if (value.version() < 1) {
      throw new IllegalStateException("not a value: " + value);
    }
    return value;
  }

  private static int read(ReaderHandler handler) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(REQUEST), out, null);
    if (!out.toString(StandardCharsets.UTF_8).contains("\"version\"")) {
      throw new IllegalStateException("not a value answer: " + out);
    }
    return out.size();
  }
}
