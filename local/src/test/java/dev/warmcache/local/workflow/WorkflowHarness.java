package dev.warmcache.local.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.local.Twin;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.lambda.api.LambdaService;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.LambdaPool;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.HistoryEvent;
import dev.warmcache.local.stepfunctions.engine.StateMachine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.tasks.DynamoDbApi;
import dev.warmcache.local.stepfunctions.tasks.ServiceIntegrations;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Everything the workflow runs on, real: DynamoDB Local, a scripted loopback origin, the Lambda
 * pool hosting the reader and refresh handlers from their shaded jars, the Node sidecar running
 * statemachine/refresh.asl.json with the twin's substitutions, and a capturing event bus.
 */
final class WorkflowHarness implements AutoCloseable {

  static final String READER = "warmcache-reader";
  static final String REFRESH = "warmcache-refresh";
  static final int PRIME_FANOUT = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One invocation the pool served. */
  record Invocation(String function, String request, String instanceId, boolean failed) {}

  final DynamoDbLocalFixture dynamodb;
  final ScriptedOrigin origin;
  final CapturingEventBus bus = new CapturingEventBus();
  final LambdaPool pool = new LambdaPool();
  final List<Invocation> invocations = new CopyOnWriteArrayList<>();
  final StepFunctionsEngine engine;
  final StateMachine stateMachine;
  final ItemStore store;

  /** The Lambda API over the pool, which the refresh function's prime task calls, as on AWS. */
  private final EdgeServer lambdaApi;

  WorkflowHarness() throws IOException {
    dynamodb = DynamoDbLocalFixture.startNow();
    origin = new ScriptedOrigin();
    store = new ItemStore(dynamodb.client(), DynamoDbLocalFixture.TABLE);
    pool.addListener(
        (function, request, result) ->
            invocations.add(
                new Invocation(
                    function,
                    new String(request, StandardCharsets.UTF_8),
                    result.instanceId(),
                    result.failed())));
    lambdaApi =
        EdgeServer.start(
            0,
            new Router()
                .register(
                    new LambdaService(
                        pool,
                        "us-east-1",
                        "000000000000",
                        new DeadLetterFile(
                            Files.createTempDirectory("warmcache-harness")
                                .resolve("dead-letters.jsonl")))));
    pool.register(
        FunctionConfig.builder(READER)
            .handler("dev.warmcache.reader.ReaderHandler::handleRequest")
            .classpath(functionClasspath("warmcache.reader.jar"))
            .environment(dynamodb.env())
            .build());
    configureRefresh(Map.of());
    engine =
        StepFunctionsEngine.start(
            Path.of(System.getProperty("warmcache.sidecar.dir", "sidecar")),
            new ServiceIntegrations(
                pool::invoke,
                DynamoDbApi.over(
                    new AwsJsonClient(
                        dynamodb.endpoint(), dynamodb.env().get("AWS_ACCESS_KEY_ID"), "us-east-1")),
                bus));
    String asl =
        Files.readString(
            Path.of(System.getProperty("warmcache.asl.file", "../statemachine/refresh.asl.json")));
    stateMachine =
        engine.createStateMachine(
            "warmcache-refresh",
            asl,
            Twin.aslSubstitutions(
                DynamoDbLocalFixture.TABLE,
                "warmcache",
                LambdaPool.arn(LambdaPool.DEFAULT_REGION, REFRESH)),
            "arn:aws:iam::000000000000:role/warmcache-refresh");
  }

  private Map<String, String> refreshEnv = Map.of();

