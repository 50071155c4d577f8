package dev.warmcache.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.dynamodblocal.DynamoDbLocalServer;
import dev.warmcache.local.console.Console;
import dev.warmcache.local.console.HttpAnswers;
import dev.warmcache.local.console.PoolInstances;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.dynamodb.DynamoDbProxy;
import dev.warmcache.local.dynamodb.GlobalTableReplication;
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

  /** The default refresh home, the first region unless {@code --regions} names another. */
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

  /** The refresh home: the workflow, the Pipe and the origin access run here. */
  private final String home;

  private DynamoDbLocalServer dynamodb;
  private EdgeServer edge;
  private DemoOrigin origin;
  private LambdaPool lambda;
  private FunctionUrlService functionUrls;
  private final Map<String, ReaderRegion> readerRegions = new LinkedHashMap<>();
  private final java.util.Set<String> unreachable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private GlobalTableReplication replication;
  private StepFunctionsEngine stepFunctions;
  private StateMachine stateMachine;
  private EventBus bus;
  private StreamPipe pipe;
  private DeadLetterFile deadLetters;
  private String streamArn;

  private Twin(TwinOptions options) {
    this.options = options;
    this.home = options.regions().get(0);
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

    // A home replica that already holds data (a restart with --data-dir, or a home just moved
    // here) gets its Pipe as the CDK deploys one: reading from LATEST where it has no checkpoint.
    Path homeData = dynamoDbDirectory(home);
    boolean homeHadData = homeData != null && Files.isDirectory(homeData);
    dynamodb = track(DynamoDbLocalServer.start(homeData));
    AwsJsonClient ddbClient = new AwsJsonClient(dynamodb.endpoint());
    // One region's TTL deletes; the others receive the deletion replicated
    // (GlobalTableReplication).
    streamArn = TableBootstrap.ensure(ddbClient, TABLE, options.ttlRegion().equals(home));

    Router router = Router.starting();
    edge = track(EdgeServer.start(options.port(), router));
    String endpoint = edge.endpoint().toString();
    origin = new DemoOrigin();
    edge.mount(DemoOrigin.PATH, origin);

    lambda = track(new LambdaPool(home));
    lambda.register(
        function(
            READER,
            "dev.warmcache.reader.ReaderHandler::handleRequest",
            readerJar,
            endpoint,
            home));
    lambda.register(
        function(
            REFRESH,
            "dev.warmcache.refresh.RefreshHandler::handleRequest",
            refreshJar,
            endpoint,
            home));

    for (UserFunction user : options.functions()) {
      if (user.name().equals(READER) || user.name().equals(REFRESH)) {
        throw new IllegalArgumentException("--function " + user.name() + ": that name is taken");
      }
      lambda.register(userFunction(user, endpoint));
    }

    String stateMachineArn = StepFunctionsEngine.stateMachineArn(home, STATE_MACHINE);
    bus =
        track(
            EventBus.load(
                BUS,
                home,
                ACCOUNT,
                project.resolve("events"),
                stateMachineArn,
                (rule, event) -> stepFunctions.startExecution(stateMachineArn, null, event),
                deadLetters));
    ServiceIntegrations integrations =
        new ServiceIntegrations(
            lambda::invoke, DynamoDbApi.over(new AwsJsonClient(dynamodb.endpoint())), bus);
    stepFunctions = track(StepFunctionsEngine.start(sidecarDir, integrations, home));
    String asl =
        Files.readString(project.resolve("statemachine/refresh.asl.json"), StandardCharsets.UTF_8);
    stateMachine =
        stepFunctions.createStateMachine(
            STATE_MACHINE,
            asl,
            // The alias ARN, as the CDK stack substitutes it: callers never use $LATEST.
            aslSubstitutions(TABLE, BUS, LambdaPool.arn(home, REFRESH) + ":" + ALIAS),
            "arn:aws:iam::" + ACCOUNT + ":role/warmcache-refresh-workflow");

    LambdaService lambdaApi = new LambdaService(lambda, home, ACCOUNT, deadLetters);
    track(lambdaApi::close);
    functionUrls = new FunctionUrlService(lambda);
    router
        .register(functionUrls)
        .register(DynamoDbProxy.dynamoDb(dynamodb.endpoint(), home))
        .register(DynamoDbProxy.streams(dynamodb.endpoint(), home))
        .register(new EventBridgeService(bus, ACCOUNT))
        .register(new StepFunctionsService(stepFunctions))
        .register(lambdaApi);
    edge.mount("/_twin/status", new TwinStatus(this));
    edge.mount(FunctionAvailability.PATH, new FunctionAvailability(lambda));

    pipe =
        track(
            StreamPipe.start(
                new StreamPipe.Config(
                        PIPE,
                        ddbClient,
                        streamArn,
                        streamArn.replace(
                            "arn:aws:dynamodb:ddblocal:", "arn:aws:dynamodb:" + home + ":"),
                        home,
                        multiRegion()
                            ? List.of(
                                project.resolve("events/ttl-expiry.filter.json"),
                                project.resolve("events/ttl-expiry-replicated.filter.json"))
                            : List.of(project.resolve("events/ttl-expiry.filter.json")),
                        // Per home: after a move the Pipe reads another replica's stream, whose
                        // local
                        // ARN and shard ids may equal the old one's.
                        dataDir == null
                            ? null
                            : dataDir.resolve(
                                home.equals(REGION)
                                    ? "pipe-checkpoints.properties"
                                    : "pipe-checkpoints-" + home + ".properties"),
                        deadLetters)
                    .startingAt(
                        homeHadData
                            ? StreamPipe.StartingPosition.LATEST
                            : StreamPipe.StartingPosition.TRIM_HORIZON),
                batch -> stepFunctions.startExecution(stateMachineArn, null, batch)));

    if (multiRegion()) {
      startReaderRegions(readerJar, endpoint, router, ddbClient);
    }
    unreachable.addAll(options.failRegions());
    edge.mount(RegionControl.PATH, new RegionControl(this));
    Console.Builder console =
        Console.builder(edge.endpoint())
            .stateMachineArn(stateMachine.stateMachineArn())
            .tableName(TABLE)
            .eventBusName(BUS)
            .stepFunctions(stepFunctions)
            .instances(new PoolInstances(lambda))
            .origin(origin)
            .httpAnswers(this::readerHttpAnswer)
            .homeRegion(home);
    readerRegions.forEach(
        (name, region) -> console.region(name, new PoolInstances(region.lambda())));
    edge.mount("/console", console.build());
    router.open();

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
    Map<String, String> env = baseEnvironment(user.name(), endpoint, home);
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
  private static Map<String, String> baseEnvironment(String name, String endpoint, String region) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", region);
    env.put("AWS_DEFAULT_REGION", region);
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

  private FunctionConfig function(
      String name, String handler, Path jar, String endpoint, String region) {
    Map<String, String> env = baseEnvironment(name, endpoint, region);
    if (!region.equals(home)) {
      // A reader outside the home writes its claims and idle resets to the home's replica.
      env.put(Settings.HOME_REGION, home);
    }
    env.put("ORIGIN_URL_TEMPLATE", DemoOrigin.urlTemplate(endpoint));
    env.put("POWERTOOLS_METRICS_NAMESPACE", "warmcache");
    if (name.equals(REFRESH)) {
      // The alias ARN, as the CDK wires it: primes reach the published version.
      env.put("READER_FUNCTION_NAME", LambdaPool.arn(home, READER) + ":" + ALIAS);
      if (multiRegion()) {
        // The lease task tells a replicated expiry from a delete, as the CDK configures it.
        env.put(Settings.GLOBAL_TABLE_REGIONS, String.join(",", options.regions()));
      }
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

  private boolean multiRegion() {
    return options.regions().size() > 1;
  }

  /**
   * Every region but the home, as the CDK's reader stacks: a replica of the table (TTL on only in
   * {@code --ttl-region}), readers signing for their own region, a bus forwarding refresh triggers
   * home; then replication among all replicas and the edge's routing by credential scope.
   */
  private void startReaderRegions(
      Path readerJar, String endpoint, Router homeRouter, AwsJsonClient homeClient)
      throws Exception {
    Map<String, Router> routers = new LinkedHashMap<>();
    List<GlobalTableReplication.Replica> replicas = new java.util.ArrayList<>();
    replicas.add(new GlobalTableReplication.Replica(home, homeClient, streamArn));
    String homeBusArn = bus.arn();
    for (String region : options.regions().subList(1, options.regions().size())) {
      DynamoDbLocalServer db = track(DynamoDbLocalServer.start(dynamoDbDirectory(region)));
      AwsJsonClient client = new AwsJsonClient(db.endpoint());
      String regionStream =
          TableBootstrap.ensure(client, TABLE, options.ttlRegion().equals(region));
      LambdaPool pool = track(new LambdaPool(region));
      pool.register(
          function(
              READER,
              "dev.warmcache.reader.ReaderHandler::handleRequest",
              readerJar,
              endpoint,
              region));
      EventBus regionBus =
          track(
              EventBus.load(
                  BUS,
                  region,
                  ACCOUNT,
                  options.projectDir().resolve("events"),
                  homeBusArn,
                  (rule, event) -> forwardHome(region, event),
                  deadLetters));
      LambdaService api = new LambdaService(pool, region, ACCOUNT, deadLetters);
      track(api::close);
      Router router =
          Router.starting()
              .register(DynamoDbProxy.dynamoDb(db.endpoint(), region))
              .register(DynamoDbProxy.streams(db.endpoint(), region))
              .register(new EventBridgeService(regionBus, ACCOUNT))
              .register(api)
              .open();
      routers.put(region, router);
      readerRegions.put(region, new ReaderRegion(region, db, client, pool));
      replicas.add(new GlobalTableReplication.Replica(region, client, regionStream));
    }
    replication =
        track(
            GlobalTableReplication.start(
                TABLE,
                replicas,
                options.replicationDelay(),
                unreachable::contains,
                deadLetters,
                options.dataDir()));
    homeRouter.serveRegions(home, routers, unreachable::contains);
  }

  /**
   * Where a region's replica persists, named by the region alone, so that a restart with the
   * regions reordered (a move of the home) opens every replica where it was. {@code us-east-1}
   * keeps the directory of the single-region twin.
   */
  private Path dynamoDbDirectory(String region) {
    Path dataDir = options.dataDir();
    if (dataDir == null) {
      return null;
    }
    return dataDir.resolve(region.equals(REGION) ? "dynamodb" : "dynamodb-" + region);
  }

  /**
   * A rule of another region's bus delivering to the home's bus, as a cross-region event-bus target
   * does; while the home is unreachable it fails, so the bus retries and then dead-letters.
   */
  private void forwardHome(String from, String event) throws IOException {
    if (unreachable.contains(home)) {
      throw new IOException(
          "the home region " + home + " is unreachable from " + from + "; the event waits");
    }
    com.fasterxml.jackson.databind.JsonNode e = JSON.readTree(event);
    PutEntry.Result result =
        bus.put(
            new PutEntry(
                e.path("source").asText(),
                e.path("detail-type").asText(),
                e.path("detail").toString(),
                BUS,
                List.of(),
                null));
    if (result.errorCode() != null) {
      throw new IOException(result.errorCode() + ": " + result.errorMessage());
    }
  }

  /**
   * Moves TTL deletion to {@code region}: its replica's TTL is switched on and every other one's
   * off, so the next expired item is deleted there and reaches the others replicated (AWS does not
   * say which region deletes; this picks one).
   */
  public void deleteExpiredIn(String region) throws IOException, InterruptedException {
    if (!options.regions().contains(region)) {
      throw new IllegalArgumentException("The twin serves no region " + region);
    }
    TableBootstrap.ensure(new AwsJsonClient(dynamodb.endpoint()), TABLE, region.equals(home));
    for (ReaderRegion other : readerRegions.values()) {
      TableBootstrap.ensure(other.client(), TABLE, region.equals(other.name()));
    }
  }

  /**
   * Stops TTL deletion in every region until {@link #deleteExpiredIn} names one again: DynamoDB
   * Local deletes an expired item within seconds, AWS hours to days later, and a test of the read
   * path alone must not race that.
   */
  public void pauseTtl() throws IOException, InterruptedException {
    TableBootstrap.ensure(new AwsJsonClient(dynamodb.endpoint()), TABLE, false);
    for (ReaderRegion other : readerRegions.values()) {
      TableBootstrap.ensure(other.client(), TABLE, false);
    }
  }

  /** The refresh home, the first of {@link #regions()}. */
  public String homeRegion() {
    return home;
  }

  /** The regions served, the refresh home first. */
  public List<String> regions() {
    return options.regions();
  }

  /** A region other than the home; empty for the home or an unknown name. */
  public java.util.Optional<ReaderRegion> readerRegion(String region) {
    return java.util.Optional.ofNullable(readerRegions.get(region));
  }

  /** Makes a region unreachable (its requests answer 503, replication to it waits) or back. */
  public void setReachable(String region, boolean reachable) {
    if (!options.regions().contains(region)) {
      throw new IllegalArgumentException("The twin serves no region " + region);
    }
    if (reachable) {
      unreachable.remove(region);
    } else {
      unreachable.add(region);
    }
  }

  public boolean isReachable(String region) {
    return !unreachable.contains(region);
  }

  /** Replication's counters, or empty with one region. */
  public java.util.Optional<GlobalTableReplication.Stats> replicationStats() {
    return replication == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(replication.stats());
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
