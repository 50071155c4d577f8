package dev.warmcache.refresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.refresh.errors.InvalidIdException;
import dev.warmcache.refresh.errors.InvalidStreamRecordException;
import dev.warmcache.refresh.errors.MalformedStoredItemException;
import dev.warmcache.refresh.errors.MalformedTaskInputException;
import dev.warmcache.refresh.errors.MissingIdException;
import dev.warmcache.refresh.errors.UnexpectedTaskFailureException;
import dev.warmcache.refresh.errors.UnrecognisedTriggerException;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The clock-only tasks (lease, decide, grace) at a fixed instant; fetch is proven end to end in
 * local/.
 */
class RefreshHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
  private static final long NOW_S = NOW.getEpochSecond();

  private final RefreshHandler handler =
      new RefreshHandler(
          Settings.from(
              Map.of(
                  "LEASE_SECONDS",
                  "20",
                  "MAX_IDLE_REFRESHES",
                  "3",
                  "GRACE_TTL_SECONDS",
                  "100",
                  "ORIGIN_URL_TEMPLATE",
                  "http://127.0.0.1:9/items/{id}")),
          Clock.fixed(NOW, ZoneOffset.UTC));

  private JsonNode run(String request) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  private static String item(long version, long expiresAt, int idle) {
    return "{\"id\":{\"S\":\"15\"},\"value\":{\"S\":\"v\"},\"version\":{\"N\":\""
        + version
        + "\"},\"fetchedAt\":{\"N\":\"1\"},"
        + "\"expiresAt\":{\"N\":\""
        + expiresAt
        + "\"},\"idleRefreshes\":{\"N\":\""
        + idle
        + "\"}}";
  }

  /** The decide task for an early miss whose reader saw {@code seenVersion} of {@code stored}. */
  private JsonNode decideEarly(long seenVersion, String stored) throws Exception {
    return run(
        "{\"task\":\"decide\",\"refresh\":{\"trigger\":\"miss\",\"missReason\":\"early\",\"seenVersion\":"
            + seenVersion
            + ",\"id\":\"15\",\"expired\":{},\"current\":{\"item\":"
            + stored
            + "}}}");
  }

  @Test
  void leaseNormalizesTheIdAndStampsOwnerAndDeadline() throws Exception {
    JsonNode out =
        run(
            "{\"task\":\"lease\",\"owner\":\"arn:x\",\"input\":{\"detail-type\":\"ForceRefresh\",\"detail\":{\"id\":15}}}");

    assertEquals("15", out.get("id").asText());
    assertEquals("arn:x", out.get("owner").asText());
    assertEquals(Long.toString(NOW.toEpochMilli()), out.get("now").asText());
    assertEquals(Long.toString(NOW.toEpochMilli() + 20_000), out.get("leaseUntil").asText());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "early with a version | {\"reason\":\"early\",\"version\":4} | early | 4",
        "expired | {\"reason\":\"expired\",\"version\":4} | miss | 4",
        "unknown reason | {\"reason\":\"EARLY\",\"version\":4} | miss | 4",
        "version as text | {\"reason\":\"early\",\"version\":\"4\"} | early | ",
        "negative version | {\"reason\":\"early\",\"version\":-1} | early | ",
        "fractional version | {\"reason\":\"early\",\"version\":4.5} | early | ",
        "huge version | {\"reason\":\"early\",\"version\":99999999999999999999} | early | "
      })
  void leaseTakesOnlyAKnownReasonAndAPlainVersionFromTheUntrustedMissDetail(
      String name, String detail, String reason, Long seen) throws Exception {
    JsonNode out =
        run(
            "{\"task\":\"lease\",\"owner\":\"arn:x\",\"startedAt\":\"2026-11-21T23:59:59.5Z\","
                + "\"input\":{\"detail-type\":\"CacheMiss\",\"detail\":"
                + detail.replaceFirst("\\{", "{\"id\":\"15\",")
                + "}}");
    assertFalse(out.has("detail"), "the raw detail does not travel on");
    assertEquals(reason, out.has("missReason") ? out.get("missReason").asText() : null);
    assertEquals(seen, out.has("seenVersion") ? out.get("seenVersion").asLong() : null);
    assertEquals(Long.toString(NOW.toEpochMilli() - 500), out.get("startedAt").asText());
  }

  @Test
  void aForgedExecutionStartTimeCannotStretchTheMeasuredRefresh() throws Exception {
    JsonNode out =
        run(
            "{\"task\":\"lease\",\"owner\":\"arn:x\",\"startedAt\":\"1970-01-01T00:00:00Z\","
                + "\"input\":{\"detail-type\":\"ForceRefresh\",\"detail\":{\"id\":\"15\"}}}");
    assertEquals(
        Long.toString(NOW.toEpochMilli() - 20_000),
        out.get("startedAt").asText(),
        "clamped to one lease");
    JsonNode garbage =
        run(
            "{\"task\":\"lease\",\"owner\":\"arn:x\",\"startedAt\":\"soon\","
                + "\"input\":{\"detail-type\":\"ForceRefresh\",\"detail\":{\"id\":\"15\"}}}");
    assertEquals(Long.toString(NOW.toEpochMilli()), garbage.get("startedAt").asText());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "a plain claim | {\"N\":\"1795305500000\"} | 1795305500000",
        "taken this millisecond | {\"N\":\"1795305600000\"} | 1795305600000",
        "from the future | {\"N\":\"1795305600001\"} | ",
        "no claim | | ",
        "a string | {\"S\":\"1795305500000\"} | ",
        "negative | {\"N\":\"-5\"} | ",
        "fractional | {\"N\":\"1.5\"} | ",
        "too long | {\"N\":\"99999999999999999999\"} | "
      })
  void decideKeepsOnlyAPlainReaderClaimForTheWriteToCarryOver(String name, String claim, Long kept)
      throws Exception {
    String stored = item(5, NOW_S + 100, 0);
    if (claim != null) {
      stored = stored.replaceFirst("\\}$", ",\"refreshRequestedAt\":" + claim + "}");
    }
    JsonNode out = decideEarly(5, stored);
    JsonNode summary = out.path("current");
    assertEquals(
        kept,
        summary.has("refreshRequestedAt") ? summary.get("refreshRequestedAt").asLong() : null,
        summary.toString());
  }

  @Test
  void anEarlyMissFetchesAFreshValueUnlessANewerVersionIsStored() throws Exception {
    String fresh = item(5, NOW_S + 100, 0);
    JsonNode early = decideEarly(5, fresh);
    assertEquals("fetch", early.get("action").asText());
    JsonNode late = decideEarly(4, fresh);
    assertEquals("fresh", late.get("action").asText(), late.toString());
    JsonNode plain =
        run(
            "{\"task\":\"decide\",\"refresh\":{\"trigger\":\"miss\",\"missReason\":\"miss\","
                + "\"id\":\"15\",\"expired\":{},\"current\":{\"item\":"
                + fresh
                + "}}}");
    assertEquals("fresh", plain.get("action").asText());
  }

  @Test
  void badIdsAndBadTaskInputAreTypedErrors() {
    InvalidIdException invalid =
        assertThrows(
            InvalidIdException.class,
            () ->
                run(
                    "{\"task\":\"lease\",\"owner\":\"o\",\"input\":{\"detail-type\":\"ForceRefresh\","
                        + "\"detail\":{\"id\":\"../admin\"}}}"));
    assertTrue(invalid.getMessage().contains("'/'"), invalid.getMessage());
    assertEquals(0, invalid.getStackTrace().length, "no stack trace to leak");
    assertThrows(
        MalformedTaskInputException.class,
        () -> run("{\"task\":\"dance\",\"refresh\":{\"id\":\"1\"}}"));
    assertThrows(MalformedTaskInputException.class, () -> run("[1]"));
    assertThrows(MalformedTaskInputException.class, () -> run("{\"task\":"));
  }

  /** The workflow's task documents name their key in the log lines, bounded. */
  @Test
  void logLinesNameTheKeyOfTheTaskDocument() throws Exception {
    assertEquals("15", RefreshHandler.keyOf(JSON.readTree("{\"refresh\":{\"id\":\"15\"}}")));
    assertEquals("15", RefreshHandler.keyOf(JSON.readTree("{\"prime\":{\"id\":\"15\"}}")));
    assertEquals(null, RefreshHandler.keyOf(JSON.readTree("{\"prime\":{\"id\":{}}}")));
    String forged =
        RefreshHandler.keyOf(JSON.readTree("{\"prime\":{\"id\":\"" + "x".repeat(5000) + "\"}}"));
    assertTrue(forged.length() <= 129, "a forged key is cut to fit a log line");
  }

  @Test
  void aForgedPrimeTaskIsATypedErrorBeforeAnythingIsSent() {
    for (String prime :
        new String[] {
          "{\"task\":\"prime\"}",
          "{\"task\":\"prime\",\"prime\":[1]}",
          "{\"task\":\"prime\",\"prime\":{\"id\":\"15\"}}",
          "{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":0}}",
          "{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":1.5}}",
          "{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":\"7\"}}",
          "{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":9007199254740992}}"
        }) {
      MalformedTaskInputException e =
          assertThrows(MalformedTaskInputException.class, () -> run(prime), prime);
      assertEquals(0, e.getStackTrace().length, "no stack trace to leak");
    }
    assertThrows(
        InvalidIdException.class,
        () -> run("{\"task\":\"prime\",\"prime\":{\"id\":\"#changes#1\",\"version\":2}}"));
  }

  /** Priming is best effort: an unreachable Lambda API is counted, and the refresh goes on. */
  @Test
  void primesThatCannotBeSentAreCountedAsFailedNotThrown() throws Exception {
    RefreshHandler priming =
        new RefreshHandler(
            Settings.from(
                Map.of(
                    "ORIGIN_URL_TEMPLATE", "http://127.0.0.1:9/items/{id}",
                    "PRIME_FANOUT", "3",
                    "READER_FUNCTION_NAME", "warmcache-reader",
                    "AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:9",
                    "AWS_ACCESS_KEY_ID", "test",
                    "AWS_SECRET_ACCESS_KEY", "test")),
            Clock.fixed(NOW, ZoneOffset.UTC));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    priming.handleRequest(
        new ByteArrayInputStream(
            "{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":7}}"
                .getBytes(StandardCharsets.UTF_8)),
        out,
        null);
    JsonNode primed = JSON.readTree(out.toByteArray());
    assertEquals(3, primed.get("sent").asInt(), primed::toString);
    assertEquals(3, primed.get("failed").asInt(), primed::toString);
    assertEquals(0, primed.get("held").asInt(), primed::toString);
    assertEquals(0, primed.get("answers").size(), primed::toString);
  }

  @Test
  void withoutAReaderToPrimeNothingIsSent() throws Exception {
    JsonNode primed = run("{\"task\":\"prime\",\"prime\":{\"id\":\"15\",\"version\":7}}");
    assertEquals(0, primed.get("sent").asInt(), primed::toString);
  }

  @Test
  void decideSkipsFreshValuesUnlessForcedAndRetiresIdleExpiredKeys() throws Exception {
    String fresh = item(4, NOW_S + 60, 0);
    assertEquals(
        "fresh",
        run("{\"task\":\"decide\",\"refresh\":{\"trigger\":\"miss\",\"id\":\"15\",\"expired\":{},\"current\":{\"item\":"
                + fresh
                + "}}}")
            .get("action")
            .asText());
    assertEquals(
        "fetch",
        run("{\"task\":\"decide\",\"refresh\":{\"trigger\":\"force\",\"id\":\"15\",\"expired\":{},\"current\":{\"item\":"
                + fresh
                + "}}}")
            .get("action")
            .asText());
    JsonNode expiredIdle =
        run(
            "{\"task\":\"decide\",\"refresh\":{\"trigger\":\"expiry\",\"id\":\"15\",\"expired\":"
                + "{\"version\":4,\"idleRefreshes\":3},\"current\":{\"item\":{\"id\":{\"S\":\"15\"},\"leaseOwner\":{\"S\":\"o\"}}}}}");
    assertEquals("retire", expiredIdle.get("action").asText());
    assertFalse(
        expiredIdle.get("current").get("exists").asBoolean(), "a lease-only record is no item");
    assertEquals(
        "fetch",
        run("{\"task\":\"decide\",\"refresh\":{\"trigger\":\"expiry\",\"id\":\"15\",\"expired\":"
                + "{\"version\":4,\"idleRefreshes\":2},\"current\":{\"item\":{\"id\":{\"S\":\"15\"}}}}}")
            .get("action")
            .asText());
    JsonNode summary =
        run("{\"task\":\"decide\",\"refresh\":{\"trigger\":\"miss\",\"id\":\"15\",\"expired\":{},\"current\":{\"item\":"
                + item(4, NOW_S - 1, 0)
                + "}}}")
            .get("current");
    assertFalse(summary.has("value"), "the value does not travel on through the workflow");
    assertEquals(4, summary.get("version").asLong());
  }

  @Test
  void graceExtendsWithoutShorteningAndNeverPutsADeletedValueBack() throws Exception {
    String failure =
        "\"failure\":{\"Error\":\"dev.warmcache.refresh.errors.OriginUnavailableException\","
            + "\"Cause\":\"{\\\"errorMessage\\\":\\\"origin answered 500\\\"}\"}";
    JsonNode extendShort =
        run("{\"task\":\"grace\",\"refresh\":{\"trigger\":\"miss\",\"id\":\"15\",\"owner\":\"o\",\"expired\":{},"
                + "\"current\":{\"exists\":true,\"expiresAt\":"
                + (NOW_S - 5)
                + "},"
                + failure
                + "}}")
            .get("grace");
    assertEquals("extend", extendShort.get("action").asText());
    assertEquals(Long.toString(NOW_S + 100), extendShort.get("expiresAt").asText());
    assertEquals("origin answered 500", extendShort.get("event").get("message").asText());
    JsonNode extendLong =
        run("{\"task\":\"grace\",\"refresh\":{\"trigger\":\"force\",\"id\":\"15\",\"owner\":\"o\",\"expired\":{},"
                + "\"current\":{\"exists\":true,\"expiresAt\":"
                + (NOW_S + 500)
                + "},"
                + failure
                + "}}")
            .get("grace");
    assertEquals(
        Long.toString(NOW_S + 500),
        extendLong.get("expiresAt").asText(),
        "never shortens a fresh value");

    JsonNode deleted =
        run("{\"task\":\"grace\",\"refresh\":{\"trigger\":\"expiry\",\"id\":\"15\",\"owner\":\"o\",\"expired\":"
                + "{\"version\":4,\"idleRefreshes\":1},\"current\":{\"exists\":false},"
                + failure
                + "}}")
            .get("grace");
    assertEquals(
        "release",
        deleted.get("action").asText(),
        "the stream record's value is never written back");
    assertFalse(deleted.has("item"));

    assertEquals(
        "release",
        run("{\"task\":\"grace\",\"refresh\":{\"trigger\":\"miss\",\"id\":\"15\",\"owner\":\"o\",\"expired\":{},"
                + "\"current\":{\"exists\":false},"
                + failure
                + "}}")
            .get("grace")
            .get("action")
            .asText());
  }

  private static final String OWNER =
      "arn:aws:states:us-east-1:000000000000:execution:warmcache-refresh:run-1";

  static final String OWN_STREAM =
      "arn:aws:dynamodb:us-east-1:000000000000:table/warmcache/stream/2026-11-21T00:00:00.000";

  /** A Pipe's batch of one TTL REMOVE record of key 15, as the Pipe delivers it. */
  static String expiryRecord(String oldImage) {
    return "[{\"eventName\":\"REMOVE\",\"eventSourceARN\":\""
        + OWN_STREAM
        + "\",\"userIdentity\":{\"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\"},"
        + "\"dynamodb\":{\"Keys\":{\"id\":{\"S\":\"15\"}},\"OldImage\":"
        + oldImage
        + "}}]";
  }

  private JsonNode leaseExpiry(String oldImage) throws Exception {
    return leaseInput(expiryRecord(oldImage));
  }

  private JsonNode leaseInput(String input) throws Exception {
    return run("{\"task\":\"lease\",\"owner\":\"" + OWNER + "\",\"input\":" + input + "}");
  }

  /**
   * The adversarial-testing reproductions: records the Pipe never delivers, started by hand. Each
   * fails by name before any lease or fetch.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "MODIFY | \"eventName\":\"REMOVE\" | \"eventName\":\"MODIFY\" | UnrecognisedTrigger",
        "INSERT | \"eventName\":\"REMOVE\" | \"eventName\":\"INSERT\" | UnrecognisedTrigger",
        "no eventName | \"eventName\":\"REMOVE\", | '' | UnrecognisedTrigger",
        "foreign table | table/warmcache/stream | table/other/stream | InvalidStreamRecord",
        "foreign account | 000000000000:table | 999999999999:table | InvalidStreamRecord",
        "foreign region | us-east-1:000000000000:table | eu-west-1:000000000000:table | InvalidStreamRecord",
        "foreign partition | arn:aws:dynamodb | arn:aws-cn:dynamodb | InvalidStreamRecord",
        "a table, not its stream | /stream/2026-11-21T00:00:00.000 | '' | InvalidStreamRecord",
        "a prefix of the table's name | table/warmcache/ | table/warmcache-old/ | InvalidStreamRecord",
        "no source | \"eventSourceARN\" | \"source\" | InvalidStreamRecord",
        "a user's delete | \"type\":\"Service\",\"principalId\":\"dynamodb.amazonaws.com\" | \"type\":\"IAMUser\",\"principalId\":\"AIDA\" | InvalidStreamRecord",
        "no identity | \"userIdentity\" | \"identity\" | InvalidStreamRecord",
        "principal in the wrong case | dynamodb.amazonaws.com | DynamoDB.amazonaws.com | InvalidStreamRecord"
      })
  void aStreamRecordThePipeWouldNeverDeliverIsRefusedByName(
      String name, String genuine, String forged, String error) {
    String record = expiryRecord(item(4, NOW_S - 1, 0));
    assertTrue(record.contains(genuine), genuine);
    String input = record.replace(genuine, forged);
    Exception e = assertThrows(RuntimeException.class, () -> leaseInput(input));
    assertEquals(error + "Exception", e.getClass().getSimpleName(), e.getMessage());
  }

  @Test
  void aPipeBatchHoldsExactlyOneRecord() {
    String one = expiryRecord(item(4, NOW_S - 1, 0));
    String two = one.substring(0, one.length() - 1) + "," + one.substring(1);
    assertThrows(UnrecognisedTriggerException.class, () -> leaseInput(two));
  }

  @Test
  void anExpiredImageIsReducedToItsVersionAndIdleCountAndItsValueGoesNoFurther() throws Exception {
    JsonNode out = leaseExpiry(item(4, NOW_S - 1, 2));

    assertEquals(JSON.readTree("{\"version\":4,\"idleRefreshes\":2}"), out.get("expired"));
    assertFalse(out.has("heldBy"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "another id | {\"id\":{\"S\":\"16\"},\"version\":{\"N\":\"4\"},\"value\":{\"S\":\"v\"}}",
        "no id | {\"version\":{\"N\":\"4\"},\"value\":{\"S\":\"v\"}}",
        "not a map | \"x\"",
        "unknown attribute | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"admin\":{\"BOOL\":true}}",
        "value as a map | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"value\":{\"M\":{}}}",
        "version as text | {\"id\":{\"S\":\"15\"},\"version\":{\"S\":\"4\"}}",
        "version at long max | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"9223372036854775807\"}}",
        "version at the maximum | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"9007199254740991\"}}",
        "version at the old border | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"9007199254740990\"}}",
        "version a day and a second ahead | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"1795392001000\"}}",
        "negative version | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"-1\"}}",
        "fractional version | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"1.5\"}}",
        "huge exponent | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"1e999999999\"}}",
        "negative idle count | {\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"idleRefreshes\":{\"N\":\"-3\"}}"
      })
  void aForgedExpiredImageIsRefusedByName(String name, String oldImage) {
    InvalidStreamRecordException e =
        assertThrows(InvalidStreamRecordException.class, () -> leaseExpiry(oldImage));
    assertTrue(
        e.getMessage().startsWith("TTL-expiry record for 15 refused: ")
            || e.getMessage().startsWith("The REMOVE record's OldImage holds no version"),
        e.getMessage());
  }

  @Test
  void aLeaseInTheImageIsHandedBackOnlyToThisStateMachineAndNeverBeyondLeaseSeconds()
      throws Exception {
    long now = NOW.toEpochMilli();
    String year3000 = "\"leaseUntil\":{\"N\":\"32503680000000\"}";
    JsonNode forged =
        leaseExpiry(
            "{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"leaseOwner\":{\"S\":\""
                + OWNER.replace("run-1", "evil")
                + "\"},"
                + year3000
                + "}");
    assertEquals(
        Long.toString(now + 20_000),
        forged.get("leaseUntil").asText(),
        "clamped to now + LEASE_SECONDS");
    assertEquals(
        OWNER.replace("run-1", "evil"),
        forged.get("leaseHolder").asText(),
        "the holder gets it back");

    JsonNode live =
        leaseExpiry(
            "{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"leaseOwner\":{\"S\":\""
                + OWNER.replace("run-1", "run-0")
                + "\"},\"leaseUntil\":{\"N\":\""
                + (now + 5_000)
                + "\"}}");
    assertEquals(Long.toString(now + 5_000), live.get("leaseUntil").asText());

    JsonNode foreign =
        leaseExpiry(
            "{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"leaseOwner\":{\"S\":\"arn:aws:states:us-east-1:000000000000:"
                + "execution:other-machine:x\"},"
                + year3000
                + "}");
    assertFalse(
        foreign.has("heldBy"),
        "a lease of another state machine is not this workflow's to hand back");
    JsonNode lapsed =
        leaseExpiry(
            "{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"4\"},\"leaseOwner\":{\"S\":\""
                + OWNER.replace("run-1", "run-0")
                + "\"},\"leaseUntil\":{\"N\":\""
                + (now - 1)
                + "\"}}");
    assertFalse(lapsed.has("heldBy"));
    assertEquals(
        JSON.readTree("{\"version\":4,\"idleRefreshes\":0}"),
        lapsed.get("expired"),
        "a lapsed lease is not handed back");
  }

  @Test
  void aMalformedStoredItemIsRepairedWithAHigherVersionOrNamed() throws Exception {
    JsonNode repair =
        run(
            "{\"task\":\"decide\",\"refresh\":{\"trigger\":\"miss\",\"id\":\"15\",\"expired\":{},"
                + "\"current\":{\"item\":{\"id\":{\"S\":\"15\"},\"version\":{\"N\":\"6\"}}}}}");
    assertEquals("fetch", repair.get("action").asText());
    assertEquals(6, repair.get("current").get("version").asLong());
    assertTrue(repair.get("current").get("exists").asBoolean());
    assertTrue(
        repair.get("reason").asText().startsWith("the stored item is malformed"),
        repair.get("reason").asText());

    for (String version : new String[] {"x", "4.5", ""}) {
      assertThrows(
          MalformedStoredItemException.class,
          () ->
              run(
                  "{\"task\":\"decide\",\"refresh\":{\"trigger\":"
                      + "\"force\",\"id\":\"15\",\"expired\":{},\"current\":{\"item\":{\"id\":{\"S\":\"15\"},\"value\":{\"S\":\"v\"},"
                      + "\"version\":{\"N\":\""
                      + version
                      + "\"}}}}}"),
          version);
    }
  }

  /**
   * A stored version no write can have stored by now (the old border that a forged record pushed a
   * key to, the maximum, anything negative) is not a dead end: decide fetches, and the fetch writes
   * the clock's floor (see RefreshFetchTest), which the store state may put over it.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "9007199254740990",
        "9007199254740991",
        "9223372036854775807",
        "1e999999999",
        "-2"
      })
  void aStoredVersionNoWriteCanHaveStoredIsRepairedNotFrozen(String version) throws Exception {
    JsonNode repair =
        run(
            "{\"task\":\"decide\",\"refresh\":{\"trigger\":\"force\",\"id\":\"15\",\"expired\":{},"
                + "\"current\":{\"item\":{\"id\":{\"S\":\"15\"},\"value\":{\"S\":\"v\"},"
                + "\"version\":{\"N\":\""
                + version
                + "\"}}}}}");
    assertEquals("fetch", repair.get("action").asText());
    assertEquals(-1, repair.get("current").get("version").asLong(), "not to be continued");
    assertTrue(repair.get("current").get("exists").asBoolean());
  }

  /**
   * The origin client is built at init, so a deploy with a bad template fails its first init, not
   * every refresh.
   */
  @Test
  void aMissingOrBadOriginTemplateFailsTheInit() {
    assertThrows(
        dev.warmcache.settings.InvalidSettingException.class, () -> new RefreshHandler(Map.of()));
    assertThrows(
        dev.warmcache.settings.InvalidSettingException.class,
        () ->
            new RefreshHandler(
                Map.of("ORIGIN_URL_TEMPLATE", "https://api.example.com/items?id={id}")));
  }

  /**
   * The reader's catch-all is the model: whatever goes wrong, the error document has no stack trace
   * and no cause.
   */
  @Test
  void anUnexpectedFailureIsNamedWithoutAStackTrace() {
    Clock broken =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            throw new IllegalStateException("clock exploded at dev.warmcache.Secret.java:42");
          }
        };
    RefreshHandler failing =
        new RefreshHandler(
            Settings.from(Map.of("ORIGIN_URL_TEMPLATE", "http://127.0.0.1:9/{id}")), broken);
    byte[] request =
        "{\"task\":\"lease\",\"owner\":\"arn:x\",\"input\":{\"detail-type\":\"ForceRefresh\",\"detail\":{\"id\":\"15\"}}}"
            .getBytes(StandardCharsets.UTF_8);

    UnexpectedTaskFailureException e =
        assertThrows(
            UnexpectedTaskFailureException.class,
            () ->
                failing.handleRequest(
                    new ByteArrayInputStream(request), new ByteArrayOutputStream(), null));

    assertEquals(0, e.getStackTrace().length);
    assertEquals(null, e.getCause());
    assertEquals(
        "the lease task failed unexpectedly (IllegalStateException); see the refresh function's log",
        e.getMessage());
  }

  /**
   * The size check counts what the state really holds: Jackson's own serialization of the value.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "plain",
        "\"quoted\" \\ back",
        "tab\tnew\nline\u0001",
        "é ü ß",
        "€ ✓",
        "😀 emoji 😀",
        "\ud800 lone surrogate"
      })
  void theEscapedSizeIsTheSizeInTheState(String value) throws Exception {
    assertEquals(
        JSON.writeValueAsBytes(value).length - 2, RefreshTasks.jsonStringBytes(value), value);
    String quoteDense = "\"".repeat(110_000);
    assertEquals(220_000, RefreshTasks.jsonStringBytes(quoteDense), "every quote doubles");
  }

  /** The first task reads each trigger in the shape its source delivers it. */
  @Test
  void theLeaseTaskReadsEachTriggerShapeAndRefusesOthersByName() throws Exception {
    JsonNode miss =
        run(
            "{\"task\":\"lease\",\"owner\":\""
                + OWNER
                + "\",\"input\":{\"detail-type\":\"CacheMiss\","
                + "\"source\":\"warmcache.reader\",\"detail\":{\"id\":\"15\",\"reason\":\"early\",\"version\":3}}}");
    assertEquals("miss", miss.get("trigger").asText());
    assertEquals("early", miss.get("missReason").asText());
    assertEquals(OWNER, miss.get("leaseHolder").asText());
    JsonNode force =
        run(
            "{\"task\":\"lease\",\"owner\":\""
                + OWNER
                + "\",\"input\":{\"detail-type\":\"ForceRefresh\","
                + "\"detail\":{\"id\":15}}}");
    assertEquals("force", force.get("trigger").asText());
    assertEquals("15", force.get("id").asText());
    JsonNode expiry =
        run(
            "{\"task\":\"lease\",\"owner\":\""
                + OWNER
                + "\",\"input\":"
                + expiryRecord(item(4, NOW_S - 1, 1))
                + "}");
    assertEquals("expiry", expiry.get("trigger").asText());
    assertEquals(4, expiry.get("expired").get("version").asLong());

    assertThrows(
        MissingIdException.class,
        () ->
            run(
                "{\"task\":\"lease\",\"owner\":\"o\",\"input\":"
                    + "{\"detail-type\":\"CacheMiss\",\"detail\":\"early\"}}"),
        "a detail that is not an object has no id");
    assertThrows(
        MissingIdException.class,
        () ->
            run(
                "{\"task\":\"lease\",\"owner\":\"o\",\"input\":"
                    + "{\"detail-type\":\"CacheMiss\",\"detail\":{}}}"));
    for (String input :
        new String[] {
          "{\"hello\":\"world\"}", "[]", "[{\"eventName\":\"REMOVE\"}]", "\"x\"", "null"
        }) {
      assertThrows(
          UnrecognisedTriggerException.class,
          () -> run("{\"task\":\"lease\",\"owner\":\"o\",\"input\":" + input + "}"),
          input);
    }
  }

  @Test
  void theSnapStartWarmUpRunsWithoutIo() throws Exception {
    handler.beforeCheckpoint(null);
  }
}
