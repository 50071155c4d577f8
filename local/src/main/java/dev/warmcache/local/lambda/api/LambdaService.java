package dev.warmcache.local.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.RestService;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.lambda.pool.LambdaPool;
import dev.warmcache.local.lambda.pool.LambdaServiceException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's REST API on the edge port, on top of the workflow's {@link LambdaPool}: {@code Invoke}
 * ({@code POST /2015-03-31/functions/{name}/invocations}) with the {@code RequestResponse}, {@code
 * Event} and {@code DryRun} invocation types, qualifiers, function errors in {@code
 * X-Amz-Function-Error}, {@code LogType: Tail}, and throttles as {@code TooManyRequestsException};
 * plus {@code GetFunction} and {@code ListFunctions} so that a user can see what the twin hosts.
 *
 * <p>The twin hosts one version of each function: {@code $LATEST}, and version {@code 1} that every
 * other qualifier (an alias such as CDK's {@code live}, or a number) resolves to.
 */
public final class LambdaService implements RestService {

  static final String PREFIX = "/2015-03-31/functions";

  /** AWS's synchronous payload limit. */
  static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

  /** Lambda retries an asynchronous invocation twice after a function error. */
  static final List<Long> EVENT_RETRY_DELAYS_MS = List.of(1000L, 2000L);

  private static final Logger LOG = Logger.getLogger(LambdaService.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INVOKE = Pattern.compile(PREFIX + "/([^/]+)/invocations/?");
  private static final Pattern FUNCTION = Pattern.compile(PREFIX + "/([^/]+)/?");
  private static final Pattern QUALIFIER = Pattern.compile("\\$LATEST|[A-Za-z0-9_-]{1,128}");
  private static final int LOG_TAIL_BYTES = 4096;

  private final LambdaPool pool;
  private final String region;
  private final String account;
  private final DeadLetterFile deadLetters;
  private final ExecutorService asyncInvocations;
  private final InstanceLogs logs = InstanceLogs.install();

  public LambdaService(LambdaPool pool, String region, String account, DeadLetterFile deadLetters) {
    this.pool = pool;
    this.region = region;
    this.account = account;
    this.deadLetters = deadLetters;
    this.asyncInvocations =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "lambda-event-invoke");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public String pathPrefix() {
    return PREFIX;
  }

  @Override
  public EdgeResponse handle(EdgeRequest request) throws Exception {
    Matcher invoke = INVOKE.matcher(request.path());
    if (invoke.matches() && request.method().equals("POST")) {
      return invoke(decode(invoke.group(1)), request);
    }
    if ((request.path().equals(PREFIX) || request.path().equals(PREFIX + "/"))
        && request.method().equals("GET")) {
      return listFunctions();
    }
    Matcher function = FUNCTION.matcher(request.path());
    if (function.matches() && request.method().equals("GET")) {
      return getFunction(decode(function.group(1)));
    }
    throw new AwsException(
        404,
        "UnknownOperationException",
        "The local twin's Lambda does not implement " + request.method() + " " + request.path());
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private EdgeResponse invoke(String functionName, EdgeRequest request) throws IOException {
    Target target = resolve(functionName, request.query("Qualifier"));
    String type = header(request, "X-Amz-Invocation-Type", "RequestResponse");
    byte[] payload =
        request.body().length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : request.body();
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new AwsException(
          413,
          "RequestTooLargeException",
          "Request must be smaller than "
              + MAX_PAYLOAD_BYTES
              + " bytes for the InvokeFunction operation");
    }
    try {
      JSON.readTree(payload);
    } catch (IOException e) {
      throw new AwsException(
          400,
          "InvalidRequestContentException",
          "Could not parse request body into json: the payload is not valid JSON");
    }
    switch (type) {
      case "DryRun":
        return new EdgeResponse(204, Map.of(), new byte[0]);
      case "Event":
        asyncInvocations.execute(() -> invokeAsync(target, payload));
        return new EdgeResponse(202, Map.of(), new byte[0]);
      case "RequestResponse":
        break;
      default:
        throw new AwsException(
            400,
            "InvalidParameterValueException",
            "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not " + type);
    }
    InvocationResult result;
    Map<String, Long> logPositions = logs.positions(target.name());
    try {
      result = pool.invoke(target.name(), payload);
    } catch (LambdaServiceException e) {
      throw serviceError(e);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("X-Amz-Executed-Version", target.version());
    if (result.failed()) {
      headers.put("X-Amz-Function-Error", result.functionError());
    }
    if ("Tail".equals(request.header("X-Amz-Log-Type"))) {
      byte[] lines = logs.since(target.name(), result.instanceId(), logPositions);
      headers.put(
          "X-Amz-Log-Result", Base64.getEncoder().encodeToString(logTail(target, result, lines)));
    }
    return new EdgeResponse(200, headers, result.payload());
  }

  private void invokeAsync(Target target, byte[] payload) {
    String reason = null;
    for (int attempt = 0; attempt <= EVENT_RETRY_DELAYS_MS.size(); attempt++) {
      try {
        InvocationResult result = pool.invoke(target.name(), payload);
        if (!result.failed()) {
          return;
        }
        reason = result.errorType() + ": " + result.errorMessage();
      } catch (RuntimeException e) {
        reason = e.getMessage();
      }
      LOG.warning(
          "asynchronous invocation of "
              + target.name()
              + " failed (attempt "
              + (attempt + 1)
              + "): "
              + reason);
      if (attempt < EVENT_RETRY_DELAYS_MS.size()) {
        try {
          Thread.sleep(EVENT_RETRY_DELAYS_MS.get(attempt));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    try {
      deadLetters.add("lambda/" + target.name(), reason, JSON.readTree(payload));
    } catch (IOException e) {
      LOG.severe("asynchronous invocation of " + target.name() + " lost an unreadable payload");
    }
  }

  /**
   * What Lambda's log tail shows for this invocation: START, what the instance wrote while serving
   * it (for a new instance, its init too), the error the runtime logs for a function error, END and
   * REPORT with the measured durations; the last 4 KB of that, as on AWS.
   */
  private byte[] logTail(Target target, InvocationResult result, byte[] lines) {
    String requestId = result.requestId();
    StringBuilder log = new StringBuilder();
    log.append("START RequestId: ")
        .append(requestId)
        .append(" Version: ")
        .append(target.version())
        .append('\n');
    log.append(new String(lines, StandardCharsets.UTF_8));
    if (log.charAt(log.length() - 1) != '\n') {
      log.append('\n');
    }
    if (result.failed()) {
      log.append(result.errorType()).append(": ").append(result.errorMessage()).append('\n');
    }
    double millis = result.duration().toNanos() / 1_000_000.0;
    log.append("END RequestId: ").append(requestId).append('\n');
    log.append(
        String.format(
            "REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: 1024 MB",
            requestId, millis, (long) Math.ceil(millis)));
    result
        .initDuration()
        .ifPresent(
            init ->
                log.append(
                    String.format("\tInit Duration: %.2f ms", init.toNanos() / 1_000_000.0)));
    log.append('\n');
    byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= LOG_TAIL_BYTES) {
      return bytes;
    }
    byte[] tail = new byte[LOG_TAIL_BYTES];
    System.arraycopy(bytes, bytes.length - LOG_TAIL_BYTES, tail, 0, LOG_TAIL_BYTES);
    return tail;
  }

  private EdgeResponse listFunctions() {
    ObjectNode output = JSON.createObjectNode();
    ArrayNode functions = output.putArray("Functions");
    pool.functions().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(config -> describe(functions.addObject(), config));
    return EdgeResponse.of(200, "application/json", output.toString());
  }

  private EdgeResponse getFunction(String functionName) {
    Target target = resolve(functionName, null);
    ObjectNode output = JSON.createObjectNode();
    describe(output.putObject("Configuration"), pool.function(target.name()).orElseThrow());
    output.putObject("Code").put("RepositoryType", "Local");
    return EdgeResponse.of(200, "application/json", output.toString());
  }

  private void describe(ObjectNode out, FunctionConfig config) {
    out.put("FunctionName", config.name());
    out.put("FunctionArn", arn(config.name()));
    out.put("Runtime", "java21");
    out.put("Handler", config.handlerClass() + "::" + config.handlerMethod());
    out.put("Timeout", config.timeout().toSeconds());
    out.put("MemorySize", 1024);
    out.put("Version", "$LATEST");
    out.put("State", "Active");
    out.put("PackageType", "Zip");
    ObjectNode variables = out.putObject("Environment").putObject("Variables");
    // Credentials of the twin's own clients are not the caller's business, even dummy ones.
    config
        .environment()
        .forEach(
            (k, v) -> {
              if (!k.startsWith("AWS_SECRET") && !k.startsWith("AWS_SESSION")) {
                variables.put(k, v);
              }
            });
  }

  private String arn(String name) {
    return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
  }

  /** A function name, full or partial ARN, with the qualifier from the name or the query. */
  private Target resolve(String functionName, String queryQualifier) {
    String name = functionName;
    String qualifier = null;
    int fn = name.indexOf("function:");
    if (fn >= 0) {
      name = name.substring(fn + "function:".length());
    }
    int colon = name.indexOf(':');
    if (colon >= 0) {
      qualifier = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    if (queryQualifier != null && !queryQualifier.isEmpty()) {
      if (qualifier != null && !qualifier.equals(queryQualifier)) {
        throw new AwsException(
            400,
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier.");
      }
      qualifier = queryQualifier;
    }
    if (qualifier != null && !QUALIFIER.matcher(qualifier).matches()) {
      throw new AwsException(
          400, "InvalidParameterValueException", "Invalid qualifier: " + qualifier);
    }
    if (pool.function(name).isEmpty()) {
      throw new AwsException(
          404,
          "ResourceNotFoundException",
          "Function not found: " + arn(name) + (qualifier == null ? "" : ":" + qualifier));
    }
    return new Target(name, qualifier == null || qualifier.equals("$LATEST") ? "$LATEST" : "1");
  }

  private static AwsException serviceError(LambdaServiceException e) {
    return new AwsException(e.statusCode(), e.errorCode(), e.getMessage());
  }

  private static String header(EdgeRequest request, String name, String fallback) {
    String value = request.header(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  private record Target(String name, String version) {}

  /** Lets queued asynchronous invocations finish, briefly, before the pool closes. */
  public void close() throws InterruptedException {
    asyncInvocations.shutdown();
    asyncInvocations.awaitTermination(5, TimeUnit.SECONDS);
    asyncInvocations.shutdownNow();
  }
}
