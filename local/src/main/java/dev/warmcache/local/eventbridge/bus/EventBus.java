package dev.warmcache.local.eventbridge.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.local.deadletter.DeadLetterFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.event.ruler.Machine;

/**
 * The twin's custom event bus: rules read from {@code events/*.rule.json} (the files the CDK stack
 * deploys), matched with AWS's own Event Ruler, and delivered to the rule's target asynchronously,
 * as EventBridge does after {@code PutEvents} has answered. A delivery that keeps failing goes to
 * the dead-letter file instead of vanishing.
 */
public final class EventBus implements EventSink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EventBus.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULE_SUFFIX = ".rule.json";
  private static final int RECENT = 200;

  /** AWS's limit on one PutEvents entry (Source + DetailType + Detail + Resources). */
  static final int MAX_ENTRY_BYTES = 256 * 1024;

  private static final long[] RETRY_DELAYS_MS = {200, 1000, 3000};

  /** How many times a failed target delivery is retried before it goes to the dead letters. */
  public static int retryAttempts() {
    return RETRY_DELAYS_MS.length;
  }

  private final String name;
  private final String region;
  private final String account;
  private final Map<String, EventRule> rules;
  private final Machine machine = new Machine();
  private final RuleTarget target;
  private final DeadLetterFile deadLetters;
  private final ExecutorService deliveries;
  private final Deque<JsonNode> recent = new ArrayDeque<>();

  private EventBus(
      String name,
      String region,
      String account,
      Map<String, EventRule> rules,
      RuleTarget target,
      DeadLetterFile deadLetters)
      throws IOException {
    this.name = name;
    this.region = region;
    this.account = account;
    this.rules = rules;
    this.target = target;
    this.deadLetters = deadLetters;
    for (EventRule rule : rules.values()) {
      machine.addRule(rule.name(), rule.pattern());
    }
    this.deliveries =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "bus-" + name + "-delivery");
              t.setDaemon(true);
              return t;
            });
  }

  /** Loads every {@code <stem>.rule.json} in {@code eventsDir} as rule {@code <bus>-<stem>}. */
  public static EventBus load(
      String name,
      String region,
      String account,
      Path eventsDir,
      String targetArn,
      RuleTarget target,
      DeadLetterFile deadLetters)
      throws IOException {
    Map<String, EventRule> rules = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(eventsDir, "*" + RULE_SUFFIX)) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        // <bus>-<file stem>, the names the CDK stack gives the same rules
        // (warmcache-force-refresh).
        String ruleName =
            name + "-" + fileName.substring(0, fileName.length() - RULE_SUFFIX.length());
        String pattern = Files.readString(file, StandardCharsets.UTF_8);
        String compact = JSON.readTree(pattern).toString();
        String arn = "arn:aws:events:" + region + ":" + account + ":rule/" + name + "/" + ruleName;
        rules.put(ruleName, new EventRule(ruleName, name, compact, arn, targetArn));
      }
    }
    if (rules.isEmpty()) {
      throw new IOException(
          "No *" + RULE_SUFFIX + " event patterns in " + eventsDir.toAbsolutePath());
    }
    return new EventBus(name, region, account, rules, target, deadLetters);
  }

  public String name() {
    return name;
  }

  public String arn() {
    return arnOf(name);
  }

  public Collection<EventRule> rules() {
    return rules.values();
  }

  public EventRule rule(String ruleName) {
    return rules.get(ruleName);
  }

  /**
   * Validates one entry like {@code PutEvents} does and, when it is well formed, publishes it. The
   * account's {@code default} bus accepts events but has no rules, as in a fresh account.
   */
  @Override
  public PutEntry.Result put(PutEntry entry) {
    String source = entry.source() == null ? "" : entry.source();
    String detailType = entry.detailType() == null ? "" : entry.detailType();
    String detailText = entry.detail() == null ? "" : entry.detail();
    if (source.isEmpty()) {
      return PutEntry.Result.failed(
          "InvalidArgument",
          "Parameter Source is not valid. Reason: Source is a required argument.");
    }
    if (detailType.isEmpty()) {
      return PutEntry.Result.failed(
          "InvalidArgument",
          "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
    }
    if (detailText.isEmpty()) {
      return PutEntry.Result.failed(
          "InvalidArgument",
          "Parameter Detail is not valid. Reason: Detail is a required argument.");
    }
    if (source.length() + detailType.length() + detailText.length() > MAX_ENTRY_BYTES) {
      return PutEntry.Result.failed(
          "InvalidArgument",
          "Parameter Entries is not valid. Reason: the entry exceeds "
              + MAX_ENTRY_BYTES
              + " bytes.");
    }
    String busName = resolve(entry.eventBusName());
    if (busName == null) {
      return PutEntry.Result.failed(
          "ResourceNotFoundException", "Event bus " + entry.eventBusName() + " does not exist.");
    }
    JsonNode detail;
    try {
      detail = JSON.readTree(detailText);
    } catch (IOException e) {
      detail = null;
    }
    if (detail == null || !detail.isObject()) {
      return PutEntry.Result.failed("MalformedDetail", "Detail is malformed.");
    }
    ObjectNode event = JSON.createObjectNode();
    event.put("version", "0");
    event.put("id", UUID.randomUUID().toString());
    event.put("detail-type", detailType);
    event.put("source", source);
    event.put("account", account);
    event.put(
        "time",
        (entry.time() == null ? Instant.now() : entry.time())
            .truncatedTo(ChronoUnit.SECONDS)
            .toString());
    event.put("region", region);
    ArrayNode resources = event.putArray("resources");
    entry.resources().forEach(resources::add);
    event.set("detail", detail);
    if (busName.equals(name)) {
      publish(event);
    }
    return PutEntry.Result.accepted(event.path("id").asText());
  }

  /**
   * The bus a caller names (by name or ARN): {@code default} when none, {@code null} when unknown.
   */
  public String resolve(String named) {
    if (named == null
        || named.isEmpty()
        || named.equals("default")
        || named.equals(arnOf("default"))) {
      return "default";
    }
    if (named.equals(name) || named.equals(arn())) {
      return name;
    }
    return null;
  }

  public String arnOf(String busName) {
    return "arn:aws:events:" + region + ":" + account + ":event-bus/" + busName;
  }

  /** Matches a well-formed event against every rule and queues one delivery per match. */
  private List<String> publish(ObjectNode event) {
    List<String> matched = machine.rulesForJSONEvent(event);
    ObjectNode seen = JSON.createObjectNode();
    seen.set("event", event);
    seen.putPOJO("matchedRules", matched);
    synchronized (recent) {
      recent.addFirst(seen);
      if (recent.size() > RECENT) {
        recent.removeLast();
      }
    }
    for (String ruleName : matched) {
      EventRule rule = rules.get(ruleName);
      deliveries.execute(() -> deliver(rule, event.toString()));
    }
    return matched;
  }

  /** The latest events put on this bus (newest first) with the rules each matched. */
  public List<JsonNode> recentEvents() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  private void deliver(EventRule rule, String event) {
    Exception last = null;
    for (int attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      try {
        target.deliver(rule, event);
        return;
      } catch (Exception e) {
        last = e;
        LOG.log(
            Level.WARNING,
            "rule "
                + rule.name()
                + " could not deliver an event (attempt "
                + (attempt + 1)
                + "): "
                + e.getMessage());
        if (attempt < RETRY_DELAYS_MS.length && !sleep(RETRY_DELAYS_MS[attempt])) {
          break;
        }
      }
    }
    try {
      deadLetters.add(
          "rule/" + name + "/" + rule.name(),
          String.valueOf(last == null ? "interrupted" : last.getMessage()),
          JSON.readTree(event));
    } catch (IOException e) {
      LOG.severe("rule " + rule.name() + " lost an unreadable event: " + event);
    }
  }

  private static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    deliveries.shutdown();
    deliveries.awaitTermination(5, TimeUnit.SECONDS);
    deliveries.shutdownNow();
  }
}
