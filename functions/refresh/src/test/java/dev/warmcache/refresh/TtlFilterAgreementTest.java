package dev.warmcache.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.refresh.errors.RefreshException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.event.ruler.Machine;

/**
 * The lease task reads a stream record exactly as strictly as the Pipe's filter, {@code
 * events/ttl-expiry.filter.json}, matched here by Event Ruler as the Pipe (and the twin) match it:
 * each variant of the sample record is passed by both or refused by both. The source ARN is the
 * Pipe's own stream here; the filter never sees another, and the lease task's check of it is tested
 * in RefreshHandlerTest.
 */
class TtlFilterAgreementTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OWNER =
      "arn:aws:states:us-east-1:000000000000:execution:warmcache-refresh:run-1";
  private static final Machine FILTER = new Machine();

  /**
   * A global table's home Pipe: the TTL filter and the replicated-deletion filter, either passes.
   */
  private static final Machine GLOBAL_FILTERS = new Machine();

  private static JsonNode sample;

  /** The sample expired at its expiresAt (1795262400); the task runs a minute later. */
  private static final long NOW = 1_795_262_460L;

  @BeforeAll
  static void load() throws Exception {
    Path events = Path.of("../../events");
    FILTER.addRule("ttl", Files.readString(events.resolve("ttl-expiry.filter.json")));
    GLOBAL_FILTERS.addRule("ttl", Files.readString(events.resolve("ttl-expiry.filter.json")));
    GLOBAL_FILTERS.addRule(
        "replicated", Files.readString(events.resolve("ttl-expiry-replicated.filter.json")));
    sample = JSON.readTree(events.resolve("samples/ttl-expiry.json").toFile()).get(0);
  }

  static Stream<Arguments> variants() {
    return Stream.of(
        variant("the sample", r -> {}),
        variant("MODIFY", r -> r.put("eventName", "MODIFY")),
        variant("INSERT", r -> r.put("eventName", "INSERT")),
        variant("no eventName", r -> r.remove("eventName")),
        variant("no identity", r -> r.remove("userIdentity")),
        variant("a user's delete", r -> identity(r).put("type", "IAMUser")),
        variant("another principal", r -> identity(r).put("principalId", "lambda.amazonaws.com")),
        variant("the Streams API's spelling", r -> streamsApiIdentity(r)),
        variant("no version", r -> oldImage(r).remove("version")),
        variant("version as text", r -> oldImage(r).putObject("version").put("S", "7")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void theLeaseTaskPassesExactlyWhatThePipesFilterPasses(String name, JsonNode record)
      throws Exception {
    boolean pipePasses = !FILTER.rulesForJSONEvent(JSON.writeValueAsString(record)).isEmpty();
    ArrayNode batch = JSON.createArrayNode().add(record);
    boolean taskPasses;
    try {
      Trigger.normalize(batch, OWNER, "warmcache");
      taskPasses = true;
    } catch (RefreshException e) {
      taskPasses = false;
    }
    assertEquals(pipePasses, taskPasses, name + ": the filter and the lease task disagree");
  }

  static Stream<Arguments> globalVariants() {
    return Stream.concat(
        variants(),
        Stream.of(
            variant("a replicated expiry (no identity, expired)", r -> r.remove("userIdentity")),
            variant(
                "a delete (no identity, not expired)",
                r -> {
                  r.remove("userIdentity");
                  oldImage(r).putObject("expiresAt").put("N", Long.toString(NOW + 3_600));
                }),
            variant(
                "no identity, no expiresAt",
                r -> {
                  r.remove("userIdentity");
                  oldImage(r).remove("expiresAt");
                }),
            variant(
                "no identity, expiresAt as text",
                r -> {
                  r.remove("userIdentity");
                  oldImage(r).putObject("expiresAt").put("S", "1");
                }),
            variant("an empty identity", r -> r.putObject("userIdentity")),
            variant(
                "a replicated MODIFY",
                r -> {
                  r.remove("userIdentity");
                  r.put("eventName", "MODIFY");
                })));
  }

  /**
   * In a global table the home Pipe passes REMOVEs without identity too, since AWS does not say
   * which region's TTL deletes an item; the Pipe cannot read a clock, so a delete passes it and the
   * lease task ends it ({@code UserDeleteException}, a Succeed state). Every other record is
   * refused by both.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("globalVariants")
  void inAGlobalTableTheLeaseTaskPassesOrLeavesAloneExactlyWhatTheHomePipePasses(
      String name, JsonNode record) throws Exception {
    boolean pipePasses =
        !GLOBAL_FILTERS.rulesForJSONEvent(JSON.writeValueAsString(record)).isEmpty();
    ArrayNode batch = JSON.createArrayNode().add(record);
    String outcome;
    try {
      outcome = Trigger.normalize(batch, OWNER, "warmcache", true, NOW).path("trigger").asText();
    } catch (dev.warmcache.refresh.errors.UserDeleteException e) {
      outcome = "left alone";
    } catch (RefreshException e) {
      outcome = "refused";
    }
    assertEquals(pipePasses, !outcome.equals("refused"), name + ": " + outcome);
    if (name.startsWith("a replicated expiry") || name.equals("the sample")) {
      assertEquals("expiry", outcome, name);
    }
    if (name.startsWith("a delete")) {
      assertEquals("left alone", outcome, name);
    }
  }

  @org.junit.jupiter.api.Test
  void theReplicatedSampleIsTheSampleWithoutItsIdentityAndStartsOneRefresh() throws Exception {
    JsonNode replicated =
        JSON.readTree(Path.of("../../events/samples/ttl-expiry-replicated.json").toFile());

    assertEquals(1, replicated.size());
    assertTrue(replicated.get(0).path("userIdentity").isMissingNode());
    assertTrue(FILTER.rulesForJSONEvent(JSON.writeValueAsString(replicated.get(0))).isEmpty());
    assertEquals(
        List.of("replicated"),
        GLOBAL_FILTERS.rulesForJSONEvent(JSON.writeValueAsString(replicated.get(0))));
    assertEquals(
        "expiry",
        Trigger.normalize(replicated, OWNER, "warmcache", true, NOW).path("trigger").asText());
    org.junit.jupiter.api.Assertions.assertThrows(
        dev.warmcache.refresh.errors.InvalidStreamRecordException.class,
        () -> Trigger.normalize(replicated, OWNER, "warmcache", false, NOW),
        "one region: a REMOVE without TTL identity is never an expiry");
  }

  private static Arguments variant(String name, Consumer<ObjectNode> change) {
    ObjectNode record = sample.deepCopy();
    change.accept(record);
    return Arguments.of(name, record);
  }

  private static ObjectNode identity(ObjectNode record) {
    return (ObjectNode) record.get("userIdentity");
  }

  private static ObjectNode oldImage(ObjectNode record) {
    return (ObjectNode) record.get("dynamodb").get("OldImage");
  }

  private static void streamsApiIdentity(ObjectNode record) {
    record
        .putObject("userIdentity")
        .put("Type", "Service")
        .put("PrincipalId", "dynamodb.amazonaws.com");
  }
}
