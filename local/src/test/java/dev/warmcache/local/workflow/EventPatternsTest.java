package dev.warmcache.local.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.event.ruler.Machine;

/**
 * The pattern files in events/ against the sample events, matched by AWS's Event Ruler as the twin
 * does.
 */
class EventPatternsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EVENTS =
      Path.of(System.getProperty("warmcache.asl.file", "../statemachine/refresh.asl.json"))
          .getParent()
          .resolveSibling("events");
  private static final Machine RULES = new Machine();
  private static final Machine FILTER = new Machine();

  @BeforeAll
  static void load() throws Exception {
    RULES.addRule("cache-miss", Files.readString(EVENTS.resolve("cache-miss.rule.json")));
    RULES.addRule("force-refresh", Files.readString(EVENTS.resolve("force-refresh.rule.json")));
    FILTER.addRule("ttl-expiry", Files.readString(EVENTS.resolve("ttl-expiry.filter.json")));
  }

  private static String sample(String name) throws Exception {
    return Files.readString(EVENTS.resolve("samples").resolve(name));
  }

  @Test
  void eachRuleMatchesItsOwnSampleOnly() throws Exception {
    assertEquals(List.of("cache-miss"), RULES.rulesForJSONEvent(sample("cache-miss.json")));
    assertEquals(List.of("force-refresh"), RULES.rulesForJSONEvent(sample("force-refresh.json")));
    String refreshed =
        sample("cache-miss.json")
            .replace("\"CacheMiss\"", "\"CacheRefreshed\"")
            .replace("warmcache.reader", "warmcache.refresh");
    assertEquals(
        List.of(), RULES.rulesForJSONEvent(refreshed), "the workflow's own events start nothing");
    String spoofed = sample("force-refresh.json").replace("warmcache.admin", "someone.else");
    assertEquals(List.of(), RULES.rulesForJSONEvent(spoofed));
  }

  @Test
  void theTtlFilterPassesServiceDeletionsOnly() throws Exception {
    JsonNode record = JSON.readTree(sample("ttl-expiry.json")).get(0);
    assertEquals(List.of("ttl-expiry"), FILTER.rulesForJSONEvent(record.toString()));

    String userDelete =
        record
            .toString()
            .replace("\"Service\"", "\"User\"")
            .replace("dynamodb.amazonaws.com", "AIDAEXAMPLE");
    assertEquals(
        List.of(), FILTER.rulesForJSONEvent(userDelete), "a person deleting an item is no expiry");
    String modify = record.toString().replace("\"REMOVE\"", "\"MODIFY\"");
    assertEquals(List.of(), FILTER.rulesForJSONEvent(modify));
    String streamsApiShape =
        record
            .toString()
            .replace("\"type\"", "\"Type\"")
            .replace("\"principalId\"", "\"PrincipalId\"");
    assertEquals(
        List.of(),
        FILTER.rulesForJSONEvent(streamsApiShape),
        "the filter is written for the Pipes record shape; the twin converts GetRecords records first");
  }

  @Test
  void theTtlDeletionOfAChangeRecordStartsNoRefresh() throws Exception {
    JsonNode changeRecord = JSON.readTree(sample("ttl-expiry-change-record.json")).get(0);
    assertEquals(
        List.of(),
        FILTER.rulesForJSONEvent(changeRecord.toString()),
        "change records have no version, and the filter passes only items that had one");
    JsonNode negativeEntry = JSON.readTree(sample("ttl-expiry.json")).get(0);
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            negativeEntry.path("dynamodb").path("OldImage"))
        .remove("value");
    assertEquals(
        List.of("ttl-expiry"),
        FILTER.rulesForJSONEvent(negativeEntry.toString()),
        "a negative entry has a version and still expires into a refresh");
  }
}
