package dev.warmcache.local.eventbridge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.edge.AwsException;
import dev.warmcache.local.edge.EdgeRequest;
import dev.warmcache.local.edge.EdgeResponse;
import dev.warmcache.local.edge.JsonProtocolService;
import dev.warmcache.local.eventbridge.bus.EventBus;
import dev.warmcache.local.eventbridge.bus.EventRule;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * EventBridge ({@code X-Amz-Target: AWSEvents.*}, JSON 1.1) for the twin's one custom bus plus the
 * account's {@code default} bus, which accepts events but has no rules, as in a fresh account.
 *
 * <p>Operations: PutEvents, ListRules, DescribeRule, ListTargetsByRule, ListEventBuses,
 * DescribeEventBus. Per-entry failures of PutEvents use AWS's codes ({@code InvalidArgument},
 * {@code MalformedDetail}, {@code ResourceNotFoundException}) and never fail the whole call.
 */
public final class EventBridgeService implements JsonProtocolService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventBus bus;
  private final String account;

  public EventBridgeService(EventBus bus, String account) {
    this.bus = bus;
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
  public EdgeResponse handle(String operation, EdgeRequest request) {
    JsonNode input = request.jsonObject();
    ObjectNode output =
        switch (operation) {
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

  private ObjectNode putEvents(JsonNode input) {
    JsonNode entries = input.path("Entries");
    if (!entries.isArray() || entries.isEmpty() || entries.size() > 10) {
      throw AwsException.validation(
          "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
              + "Member must have length less than or equal to 10 and greater than or equal to 1");
    }
    ObjectNode output = JSON.createObjectNode();
    ArrayNode results = output.putArray("Entries");
    int failed = 0;
    for (JsonNode entry : entries) {
      List<String> resources = new ArrayList<>();
      entry.path("Resources").forEach(r -> resources.add(r.asText()));
      // The CLI sends Time as epoch seconds (a JSON number), possibly with a fraction.
      Instant time =
          entry.hasNonNull("Time")
              ? Instant.ofEpochMilli((long) (entry.path("Time").asDouble() * 1000))
              : null;
      PutEntry.Result result =
          bus.put(
              new PutEntry(
                  text(entry, "Source"),
                  text(entry, "DetailType"),
                  text(entry, "Detail"),
                  text(entry, "EventBusName"),
                  resources,
                  time));
      ObjectNode out = results.addObject();
      if (result.isFailed()) {
        failed++;
        out.put("ErrorCode", result.errorCode());
        out.put("ErrorMessage", result.errorMessage());
      } else {
        out.put("EventId", result.eventId());
      }
    }
    output.put("FailedEntryCount", failed);
    return output;
  }

  private static String text(JsonNode entry, String field) {
    JsonNode value = entry.get(field);
    return value == null || value.isNull() ? null : value.asText();
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
    target.putObject("RetryPolicy").put("MaximumRetryAttempts", EventBus.retryAttempts());
    return output;
  }

  private ObjectNode listEventBuses() {
    ObjectNode output = JSON.createObjectNode();
    ArrayNode buses = output.putArray("EventBuses");
    buses.addObject().put("Name", "default").put("Arn", bus.arnOf("default"));
    buses.addObject().put("Name", bus.name()).put("Arn", bus.arn());
    return output;
  }

  private ObjectNode describeEventBus(JsonNode input) {
    String busName = requireBus(input);
    return JSON.createObjectNode().put("Name", busName).put("Arn", bus.arnOf(busName));
  }

  private static void describe(ObjectNode out, EventRule rule) {
    out.put("Name", rule.name());
    out.put("Arn", rule.arn());
    out.put("EventPattern", rule.pattern());
    out.put("State", "ENABLED");
    out.put(
        "Description",
        "Loaded from events/"
            + rule.name().substring(rule.eventBusName().length() + 1)
            + ".rule.json");
    out.put("EventBusName", rule.eventBusName());
  }

  private String requireBus(JsonNode input) {
    String named = input.path("EventBusName").asText(input.path("Name").asText(""));
    String busName = bus.resolve(named);
    if (busName == null) {
      throw new AwsException(
          400, "ResourceNotFoundException", "Event bus " + named + " does not exist.");
    }
    return busName;
  }

  private EventRule requireRule(JsonNode input) {
    String busName = bus.resolve(input.path("EventBusName").asText(""));
    if (busName == null) {
      throw new AwsException(
          400,
          "ResourceNotFoundException",
          "Event bus " + input.path("EventBusName").asText() + " does not exist.");
    }
    String ruleName = input.path("Name").asText(input.path("Rule").asText(""));
    EventRule rule = busName.equals(bus.name()) ? bus.rule(ruleName) : null;
    if (rule == null) {
      throw new AwsException(
          400,
          "ResourceNotFoundException",
          "Rule " + ruleName + " does not exist on EventBus " + busName + ".");
    }
    return rule;
  }
}
