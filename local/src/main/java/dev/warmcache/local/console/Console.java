package dev.warmcache.local.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.warmcache.local.edge.AwsJsonClient;
import dev.warmcache.local.edge.TwinError;
import dev.warmcache.local.origin.DemoOrigin;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The watch console: a web page and its JSON API, mounted by the twin's edge server under {@code
 * /console}. Items are read and changed, and ForceRefresh events sent, through the twin's own AWS
 * endpoint, so "Force refresh" is the same {@code PutEvents} a user sends with the AWS CLI.
 * Executions, their histories and the running definition come from the Step Functions engine, the
 * readers from the Lambda pool, and the knobs from the demo origin: AWS has no API for the last
 * two.
 *
 * <pre>{@code
 * Console console = Console.builder(edge.endpoint())
 *     .stepFunctions(engine)
 *     .instances(new PoolInstances(pool))
 *     .origin(demoOrigin)
 *     .build();
 * edge.mount("/console", console);
 * }</pre>
 */
public final class Console implements HttpHandler {

  private static final Logger LOG = Logger.getLogger(Console.class.getName());
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int MAX_EXECUTIONS = 100;
  private static final int MAX_ITEMS = 200;
  private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(html|css|js|svg)");
  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "css",
          "text/css; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "svg",
          "image/svg+xml");

  private final ObjectMapper json = new ObjectMapper();
  private final AwsJsonClient aws;
  private final Executions executions;
  private final Items items;
  private final String eventBusName;
  private final LambdaInstances instances;
  private final DemoOrigin origin;
  private final HttpAnswers httpAnswers;
  private final Clock clock;
  private final String homeRegion;
  private final Map<String, Region> regions = new java.util.LinkedHashMap<>();

  /** Another region's replica and readers, read through the edge with that region's scope. */
  private record Region(Items items, LambdaInstances instances) {}

  private Console(Builder b) {
    // Signed for the home, so the page's reads, ForceRefresh and Expire go where the refresh runs.
    this.aws = new AwsJsonClient(b.endpoint, "twin", b.homeRegion);
    this.executions =
        new Executions(Objects.requireNonNull(b.engine, "stepFunctions"), json, b.stateMachineArn);
    this.items = new Items(aws, json, b.tableName, b.clock);
    this.eventBusName = b.eventBusName;
    this.instances = b.instances;
    this.origin = b.origin;
    this.clock = b.clock;
    this.httpAnswers = b.httpAnswers;
    this.homeRegion = b.homeRegion;
    b.regions.forEach(
        (name, view) ->
            regions.put(
                name,
                new Region(
                    new Items(
                        new AwsJsonClient(b.endpoint, "twin", name), json, b.tableName, b.clock),
                    view)));
  }

  /**
   * A console for the twin answering AWS calls at {@code endpoint}, with the contract's resource
   * names.
   */
  public static Builder builder(URI endpoint) {
    return new Builder(endpoint);
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String base = exchange.getHttpContext().getPath().replaceAll("/+$", "");
      String path = exchange.getRequestURI().getRawPath();
      String rest = path.substring(Math.min(base.length(), path.length()));
      Response response;
      try {
        if (rest.isEmpty()) {
          // Relative asset URLs need the trailing slash.
          response = Response.redirect(base + "/");
        } else if (rest.startsWith("/api/")) {
          response = api(exchange, rest.substring("/api/".length()));
        } else if (rest.startsWith("/")) {
          response = asset(rest.equals("/") ? "index.html" : rest.substring(1));
        } else {
          throw new ConsoleException(404, "NotFound", "Nothing at " + path);
        }
      } catch (ConsoleException e) {
        response = error(e);
      } catch (RuntimeException e) {
        LOG.log(
            Level.SEVERE, "console request failed: " + exchange.getRequestMethod() + " " + path, e);
        response =
            error(
                new ConsoleException(
                    500,
                    "InternalError",
                    "The console failed to answer " + path + "; the twin's log has the details"));
      }
      write(exchange, response);
    }
  }

  private Response api(HttpExchange exchange, String endpoint) throws IOException {
    String method = exchange.getRequestMethod();
    switch (endpoint) {
      case "snapshot":
        requireMethod(method, "GET");
        return ok(snapshot());
      case "executions":
        requireMethod(method, "GET");
        return ok(executions.list(MAX_EXECUTIONS));
      case "execution":
        {
          requireMethod(method, "GET");
          String arn = query(exchange, "arn");
          if (arn == null
              || !arn.startsWith(
                  executions.stateMachineArn().replace(":stateMachine:", ":execution:") + ":")) {
            throw ConsoleException.badRequest(
                "InvalidArn",
                "Pass ?arn= with an execution ARN of " + executions.stateMachineArn());
          }
          return ok(executions.detail(arn));
        }
      case "definition":
        requireMethod(method, "GET");
        return ok(executions.definition());
      case "items":
        {
          requireMethod(method, "GET");
          Region region = region(query(exchange, "region"));
          return ok(region == null ? items.list(MAX_ITEMS) : region.items().list(MAX_ITEMS));
        }
      case "readers":
        {
          requireMethod(method, "GET");
          Region region = region(query(exchange, "region"));
          return ok(region == null ? readers() : readers(region.instances()));
        }
      case "http":
        requireMethod(method, "GET");
        {
          String id = query(exchange, "id");
          if (id == null) {
            throw ConsoleException.badRequest("MissingId", "Pass ?id= with an item id");
          }
          return ok(httpAnswer(Items.validId(json.getNodeFactory().textNode(id))));
        }
      case "force-refresh":
        requireMethod(method, "POST");
        return ok(forceRefresh(Items.validId(body(exchange).get("id"))));
      case "expire":
        requireMethod(method, "POST");
        return ok(items.expire(Items.validId(body(exchange).get("id"))));
      case "origin":
        if ("GET".equals(method)) {
          return ok(knobs(demoOrigin().control()));
        }
        requireMethod(method, "POST");
        return ok(knobs(setOrigin(body(exchange))));
      default:
        throw new ConsoleException(404, "NotFound", "The console API has no endpoint " + endpoint);
    }
  }

  /**
   * Everything the page polls each second, in one answer; a failing part is reported, not fatal.
   */
  private ObjectNode snapshot() {
    ObjectNode out = json.createObjectNode();
    out.put("now", clock.millis());
    ObjectNode errors = json.createObjectNode();
    out.set("executions", section(errors, "executions", () -> executions.list(MAX_EXECUTIONS)));
    out.set("items", section(errors, "items", () -> items.list(MAX_ITEMS)));
    // The page tells a complete listing from a cut one by this: fewer rows than the limit is all of
    // them.
    out.put("itemsLimit", MAX_ITEMS);
    out.set("readers", section(errors, "readers", this::readers));
    out.set("origin", origin == null ? null : knobs(origin.control()));
    out.set("errors", errors);
    out.put("homeRegion", homeRegion);
    ArrayNode others = out.putArray("regions");
    regions.forEach(
        (name, region) -> {
          ObjectNode view = others.addObject().put("name", name);
          ObjectNode regionErrors = json.createObjectNode();
          view.set("items", section(regionErrors, "items", () -> region.items().list(MAX_ITEMS)));
          view.set("readers", section(regionErrors, "readers", () -> readers(region.instances())));
          view.set("errors", regionErrors);
        });
    return out;
  }

  /** {@code null} (or the home's name) is the home; any other name must be one of the twin's. */
  private Region region(String name) {
    if (name == null || name.equals(homeRegion)) {
      return null;
    }
    Region region = regions.get(name);
    if (region == null) {
      throw ConsoleException.badRequest(
          "UnknownRegion",
          "This twin runs "
              + homeRegion
              + (regions.isEmpty() ? "" : " and " + regions.keySet())
              + ", not "
              // Echo no more of a stranger's text than a region name can be.
              + (name.length() > 32 ? name.substring(0, 32) + "..." : name));
    }
    return region;
  }

  private JsonNode section(ObjectNode errors, String name, Supplier<JsonNode> part) {
    try {
      return part.get();
    } catch (ConsoleException e) {
      errors.put(name, e.code() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "console snapshot: " + name + " failed", e);
      errors.put(name, "InternalError: see the twin's log");
    }
    return name.equals("readers")
        ? json.createObjectNode().set("functions", json.createArrayNode())
        : json.createArrayNode();
  }

  private ObjectNode readers() {
    return readers(instances);
  }

  private ObjectNode readers(LambdaInstances instances) {
    ObjectNode out = json.createObjectNode();
    ArrayNode functions = out.putArray("functions");
    if (instances != null) {
      instances.functions().forEach(f -> functions.add(json.valueToTree(f)));
    }
    return out;
  }

  /** The reader's HTTP answer for one id: what browsers and CloudFront are told. */
  private ObjectNode httpAnswer(String id) {
    if (httpAnswers == null) {
      throw new ConsoleException(404, "NoFunctionUrl", "This twin serves no function URL");
    }
    HttpAnswers.Answer answer = httpAnswers.get(id);
    ObjectNode out = json.createObjectNode();
    out.put("id", id);
    out.put("url", answer.url());
    out.put("status", answer.status());
    ObjectNode headers = out.putObject("headers");
    answer.headers().forEach(headers::put);
    return out;
  }

  /**
   * The ForceRefresh an operator sends with {@code aws events put-events}, through the twin's
   * EventBridge.
   */
  private ObjectNode forceRefresh(String id) {
    ObjectNode request = json.createObjectNode();
    request
        .putArray("Entries")
        .addObject()
        .put("Source", "warmcache.admin")
        .put("DetailType", "ForceRefresh")
        .put("Detail", json.createObjectNode().put("id", id).toString())
        .put("EventBusName", eventBusName);
    JsonNode answer =
        ConsoleException.answerOf("PutEvents", () -> aws.events("PutEvents", request));
    JsonNode entry = answer.path("Entries").path(0);
    if (answer.path("FailedEntryCount").asInt(0) > 0 || entry.has("ErrorCode")) {
      throw new ConsoleException(
          502,
          entry.path("ErrorCode").asText("PutEventsFailed"),
          "PutEvents rejected the ForceRefresh: "
              + entry.path("ErrorMessage").asText("no reason given"));
    }
    return json.createObjectNode().put("id", id).put("eventId", entry.path("EventId").asText(null));
  }

  /** Changes only the knobs the body names, as the origin's own control endpoint does. */
  private DemoOrigin.Control setOrigin(JsonNode body) {
    DemoOrigin origin = demoOrigin();
    JsonNode latency = body.path("latencyMs");
    JsonNode failure = body.path("failureRate");
    JsonNode change = body.path("changeEveryFetch");
    if (!latency.isMissingNode() && !latency.isIntegralNumber()
        || !failure.isMissingNode() && !failure.isNumber()
        || !change.isMissingNode() && !change.isBoolean()) {
      throw ConsoleException.badRequest(
          "InvalidOriginSettings",
          "latencyMs must be an integer (ms), failureRate a number from 0 to 1, changeEveryFetch a boolean");
    }
    // One writer at a time, so two knobs changed together from two tabs both stick.
    synchronized (origin) {
      DemoOrigin.Control now = origin.control();
      try {
        DemoOrigin.Control next =
            new DemoOrigin.Control(
                latency.isMissingNode() ? now.latencyMs() : latency.asLong(),
                failure.isMissingNode() ? now.failureRate() : failure.asDouble(),
                change.isMissingNode() ? now.changeEveryFetch() : change.asBoolean(),
                now.statusById());
        origin.control(next);
        return next;
      } catch (IllegalArgumentException e) {
        throw ConsoleException.badRequest("InvalidOriginSettings", e.getMessage());
      }
    }
  }

  private ObjectNode knobs(DemoOrigin.Control control) {
    return json.createObjectNode()
        .put("latencyMs", control.latencyMs())
        .put("failureRate", control.failureRate())
        .put("changeEveryFetch", control.changeEveryFetch());
  }

  private DemoOrigin demoOrigin() {
    if (origin == null) {
      throw new ConsoleException(
          404, "NoDemoOrigin", "This twin runs without the demo origin, so it has no knobs");
    }
    return origin;
  }

  private static void requireMethod(String method, String expected) {
    if (!expected.equals(method)) {
      throw new ConsoleException(405, "MethodNotAllowed", "Use " + expected + ", not " + method);
    }
  }

  /**
   * A POST body as a JSON object. The edge has already refused foreign hosts and origins and any
   * body that is not {@code application/json} (dev.warmcache.local.edge.EdgeGuard), so no other web
   * page can drive the twin through the user's browser.
   */
  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (bytes.length > MAX_BODY_BYTES) {
      throw new ConsoleException(
          413, "RequestTooLarge", "The body exceeds " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = json.readTree(bytes);
    } catch (IOException e) {
      throw ConsoleException.badRequest("InvalidJson", "The body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw ConsoleException.badRequest("InvalidJson", "The body must be a JSON object");
    }
    return node;
  }

  private static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private Response asset(String name) throws IOException {
    if (!ASSET.matcher(name).matches()) {
      throw new ConsoleException(404, "NotFound", "No console asset " + name);
    }
    try (InputStream in = Console.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new ConsoleException(404, "NotFound", "No console asset " + name);
      }
      String extension = name.substring(name.lastIndexOf('.') + 1);
      return new Response(200, CONTENT_TYPES.get(extension), in.readAllBytes());
    }
  }

  private Response ok(JsonNode body) throws JsonProcessingException {
    return new Response(200, "application/json; charset=utf-8", json.writeValueAsBytes(body));
  }

  private Response error(ConsoleException e) {
    ObjectNode body = TwinError.body(e.code(), e.getMessage());
    return new Response(
        e.status(),
        "application/json; charset=utf-8",
        body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void write(HttpExchange exchange, Response response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if (response.location != null) {
      exchange.getResponseHeaders().set("Location", response.location);
    }
    boolean empty = response.body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status, empty ? -1 : response.body.length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body);
      }
    }
  }

  private static final class Response {
    final int status;
    final String contentType;
    final byte[] body;
    String location;

    Response(int status, String contentType, byte[] body) {
      this.status = status;
      this.contentType = contentType;
      this.body = body;
    }

    static Response redirect(String location) {
      Response response = new Response(302, "text/plain; charset=utf-8", new byte[0]);
      response.location = location;
      return response;
    }
  }

  /** Resource names default to the contract's twin names; override them only for a renamed twin. */
  public static final class Builder {
    private final URI endpoint;
    private String stateMachineArn =
        "arn:aws:states:us-east-1:000000000000:stateMachine:warmcache-refresh";
    private String tableName = "warmcache";
    private String eventBusName = "warmcache";
    private StepFunctionsEngine engine;
    private LambdaInstances instances;
    private DemoOrigin origin;
    private HttpAnswers httpAnswers;
    private Clock clock = Clock.systemUTC();
    private String homeRegion = "us-east-1";
    private final Map<String, LambdaInstances> regions = new java.util.LinkedHashMap<>();

    private Builder(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    public Builder stateMachineArn(String arn) {
      this.stateMachineArn = Objects.requireNonNull(arn);
      return this;
    }

    public Builder tableName(String name) {
      this.tableName = Objects.requireNonNull(name);
      return this;
    }

    public Builder eventBusName(String name) {
      this.eventBusName = Objects.requireNonNull(name);
      return this;
    }

    /**
     * The engine that runs the refresh workflow: executions, histories and the running definition.
     */
    public Builder stepFunctions(StepFunctionsEngine engine) {
      this.engine = engine;
      return this;
    }

    public Builder instances(LambdaInstances view) {
      this.instances = view;
      return this;
    }

    /**
     * The demo origin whose latency and failure rate the page adjusts; without it there are no
     * knobs.
     */
    public Builder origin(DemoOrigin origin) {
      this.origin = origin;
      return this;
    }

    /** The reader's function URL, whose answer headers the page shows per item. */
    public Builder httpAnswers(HttpAnswers answers) {
      this.httpAnswers = answers;
      return this;
    }

    /** The region the refresh runs in, whose items, readers and executions the page opens on. */
    public Builder homeRegion(String name) {
      this.homeRegion = Objects.requireNonNull(name);
      return this;
    }

    /**
     * Another region of a multi-region twin: its replica is read through the edge with that
     * region's credential scope, as {@code aws --region} does, and its readers from {@code view}.
     */
    public Builder region(String name, LambdaInstances view) {
      regions.put(Objects.requireNonNull(name), Objects.requireNonNull(view));
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Console build() {
      return new Console(this);
    }
  }
}
