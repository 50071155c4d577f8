package dev.warmcache.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.warmcache.local.edge.TwinError;
import dev.warmcache.local.edge.TwinReply;
import java.io.IOException;

/**
 * {@code /_twin/regions}: {@code GET} lists the regions and whether each is reachable; {@code POST
 * /_twin/regions/<region> {"available": false}} makes one unreachable (its requests answer 503,
 * replication to and from it waits, the home's bus refuses forwarded triggers) until {@code
 * {"available": true}}, what {@code --fail-region} does at start. Not an AWS API: it stands in for
 * a region's outage.
 */
final class RegionControl implements HttpHandler {

  static final String PATH = "/_twin/regions";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Twin twin;

  RegionControl(Twin twin) {
    this.twin = twin;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String region = path.length() > PATH.length() + 1 ? path.substring(PATH.length() + 1) : "";
      int status = 200;
      JsonNode body;
      try {
        if (exchange.getRequestMethod().equals("POST")) {
          JsonNode request;
          try {
            request = JSON.readTree(exchange.getRequestBody().readNBytes(4096));
          } catch (IOException e) {
            request = null;
          }
          JsonNode available = request == null ? null : request.get("available");
          if (available == null || !available.isBoolean()) {
            throw new IllegalArgumentException("Send {\"available\": true|false}");
          }
          twin.setReachable(region, available.asBoolean());
        } else if (!exchange.getRequestMethod().equals("GET")) {
          throw new UnsupportedOperationException("Use GET or POST");
        }
        body = list();
      } catch (IllegalArgumentException e) {
        status = region.isEmpty() || twin.regions().contains(region) ? 400 : 404;
        body =
            TwinError.body(
                status == 404 ? "RegionNotFound" : "InvalidRequest",
                status == 404 ? "The twin serves the regions " + twin.regions() : e.getMessage());
      } catch (UnsupportedOperationException e) {
        status = 405;
        body = TwinError.body("MethodNotAllowed", e.getMessage());
      }
      TwinReply.send(exchange, status, body);
    }
  }

  private ObjectNode list() {
    ObjectNode out = JSON.createObjectNode();
    ArrayNode regions = out.putArray("regions");
    for (String region : twin.regions()) {
      regions
          .addObject()
          .put("region", region)
          .put("home", region.equals(twin.regions().get(0)))
          .put("ttl", region.equals(twin.options().ttlRegion()))
          .put("available", twin.isReachable(region));
    }
    twin.replicationStats()
        .ifPresent(
            stats ->
                out.putObject("replication")
                    .put("delayMs", twin.options().replicationDelay().toMillis())
                    .put("replicated", stats.replicated())
                    .put("pending", stats.pending()));
    return out;
  }
}
