package dev.warmcache.local.eventbridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.JsonProtocolService;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * EventBridge ({@code X-Amz-Target: AWSEvents.*}, JSON 1.1) for the twin's one custom bus plus the
 * account's {@code default} bus, which accepts events but has no rules, as in a fresh account.
 *
 * <p>Operations: PutEvents, ListRules, DescribeRule, ListTargetsByRule, ListEventBuses,
 * DescribeEventBus. Per-entry failures of PutEvents use AWS's codes ({@code InvalidArgument},
 * {@code MalformedDetail}) and never fail the whole call.
 */
public final class EventBridgeService implements JsonProtocolService {

  /** AWS's limit on one PutEvents entry (Source + DetailType + Detail + Resources). */
  static final int MAX_ENTRY_BYTES = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventBus bus;
  private final String region;
  private final String account;

  public EventBridgeService(EventBus bus, String region, String account) {
    this.bus = bus;
    this.region = region;
    this.account = account;
  }

  @Override
  public String targetPrefix() {
    return "AWSEvents";
  }

  @Override
  public String jsonVersion() {
    return "1.1";
  }

  @Override
  public EdgeResponse handle(String operation, EdgeRequest request) throws Exception {
    JsonNode input = parse(request);
    ObjectNode output = switch (operation) {
      case "PutEvents" -> putEvents(input);
      case "ListRules" -> listRules(input);
      case "DescribeRule" -> describeRule(input);
      case "ListTargetsByRule" -> listTargetsByRule(input);
      case "ListEventBuses" -> listEventBuses();
      case "DescribeEventBus" -> describeEventBus(input);
      default -> throw AwsException.unknownOperation("AWSEvents." + operation);
    };
    return EdgeResponse.of(200, "application/x-amz-json-1.1", output.toString());
  }

