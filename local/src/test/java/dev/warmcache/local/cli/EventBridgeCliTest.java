package dev.warmcache.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.deadletter.DeadLetterFile;
import dev.warmcache.local.edge.EdgeServer;
import dev.warmcache.local.edge.Router;
import dev.warmcache.local.eventbridge.api.EventBridgeService;
import dev.warmcache.local.eventbridge.bus.EventBus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EventBridge on the edge port with the real CLI. The rules here are the test's own, written to a
 * temporary events directory, so that the bus's matching and delivery are tested in isolation from
 * the product's patterns (which the twin acceptance test exercises).
 */
class EventBridgeCliTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static EventBus bus;
  static EdgeServer edge;
  static AwsCli aws;
  static final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
  static final AtomicInteger flakyFailures = new AtomicInteger();
  static DeadLetterFile deadLetters;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    Path events = Files.createDirectories(dir.resolve("events"));
    Files.writeString(
        events.resolve("poke.rule.json"),
        "{\"source\":[\"test.admin\"],\"detail-type\":[\"Poke\"]}");
    Files.writeString(events.resolve("flaky.rule.json"), "{\"source\":[\"test.flaky\"]}");
    Files.writeString(events.resolve("ignored.txt"), "not a rule");
    deadLetters = new DeadLetterFile(dir.resolve("dead-letters.jsonl"));
    bus =
        EventBus.load(
            "warmcache",
            "us-east-1",
            "000000000000",
            events,
            "arn:aws:states:us-east-1:000000000000:stateMachine:warmcache-refresh",
            (rule, event) -> {
              if (rule.name().equals("warmcache-flaky")) {
                flakyFailures.incrementAndGet();
                throw new IllegalStateException("target is down");
              }
              delivered.add(event);
            },
            deadLetters);
    edge = EdgeServer.start(0, new Router().register(new EventBridgeService(bus, "000000000000")));
    aws = new AwsCli(edge.endpoint());
  }

  @AfterAll
  static void stop() throws Exception {
    if (edge != null) edge.close();
    if (bus != null) bus.close();
  }

  @Test
  void putEventsDeliversMatchingEventsInTheTargetShape() throws Exception {
    JsonNode out =
        aws.run(
                "events",
                "put-events",
                "--entries",
                "[{\"EventBusName\":\"warmcache\",\"Source\":\"test.admin\",\"DetailType\":\"Poke\",\"Detail\":\"{\\\"id\\\":\\\"15\\\"}\"},"
                    + "{\"EventBusName\":\"warmcache\",\"Source\":\"test.other\",\"DetailType\":\"Poke\",\"Detail\":\"{}\"}]")
            .ok();
    assertEquals(0, out.path("FailedEntryCount").asInt());
    String eventId = out.path("Entries").path(0).path("EventId").asText();
    assertNotEquals("", eventId);

    JsonNode event = JSON.readTree(delivered.poll(10, TimeUnit.SECONDS));
    assertEquals(eventId, event.path("id").asText());
    assertEquals("Poke", event.path("detail-type").asText());
    assertEquals("15", event.path("detail").path("id").asText());
    assertEquals("000000000000", event.path("account").asText());
    JsonNode other =
        bus.recentEvents().stream()
            .filter(seen -> seen.path("event").path("source").asText().equals("test.other"))
            .findFirst()
            .orElseThrow();
    assertEquals(0, other.path("matchedRules").size(), "the unmatched event reached no target");
  }

  @Test
  void badEntriesFailOneByOneLikeAws() throws Exception {
    JsonNode out =
        aws.run(
                "events",
                "put-events",
                "--entries",
                "[{\"EventBusName\":\"warmcache\",\"Source\":\"test.admin\",\"DetailType\":\"Poke\",\"Detail\":\"not json\"},"
                    + "{\"EventBusName\":\"warmcache\",\"DetailType\":\"Poke\",\"Detail\":\"{}\"},"
                    + "{\"EventBusName\":\"nope\",\"Source\":\"test.admin\",\"DetailType\":\"Poke\",\"Detail\":\"{}\"},"
                    + "{\"Source\":\"test.admin\",\"DetailType\":\"Poke\",\"Detail\":\"{}\"}]")
            .ok();
    assertEquals(3, out.path("FailedEntryCount").asInt());
    assertEquals("MalformedDetail", out.path("Entries").path(0).path("ErrorCode").asText());
    assertEquals("InvalidArgument", out.path("Entries").path(1).path("ErrorCode").asText());
    assertEquals(
        "ResourceNotFoundException", out.path("Entries").path(2).path("ErrorCode").asText());
    assertNotNull(out.path("Entries").path(3).get("EventId"), "the default bus accepts events");
  }

  @Test
  void rulesAreListedAndDescribedFromTheirFiles() throws Exception {
    JsonNode rules =
        aws.run("events", "list-rules", "--event-bus-name", "warmcache").ok().path("Rules");
    assertEquals(2, rules.size());
    JsonNode poke =
        aws.run(
                "events",
                "describe-rule",
                "--name",
                "warmcache-poke",
                "--event-bus-name",
                "warmcache")
            .ok();
    assertEquals(
        "arn:aws:events:us-east-1:000000000000:rule/warmcache/warmcache-poke",
        poke.path("Arn").asText());
    assertEquals(
        "[\"test.admin\"]",
        JSON.readTree(poke.path("EventPattern").asText()).path("source").toString());
    AwsCli.Result missing =
        aws.run("events", "describe-rule", "--name", "nope", "--event-bus-name", "warmcache");
    assertNotEquals(0, missing.exitCode());
    assertTrue(missing.stderr().contains("ResourceNotFoundException"), missing.stderr());
  }

  @Test
  void aTargetThatKeepsFailingGetsTheEventDeadLettered() throws Exception {
    aws.run(
            "events",
            "put-events",
            "--entries",
            "[{\"EventBusName\":\"warmcache\",\"Source\":\"test.flaky\",\"DetailType\":\"X\",\"Detail\":\"{\\\"n\\\":1}\"}]")
        .ok();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (deadLetters.list().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    JsonNode letter = deadLetters.list().get(0);
    assertEquals("rule/warmcache/warmcache-flaky", letter.path("source").asText());
    assertEquals(1, letter.path("payload").path("detail").path("n").asInt());
    assertEquals(4, flakyFailures.get(), "one attempt and three retries");
  }
}