  /**
   * (Re)registers the refresh function with the test defaults plus {@code overrides}; warm
   * instances stay if nothing changed.
   */
  void configureRefresh(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(dynamodb.env());
    env.put("ORIGIN_URL_TEMPLATE", origin.urlTemplate());
    env.put("PRIME_FANOUT", Integer.toString(PRIME_FANOUT));
    env.put("AWS_ENDPOINT_URL_LAMBDA", lambdaApi.endpoint().toString());
    env.put("READER_FUNCTION_NAME", LambdaPool.arn(LambdaPool.DEFAULT_REGION, READER));
    env.put("ORIGIN_READ_TIMEOUT_MS", "800");
    env.put("MAX_IDLE_REFRESHES", "2");
    env.putAll(overrides);
    if (env.equals(refreshEnv)) {
      return;
    }
    refreshEnv = Map.copyOf(env);
    pool.register(
        FunctionConfig.builder(REFRESH)
            .handler("dev.warmcache.refresh.RefreshHandler::handleRequest")
            .classpath(functionClasspath("warmcache.refresh.jar"))
            .environment(env)
            .build());
  }

  /**
   * The shaded jar the build made; without it (a build that stopped before package), the test
   * classpath.
   */
  private static List<Path> functionClasspath(String property) {
    String jar = System.getProperty(property);
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return List.of(Path.of(jar));
    }
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .toList();
  }

  /** Clean table, origin, bus and invocation log; the refresh function back to the defaults. */
  void reset() {
    dynamodb.clear();
    origin.reset(ScriptedOrigin.json("{\"default\":true}"));
    bus.clear();
    invocations.clear();
  }

  Execution start(String input) {
    return engine.startExecution(stateMachine.stateMachineArn(), null, input);
  }

  Execution run(String input) throws Exception {
    return engine.awaitExecution(start(input).executionArn(), Duration.ofSeconds(60));
  }

  Execution await(Execution e) throws Exception {
    return engine.awaitExecution(e.executionArn(), Duration.ofSeconds(60));
  }

  List<String> statesEntered(Execution e) {
    return engine.history(e.executionArn()).stream()
        .filter(h -> h.type().endsWith("StateEntered"))
        .map(h -> h.details().path("name").asText())
        .toList();
  }

  long count(Execution e, String eventType) {
    return engine.history(e.executionArn()).stream()
        .map(HistoryEvent::type)
        .filter(eventType::equals)
        .count();
  }

  List<Invocation> primes() {
    return invocations.stream()
        .filter(i -> i.function().equals(READER) && i.request().contains("\"prime\""))
        .toList();
  }

  /** Writes a lease on {@code id} as a refresh that is still running (or crashed) would hold it. */
  void holdLease(String id, String owner, long untilMillis) {
    dynamodb
        .client()
        .updateItem(
            b ->
                b.tableName("warmcache")
                    .key(Map.of("id", AttributeValue.fromS(id)))
                    .updateExpression("SET leaseOwner = :o, leaseUntil = :u")
                    .expressionAttributeValues(
                        Map.of(
                            ":o", AttributeValue.fromS(owner),
                            ":u", AttributeValue.fromN(Long.toString(untilMillis)))));
  }

  Map<String, AttributeValue> rawItem(String id) {
    return dynamodb
        .client()
        .getItem(
            b ->
                b.tableName(DynamoDbLocalFixture.TABLE)
                    .key(Map.of("id", AttributeValue.fromS(id)))
                    .consistentRead(true))
        .item();
  }

  void seed(Item item) {
    if (!store.put(item)) {
      throw new IllegalStateException("seed write lost: " + item.id());
    }
  }

  JsonNode invokeReader(String payload) throws IOException {
    return JSON.readTree(pool.invoke(READER, payload.getBytes(StandardCharsets.UTF_8)).payload());
  }

  /** A sample trigger from events/samples with its id replaced. */
  static String sample(String file, String id) throws IOException {
    Path samples =
        Path.of(System.getProperty("warmcache.asl.file", "../statemachine/refresh.asl.json"))
            .getParent()
            .resolveSibling("events")
            .resolve("samples");
    String text = Files.readString(samples.resolve(file));
    return text.replace("\"15\"", JSON.writeValueAsString(id));
  }

  static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  @Override
  public void close() {
    engine.close();
    lambdaApi.close();
    pool.close();
    origin.close();
    dynamodb.close();
  }
}