  private static JsonNode parse(EdgeRequest request) {
    if (request.body().length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode input = JSON.readTree(request.body());
      if (!input.isObject()) {
        throw AwsException.serialization("The request body must be a JSON object");
      }
      return input;
    } catch (JsonProcessingException e) {
      throw AwsException.serialization("The request body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw AwsException.serialization("The request body could not be read");
    }
  }

  private ObjectNode putEvents(JsonNode input) {
    JsonNode entries = input.path("Entries");
    if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
      throw AwsException.validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: "
          + "Member must have length less than or equal to 10 and greater than or equal to 1");
    }
    ObjectNode output = JSON.createObjectNode();
    ArrayNode results = output.putArray("Entries");
    int failed = 0;
    for (JsonNode entry : entries) {
      ObjectNode result = results.addObject();
      String problem = null;
      String code = "InvalidArgument";
      ObjectNode event = null;
      String busName = busName(entry.path("EventBusName").asText(""));
      String source = entry.path("Source").asText("");
      String detailType = entry.path("DetailType").asText("");
      String detailText = entry.path("Detail").asText("");
      if (source.isEmpty()) {
        problem = "Parameter Source is not valid. Reason: Source is a required argument.";
      } else if (detailType.isEmpty()) {
        problem = "Parameter DetailType is not valid. Reason: DetailType is a required argument.";
      } else if (detailText.isEmpty()) {
        problem = "Parameter Detail is not valid. Reason: Detail is a required argument.";
      } else if (source.length() + detailType.length() + detailText.length() > MAX_ENTRY_BYTES) {
        problem = "Parameter Entries is not valid. Reason: the entry exceeds " + MAX_ENTRY_BYTES + " bytes.";
      } else if (busName == null) {
        code = "ResourceNotFoundException";
        problem = "Event bus " + entry.path("EventBusName").asText() + " does not exist.";
      } else {
        JsonNode detail = readDetail(detailText);
        if (detail == null) {
          code = "MalformedDetail";
          problem = "Detail is malformed.";
        } else {
          event = event(entry, busName, source, detailType, detail);
        }
      }
      if (problem != null) {
        failed++;
        result.put("ErrorCode", code);
        result.put("ErrorMessage", problem);
        continue;
      }
      result.put("EventId", event.path("id").asText());
      if (busName.equals(bus.name())) {
        bus.publish(event);
      }
    }
    output.put("FailedEntryCount", failed);
    return output;
  }

  /** The bus an entry names (by name or ARN), {@code default} when none, {@code null} when unknown. */
  private String busName(String named) {
    if (named.isEmpty() || named.equals("default") || named.equals(arnOf("default"))) {
      return "default";
    }
    if (named.equals(bus.name()) || named.equals(bus.arn())) {
      return bus.name();
    }
    return null;
  }

  private static JsonNode readDetail(String text) {
    try {
      JsonNode detail = JSON.readTree(text);
      return detail != null && detail.isObject() ? detail : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private ObjectNode event(JsonNode entry, String busName, String source, String detailType, JsonNode detail) {
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", detailType);
    event.put("source", source);
    event.put("account", account);
    Instant time = entry.hasNonNull("Time") ? Instant.ofEpochMilli((long) (entry.path("Time").asDouble() * 1000))
        : Instant.now();
    event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
    event.put("region", region);
    ArrayNode resources = event.putArray("resources");
    entry.path("Resources").forEach(resources::add);
    event.set("detail", detail);
    return event;
  }

  private ObjectNode listRules(JsonNode input) {
    String busName = requireBus(input);
    String prefix = input.path("NamePrefix").asText("");
    ObjectNode output = JSON.createObjectNode();
    ArrayNode rules = output.putArray("Rules");
    if (busName.equals(bus.name())) {
      for (EventRule rule : bus.rules()) {
        if (rule.name().startsWith(prefix)) {
          describe(rules.addObject(), rule);
        }
      }
    }
    return output;
  }

  private ObjectNode describeRule(JsonNode input) {
    ObjectNode output = JSON.createObjectNode();
    describe(output, requireRule(input));
    output.put("CreatedBy", account);
    return output;
  }

  private ObjectNode listTargetsByRule(JsonNode input) {
    EventRule rule = requireRule(input);
    ObjectNode output = JSON.createObjectNode();
    ObjectNode target = output.putArray("Targets").addObject();
    target.put("Id", "refresh-workflow");
    target.put("Arn", rule.targetArn());
    target.putObject("RetryPolicy").put("MaximumRetryAttempts", EventBus.RETRY_DELAYS_MS.length);
    return output;
  }

  private ObjectNode listEventBuses() {
    ObjectNode output = JSON.createObjectNode();
    ArrayNode buses = output.putArray("EventBuses");
    buses.addObject().put("Name", "default").put("Arn", arnOf("default"));
    buses.addObject().put("Name", bus.name()).put("Arn", bus.arn());
    return output;
  }

  private ObjectNode describeEventBus(JsonNode input) {
    String busName = requireBus(input);
    return JSON.createObjectNode().put("Name", busName).put("Arn", arnOf(busName));
  }

  private void describe(ObjectNode out, EventRule rule) {
    out.put("Name", rule.name());
    out.put("Arn", rule.arn());
    out.put("EventPattern", rule.pattern());
    out.put("State", "ENABLED");
    out.put("Description", "Loaded from events/" + rule.name() + ".rule.json");
    out.put("EventBusName", rule.eventBusName());
  }

  private String requireBus(JsonNode input) {
    String named = input.path("EventBusName").asText(input.path("Name").asText(""));
    String busName = busName(named);
    if (busName == null) {
      throw AwsException.notFound("ResourceNotFoundException", "Event bus " + named + " does not exist.");
    }
    return busName;
  }

  private EventRule requireRule(JsonNode input) {
    String busName = requireBus(input);
    String ruleName = input.path("Name").asText(input.path("Rule").asText(""));
    EventRule rule = busName.equals(bus.name()) ? bus.rule(ruleName) : null;
    if (rule == null) {
      throw AwsException.notFound("ResourceNotFoundException",
          "Rule " + ruleName + " does not exist on EventBus " + busName + ".");
    }
    return rule;
  }

  private String arnOf(String busName) {
    return "arn:aws:events:" + region + ":" + account + ":event-bus/" + busName;
  }
}
