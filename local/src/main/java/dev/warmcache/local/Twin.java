package dev.warmcache.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.console.Console;
import dev.warmcache.local.console.HttpAnswers;
import dev.warmcache.local.console.PoolInstances;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.dynamodb.DynamoDbProxy;
import dev.warmcache.local.dynamodb.TableBootstrap;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.eventbridge.api.EventBridgeService;
import dev.warmcache.local.eventbridge.bus.EventBus;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import dev.warmcache.local.lambda.api.FunctionAvailability;
import dev.warmcache.local.lambda.api.LambdaService;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.LambdaPool;
import dev.warmcache.local.lambda.url.FunctionUrlService;
import dev.warmcache.local.origin.DemoOrigin;
import dev.warmcache.local.pipes.StreamPipe;
import dev.warmcache.local.stepfunctions.api.StepFunctionsService;
import dev.warmcache.local.stepfunctions.engine.StateMachine;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import dev.warmcache.local.stepfunctions.tasks.DynamoDbApi;
import dev.warmcache.local.stepfunctions.tasks.ServiceIntegrations;
import dev.warmcache.settings.Setting;
import dev.warmcache.settings.Settings;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local twin: one process, one loopback port, running warmcache's own handlers, ASL file and
 * event patterns against DynamoDB Local, an EventBridge bus, a stream pipe, Step Functions (the
 * Node sidecar) and a demo origin. The real AWS CLI works against it with {@code --endpoint-url}.
 *
 * <pre>{@code
 * try (Twin twin = Twin.start(TwinOptions.builder().port(0).build())) {
 *   URI endpoint = twin.endpoint();
 * }
 * }</pre>
 *
 * <p>Components are exposed for the console and tests; the twin owns them and closes them, in
 * reverse start order, on {@link #close()} (and on Ctrl-C when started by {@link #main}).
 */
public final class Twin implements AutoCloseable {

  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "000000000000";
  public static final String TABLE = "warmcache";
  public static final String BUS = "warmcache";
  public static final String STATE_MACHINE = "warmcache-refresh";
  public static final String READER = "warmcache-reader";
  public static final String REFRESH = "warmcache-refresh";
  public static final String PIPE = "warmcache-ttl-expiry";

  /**
   * The alias the CDK stack publishes and every caller uses; the twin resolves it to its one
   * version.
   */
  public static final String ALIAS = "live";

  public static final List<String> SEED_IDS = List.of("1", "2", "3");

  private static final Logger LOG = Logger.getLogger(Twin.class.getName());

  /**
   * DynamoDB Local's embedded AWS SDK v1 warns once that JAXB is missing, which is harmless and
   * alarming; held here because java.util.logging keeps loggers only weakly.
   */
  private static final Logger SDK_V1_LOG = Logger.getLogger("com.amazonaws");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final TwinOptions options;
  private DynamoDbLocalServer dynamodb;
  private EdgeServer edge;
  private DemoOrigin origin;
  private LambdaPool lambda;
  private FunctionUrlService functionUrls;
  private StepFunctionsEngine stepFunctions;
  private StateMachine stateMachine;
  private EventBus bus;
  private StreamPipe pipe;
  private DeadLetterFile deadLetters;
  private String streamArn;

  private Twin(TwinOptions options) {
    this.options = options;
  }

  /**
   * The values the twin gives the ASL's placeholders, by the names the CDK stack substitutes
   * ({@code WorkflowIntegrations.PLACEHOLDERS}); {@code AslSubstitutionsTest} holds these names
   * equal to those the file uses.
   */
  public static Map<String, String> aslSubstitutions(
      String tableName, String eventBusName, String refreshFunctionArn) {
    return Map.of(
        "TableName",
        tableName,
        "EventBusName",
        eventBusName,
        "RefreshFunctionArn",
        refreshFunctionArn);
  }

  /** Starts every component; on failure, stops what already started and rethrows. */
  public static Twin start(TwinOptions options) throws Exception {
    Twin twin = new Twin(options);
    try {
      twin.startComponents();
      return twin;
    } catch (Exception | Error e) {
      twin.close();
      throw e;
    }
  }

  private void startComponents() throws Exception {
    Path project = options.projectDir();
    Path readerJar = project.resolve("functions/reader/target/warmcache-reader.jar");
    Path refreshJar = project.resolve("functions/refresh/target/warmcache-refresh.jar");
    for (Path jar : List.of(readerJar, refreshJar)) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "Missing "
                + jar
                + ": build the functions first (./twin does, or "
                + "mvn -B -pl local -am package -DskipTests)");
      }
    }
    Path sidecarDir = project.resolve("local/sidecar");
    if (!Files.isDirectory(sidecarDir.resolve("node_modules"))) {
      throw new IllegalStateException(
          "The Step Functions sidecar has no node_modules in "
              + sidecarDir
              + ": build the twin first (./twin does, or mvn -B -pl local -am package -DskipTests)");
    }
    Path dataDir = options.dataDir();
    deadLetters =
        new DeadLetterFile(
            dataDir != null
                ? dataDir.resolve("dead-letters.jsonl")
                : Files.createTempDirectory("warmcache-twin").resolve("dead-letters.jsonl"));

    dynamodb =
        track(DynamoDbLocalServer.start(dataDir == null ? null : dataDir.resolve("dynamodb")));
    AwsJsonClient ddbClient = new AwsJsonClient(dynamodb.endpoint());
    streamArn = TableBootstrap.ensure(ddbClient, TABLE);

    Router router = Router.starting();
    edge = track(EdgeServer.start(options.port(), router));
    String endpoint = edge.endpoint().toString();
    origin = new DemoOrigin();
    edge.mount(DemoOrigin.PATH, origin);

    lambda = track(new LambdaPool());
    lambda.register(
        function(READER, "dev.warmcache.reader.ReaderHandler::handleRequest", readerJar, endpoint));
    lambda.register(
        function(
            REFRESH, "dev.warmcache.refresh.RefreshHandler::handleRequest", refreshJar, endpoint));

    for (UserFunction user : options.functions()) {
      if (user.name().equals(READER) || user.name().equals(REFRESH)) {
        throw new IllegalArgumentException("--function " + user.name() + ": that name is taken");
      }
      lambda.register(userFunction(user, endpoint));
    }

    String stateMachineArn = StepFunctionsEngine.stateMachineArn(STATE_MACHINE);
    bus =
        track(
            EventBus.load(
                BUS,
                REGION,
                ACCOUNT,
                project.resolve("events"),
                stateMachineArn,
                (rule, event) -> stepFunctions.startExecution(stateMachineArn, null, event),
                deadLetters));
    ServiceIntegrations integrations =
        new ServiceIntegrations(
            lambda::invoke, DynamoDbApi.over(new AwsJsonClient(dynamodb.endpoint())), bus);
    stepFunctions = track(StepFunctionsEngine.start(sidecarDir, integrations));
    String asl =
        Files.readString(project.resolve("statemachine/refresh.asl.json"), StandardCharsets.UTF_8);
    stateMachine =
        stepFunctions.createStateMachine(
            STATE_MACHINE,
            asl,
            // The alias ARN, as the CDK stack substitutes it: callers never use $LATEST.
            aslSubstitutions(TABLE, BUS, LambdaPool.arn(REFRESH) + ":" + ALIAS),
            "arn:aws:iam::" + ACCOUNT + ":role/warmcache-refresh-workflow");

    LambdaService lambdaApi = new LambdaService(lambda, REGION, ACCOUNT, deadLetters);
    track(lambdaApi::close);
    functionUrls = new FunctionUrlService(lambda);
    router
        .register(functionUrls)
        .register(DynamoDbProxy.dynamoDb(dynamodb.endpoint(), REGION))
        .register(DynamoDbProxy.streams(dynamodb.endpoint(), REGION))
        .register(new EventBridgeService(bus, ACCOUNT))
        .register(new StepFunctionsService(stepFunctions))
        .register(lambdaApi)
        .open();
    edge.mount("/_twin/status", new TwinStatus(this));
    edge.mount(FunctionAvailability.PATH, new FunctionAvailability(lambda));
    edge.mount(
        "/console",
        Console.builder(edge.endpoint())
            .stateMachineArn(stateMachine.stateMachineArn())
            .tableName(TABLE)
            .eventBusName(BUS)
            .stepFunctions(stepFunctions)
            .instances(new PoolInstances(lambda))
            .origin(origin)
            .httpAnswers(this::readerHttpAnswer)
            .build());

    pipe =
        track(
            StreamPipe.start(
                new StreamPipe.Config(
                    PIPE,
                    ddbClient,
                    streamArn,
                    streamArn.replace(
                        "arn:aws:dynamodb:ddblocal:", "arn:aws:dynamodb:" + REGION + ":"),
                    REGION,
                    project.resolve("events/ttl-expiry.filter.json"),
                    dataDir == null ? null : dataDir.resolve("pipe-checkpoints.properties"),
                    deadLetters),
                batch -> stepFunctions.startExecution(stateMachineArn, null, batch)));

    if (options.seed()) {
      for (String id : SEED_IDS) {
        bus.put(
            new PutEntry(
                "warmcache.admin",
                "ForceRefresh",
                JSON.createObjectNode().put("id", id).toString(),
                BUS,
                List.of(),
                null));
      }
    }
  }

  /**
   * A function of the user's own, with the environment the construct's {@code bind} gives it: the
   * table, the bus and the reader's settings, never the origin. Its instances share no classes: the
   * twin cannot know which of the user's classes hold state, so each instance loads the whole jar,
   * as a separate execution environment would.
   */
  private FunctionConfig userFunction(UserFunction user, String endpoint) {
    Map<String, String> env = baseEnvironment(user.name(), endpoint);
    for (Setting setting : Setting.readBy(Setting.Target.READER)) {
      String value = options.settings().get(setting.name());
      if (value != null) {
        env.put(setting.name(), value);
      }
    }
    return FunctionConfig.builder(user.name())
        .handler(user.poolHandler())
        .classpath(List.of(user.jar().toAbsolutePath()))
        .environment(env)
        .timeout(Settings.from(env).readerFunctionTimeout())
        .sharedLibraries(false)
        .build();
  }

  /**
   * What every function the twin hosts sees, as the Lambda runtime and the CDK give it on AWS: the
   * region, the twin's endpoint for every SDK client, its name, the table and the bus.
   */
  private static Map<String, String> baseEnvironment(String name, String endpoint) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", REGION);
    env.put("AWS_DEFAULT_REGION", REGION);
    env.put("AWS_ENDPOINT_URL", endpoint);
    // Dummy credentials: the twin accepts any signature, and the default chain must not go looking.
    env.put("AWS_ACCESS_KEY_ID", "twin");
    env.put("AWS_SECRET_ACCESS_KEY", "twin");
    env.put("AWS_LAMBDA_FUNCTION_NAME", name);
    env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
    env.put("TABLE_NAME", TABLE);
    env.put("EVENT_BUS_NAME", BUS);
    env.put("POWERTOOLS_SERVICE_NAME", name);
    return env;
  }

  private FunctionConfig function(String name, String handler, Path jar, String endpoint) {
    Map<String, String> env = baseEnvironment(name, endpoint);
    env.put("ORIGIN_URL_TEMPLATE", DemoOrigin.urlTemplate(endpoint));
    env.put("POWERTOOLS_METRICS_NAMESPACE", "warmcache");
    if (name.equals(REFRESH)) {
      // The alias ARN, as the CDK wires it: primes reach the published version.
      env.put("READER_FUNCTION_NAME", LambdaPool.arn(READER) + ":" + ALIAS);
    }
    env.putAll(options.settings());
    // The timeouts the CDK gives the functions, derived from the same settings.
    Settings settings = Settings.from(env);
    Duration timeout =
        name.equals(READER) ? settings.readerFunctionTimeout() : settings.refreshFunctionTimeout();
    return FunctionConfig.builder(name)
        .handler(handler)
        .classpath(List.of(jar))
        .environment(env)
        .timeout(timeout)
        .sharedLibraries(options.sharedLibraries())
        .build();
  }

  /** A {@code GET /items/{id}} through the reader's function URL, as the console shows it. */
  private HttpAnswers.Answer readerHttpAnswer(String id) {
    URI url = functionUrl(READER);
    EdgeResponse response =
        functionUrls.handle(
            READER,
            new EdgeRequest(
                "GET",
                "/items/" + id,
                "",
                Map.of("Host", List.of(url.getHost() + ":" + url.getPort())),
                new byte[0]));
    return new HttpAnswers.Answer(url.toString(), response.status(), response.headers());
  }

  /**
   * The function URL of one of the twin's functions, e.g. {@code
   * http://warmcache-reader.lambda-url.localhost:4566}.
   */
  public URI functionUrl(String function) {
    return FunctionUrlService.url(function, edge.endpoint());
  }

  private <T extends AutoCloseable> T track(T component) {
    started.push(component);
    return component;
  }

  public URI endpoint() {
    return edge.endpoint();
  }

  public EdgeServer edge() {
    return edge;
  }

  public DemoOrigin origin() {
    return origin;
  }

  public LambdaPool lambda() {
    return lambda;
  }

  public StepFunctionsEngine stepFunctions() {
    return stepFunctions;
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public EventBus bus() {
    return bus;
  }

  public StreamPipe pipe() {
    return pipe;
  }

  public DeadLetterFile deadLetters() {
    return deadLetters;
  }

  /** DynamoDB Local's own loopback endpoint (the edge port proxies to it). */
  public URI dynamoDbEndpoint() {
    return dynamodb.endpoint();
  }

  public TwinOptions options() {
    return options;
  }

  /** Stops every component, newest first; never throws. */
  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable component = started.pop();
      try {
        component.close();
      } catch (Exception e) {
        LOG.log(
            Level.WARNING,
            "stopping " + component.getClass().getSimpleName() + " failed: " + e.getMessage());
      }
    }
  }

  /** {@code ./twin}: starts, prints the banner, runs until Ctrl-C. */
  public static void main(String[] args) {
    SDK_V1_LOG.setLevel(Level.SEVERE);
    TwinOptions options;
    try {
      options = TwinOptions.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Twin twin;
    try {
      twin = start(options);
    } catch (IOException e) {
      System.err.println(
          "The twin could not start: "
              + e.getMessage()
              + (e instanceof java.net.BindException
                  ? " (is port " + options.port() + " in use? try --port)"
                  : ""));
      System.exit(1);
      return;
    } catch (Exception e) {
      System.err.println("The twin could not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("\nStopping the twin...");
                  twin.close();
                  System.out.println("Stopped.");
                },
                "twin-shutdown"));
    long now = System.currentTimeMillis();
    Duration sinceJvm =
        Duration.ofMillis(now - ManagementFactory.getRuntimeMXBean().getStartTime());
    Duration sinceLaunch = null;
    String launched = System.getenv("TWIN_LAUNCHED_AT_MS");
    if (launched != null && launched.matches("\\d{1,15}")) {
      sinceLaunch = Duration.ofMillis(now - Long.parseLong(launched));
    }
    System.out.println(Banner.text(twin, sinceJvm, sinceLaunch));
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
