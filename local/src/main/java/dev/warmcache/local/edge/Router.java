package dev.warmcache.local.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches edge requests to one service each, like LocalStack's router: AWS JSON protocols by the
 * {@code X-Amz-Target} prefix, REST services by path prefix. Whatever happens, the caller gets an
 * answer in AWS's error shape; nothing of a stack trace reaches the wire.
 */
public final class Router {

  private static final Logger LOG = Logger.getLogger(Router.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, JsonProtocolService> byTarget = new ConcurrentHashMap<>();
  private final List<RestService> byPath = new CopyOnWriteArrayList<>();
  private final List<HostService> byHost = new CopyOnWriteArrayList<>();
  private volatile boolean open = true;

  /** With several regions: the home's name, the other regions' routers, which are unreachable. */
  private volatile String home;

  private volatile Map<String, Router> regions = Map.of();
  private volatile java.util.function.Predicate<String> unreachable = region -> false;

  /**
   * A router that answers every request with 503 {@code ServiceUnavailable} until {@link #open()}.
   * The twin's edge listens before its services are registered (the functions need its port), and a
   * request in between must not hear that an operation does not exist; AWS SDKs and the CLI retry a
   * 503.
   */
  public static Router starting() {
    Router router = new Router();
    router.open = false;
    return router;
  }

  /** Starts dispatching: every service is registered. */
  public Router open() {
    open = true;
    return this;
  }

  public Router register(JsonProtocolService service) {
    if (byTarget.putIfAbsent(service.targetPrefix(), service) != null) {
      throw new IllegalStateException("Two services claim X-Amz-Target " + service.targetPrefix());
    }
    return this;
  }

  public Router register(RestService service) {
    byPath.add(service);
    return this;
  }

  /**
   * Serves several regions on the one port, as AWS serves each at its own endpoint: a request
   * signed for one of {@code others} goes to that region's router; anything else (signed for the
   * home, or unsigned: the console, function URLs) is this router's. A request for a region that
   * {@code unreachable} names gets a 503, as a region that is down answers nothing useful.
   */
  public Router serveRegions(
      String home, Map<String, Router> others, java.util.function.Predicate<String> unreachable) {
    this.home = home;
    this.regions = Map.copyOf(others);
    this.unreachable = unreachable;
    return this;
  }

  /** Host services are known before the edge answers anything: the guard admits their names. */
  public Router register(HostService service) {
    byHost.add(service);
    return this;
  }

  /** The host suffixes of the registered host services, for {@link EdgeGuard}. */
  java.util.Set<String> hostSuffixes() {
    return byHost.stream()
        .map(HostService::hostSuffix)
        .collect(java.util.stream.Collectors.toSet());
  }

  /** The host service a {@code Host} header names, with the name's first label, or {@code null}. */
  HostRoute hostRoute(String host) {
    if (host == null) {
      return null;
    }
    String name = host.toLowerCase(java.util.Locale.ROOT);
    int colon = name.lastIndexOf(':');
    if (colon > 0) {
      name = name.substring(0, colon);
    }
    for (HostService service : byHost) {
      if (name.endsWith(service.hostSuffix())) {
        String label = name.substring(0, name.length() - service.hostSuffix().length());
        return label.isEmpty() || label.contains(".") ? null : new HostRoute(service, label);
      }
    }
    return null;
  }

  /** A request addressed to a host service by name. */
  record HostRoute(HostService service, String label) {}

  /** Answers one request; never throws. */
  public EdgeResponse dispatch(EdgeRequest request) {
    if (home != null) {
      String region = request.signingRegion();
      String target = request.header("X-Amz-Target");
      String version = target == null ? null : jsonVersionOf(target);
      if (region != null && !region.equals(home) && !regions.containsKey(region)) {
        return error(
            version,
            new AwsException(
                400,
                "UnrecognizedClientException",
                "The twin serves the regions "
                    + home
                    + (regions.isEmpty() ? "" : ", " + String.join(", ", regions.keySet()))
                    + ", not "
                    + region));
      }
      String served = region == null ? home : region;
      if (unreachable.test(served)) {
        return error(
            version,
            new AwsException(
                503,
                "ServiceUnavailable",
                "Region "
                    + served
                    + " is unreachable: the twin was told to fail it (--fail-region, or POST "
                    + "/_twin/regions/"
                    + served
                    + " {\"available\":true} to restore it)"));
      }
      if (!served.equals(home)) {
        return regions.get(served).dispatch(request);
      }
    }
    HostRoute route = hostRoute(request.header("Host"));
    if (route != null) {
      return dispatchHost(route, request);
    }
    String requestId = UUID.randomUUID().toString();
    String target = request.header("X-Amz-Target");
    try {
      if (!open) {
        throw new AwsException(
            503,
            "ServiceUnavailable",
            "The local twin is still starting; retry once it prints that it is ready");
      }
      EdgeResponse response =
          target != null ? dispatchJson(target, request) : dispatchRest(request);
      return response.withHeader("x-amzn-RequestId", requestId);
    } catch (AwsException e) {
      return error(target != null ? jsonVersionOf(target) : null, e)
          .withHeader("x-amzn-RequestId", requestId);
    } catch (Exception | Error e) {
      LOG.log(
          Level.SEVERE,
          "request "
              + requestId
              + " failed: "
              + request.method()
              + " "
              + request.path()
              + (target == null ? "" : " " + target),
          e);
      AwsException internal =
          new AwsException(
              500,
              "InternalFailure",
              "The local twin failed to process the request; its log has the details under request id "
                  + requestId);
      return error(target != null ? jsonVersionOf(target) : null, internal)
          .withHeader("x-amzn-RequestId", requestId);
    }
  }

  /**
   * A host service answers in its own HTTP terms; only its failures are shaped here, as a function
   * URL shapes them: {@code {"Message": ...}} and no detail.
   */
  private EdgeResponse dispatchHost(HostRoute route, EdgeRequest request) {
    String requestId = UUID.randomUUID().toString();
    if (!open) {
      return EdgeResponse.of(503, "application/json", "{\"Message\":\"Service Unavailable\"}")
          .withHeader("x-amzn-RequestId", requestId);
    }
    try {
      return route
          .service()
          .handle(route.label(), request)
          .withHeader("x-amzn-RequestId", requestId);
    } catch (Exception | Error e) {
      LOG.log(
          Level.SEVERE,
          "request " + requestId + " failed: " + request.method() + " " + route.label(),
          e);
      return EdgeResponse.of(500, "application/json", "{\"Message\":\"Internal Server Error\"}")
          .withHeader("x-amzn-RequestId", requestId);
    }
  }

  private EdgeResponse dispatchJson(String target, EdgeRequest request) throws Exception {
    int dot = target.lastIndexOf('.');
    String prefix = dot < 0 ? target : target.substring(0, dot);
    String operation = dot < 0 ? "" : target.substring(dot + 1);
    JsonProtocolService service = byTarget.get(prefix);
    if (service == null || operation.isEmpty()) {
      throw AwsException.unknownOperation(target);
    }
    return service.handle(operation, request);
  }

  private EdgeResponse dispatchRest(EdgeRequest request) throws Exception {
    for (RestService service : byPath) {
      if (request.path().startsWith(service.pathPrefix())) {
        return service.handle(request);
      }
    }
    throw new AwsException(
        404,
        "UnknownOperationException",
        "The local twin does not implement " + request.method() + " " + request.path());
  }

  private String jsonVersionOf(String target) {
    int dot = target.lastIndexOf('.');
    JsonProtocolService service = byTarget.get(dot < 0 ? target : target.substring(0, dot));
    return service == null ? "1.0" : service.jsonVersion();
  }

  /**
   * The error shape of either protocol: {@code __type} and {@code message} in the body and the code
   * in {@code x-amzn-ErrorType}, which both botocore and the Java SDK read.
   *
   * @param jsonVersion {@code 1.0}/{@code 1.1} for the JSON protocols, {@code null} for REST-JSON
   */
  public static EdgeResponse error(String jsonVersion, AwsException e) {
    ObjectNode body = JSON.createObjectNode();
    body.put("__type", e.code());
    body.put("message", e.getMessage());
    if (jsonVersion == null) {
      body.put("Type", e.status() >= 500 ? "Service" : "User");
    }
    String contentType =
        jsonVersion == null ? "application/json" : "application/x-amz-json-" + jsonVersion;
    return new EdgeResponse(
        e.status(),
        Map.of("Content-Type", contentType, "x-amzn-ErrorType", e.code()),
        body.toString().getBytes(StandardCharsets.UTF_8));
  }
}
