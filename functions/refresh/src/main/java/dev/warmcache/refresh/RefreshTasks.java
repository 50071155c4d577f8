package dev.warmcache.refresh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.events.RefreshTrigger;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.AttributeJson;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.MalformedItemException;
import dev.warmcache.item.Versions;
import dev.warmcache.json.Json;
import dev.warmcache.origin.OriginClient;
import dev.warmcache.origin.OriginException;
import dev.warmcache.origin.OriginResponse;
import dev.warmcache.origin.Validators;
import dev.warmcache.refresh.errors.InvalidIdException;
import dev.warmcache.refresh.errors.MalformedStoredItemException;
import dev.warmcache.refresh.errors.MalformedTaskInputException;
import dev.warmcache.refresh.errors.OriginBodyTooLargeException;
import dev.warmcache.refresh.errors.OriginRejectedException;
import dev.warmcache.refresh.errors.OriginUnavailableException;
import dev.warmcache.settings.Settings;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The four tasks of the refresh workflow. Each takes the refresh document the ASL carries and
 * returns the next one. The document never holds more than one copy of a value, because Step
 * Functions caps a state's payload at 256 KiB.
 */
final class RefreshTasks {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Longest ETag, Last-Modified or Content-Type kept; longer ones are dropped, not stored. */
  static final int MAX_HEADER_CHARS = 1024;

  private final Settings settings;
  private final Clock clock;
  private final OriginClient origin;
  private final Primer primer;

  /**
   * Builds the origin client now, so a missing or bad {@code ORIGIN_URL_TEMPLATE} fails the init,
   * not every refresh.
   */
  RefreshTasks(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.origin = OriginClient.from(settings);
    this.primer = new Primer(settings);
  }

  ObjectNode run(JsonNode request) {
    String task = request.path("task").asText("");
    ObjectNode doc;
    if (task.equals("prime")) {
      return prime(request.path("prime"));
    }
    if (task.equals("lease")) {
      // The workflow's first task: the execution input as it arrived, in any of its three shapes.
      if (!request.has("input")) {
        throw new MalformedTaskInputException("the lease task needs the execution \"input\"");
      }
      doc =
          Trigger.normalize(
              request.get("input"),
              request.path("owner").asText(""),
              settings.tableName(),
              settings.globalTable(),
              clock.millis() / 1000);
    } else {
      JsonNode refresh = request.path("refresh");
      if (!refresh.isObject()) {
        throw new MalformedTaskInputException("the task input needs a \"refresh\" object");
      }
      doc = ((ObjectNode) refresh).deepCopy();
    }
    return switch (task) {
      case "lease" ->
          lease(doc, request.path("owner").asText(""), request.path("startedAt").asText(""));
      case "decide" -> decide(doc);
      case "fetch" -> fetch(doc);
      case "grace" -> grace(doc);
      default ->
          throw new MalformedTaskInputException(
              "unknown task \"" + task + "\"; expected lease, decide, fetch, prime or grace");
    };
  }

  /**
   * Validates the id and stamps the lease: owner, now and deadline, in epoch milliseconds. Also
   * notes when the execution started (to measure the refresh, Δ of early refresh) and, for a
   * CacheMiss, the reason and the version the reader saw.
   */
  ObjectNode lease(ObjectNode doc, String owner, String executionStartTime) {
    ItemId id = id(doc);
    if (owner.isEmpty()) {
      throw new MalformedTaskInputException("the lease task needs an owner (the execution ARN)");
    }
    long now = clock.millis();
    doc.put("id", id.value());
    doc.put("owner", owner);
    doc.put("now", Long.toString(now));
    doc.put("leaseUntil", Long.toString(now + settings.lease().toMillis()));
    doc.put("startedAt", Long.toString(startedAt(executionStartTime, now)));
    JsonNode detail = doc.remove("detail");
    if (detail != null && detail.isObject()) {
      // The CacheMiss detail is untrusted input: only a known reason and a plain non-negative
      // version are taken; anything else reads as a plain miss that saw no version.
      doc.put("missReason", detail.path("reason").asText("").equals("early") ? "early" : "miss");
      JsonNode seen = detail.path("version");
      if (seen.canConvertToExactIntegral() && seen.canConvertToLong() && seen.asLong() >= 0) {
        doc.put("seenVersion", seen.asLong());
      }
    }
    // Only the expiry trigger carries an image (the other Pass states write {}); of it, only a
    // checked summary travels on: never its value, never its lease unchecked.
    ObjectNode expired =
        RefreshTrigger.EXPIRY.is(doc.path("trigger").asText())
            ? ExpiredImage.check(doc.path("expired"), id, owner, now, settings.lease().toMillis())
            : NODES.objectNode();
    // TTL may delete an expired item while a refresh of it holds the lease; that lease is then
    // only in the REMOVE record, and the workflow hands it back instead of fetching a second time.
    JsonNode heldBy = expired.remove("heldBy");
    JsonNode heldUntil = expired.remove("heldUntil");
    // Whom "Take the refresh lease" writes as the holder: this execution, or the refresh a TTL
    // deletion interrupted, which gets its lease back (until no later than now + LEASE_SECONDS).
    doc.put("leaseHolder", owner);
    if (heldBy != null) {
      doc.set("heldBy", heldBy);
      doc.set("leaseHolder", heldBy);
      doc.set("leaseUntil", heldUntil);
    }
    doc.set("expired", expired);
    return doc;
  }

  /**
   * Fresh (skip), retire (idle key on expiry) or fetch. Replaces the leased item by a value-free
   * summary.
   */
  ObjectNode decide(ObjectNode doc) {
    ItemId id = id(doc);
    String trigger = doc.path("trigger").asText();
    JsonNode stored = doc.path("current").path("item");
    Optional<Item> current;
    ObjectNode summary;
    try {
      current = item(stored);
      summary = summary(current);
    } catch (MalformedItemException e) {
      // A stored record that is not a valid item: a fetch repairs it with a higher version if its
      // version can be read; otherwise no write could ever replace it, and that is named.
      current = Optional.empty();
      summary = repairable(stored, e);
    }
    Optional<Long> claim = claim(stored, clock.millis());
    if (claim.isPresent()) {
      summary.put(ItemAttributes.REFRESH_REQUESTED_AT, claim.get());
    }
    JsonNode expired = doc.path("expired");
    long nowSeconds = clock.instant().getEpochSecond();
    String action;
    String reason;
    boolean early =
        RefreshTrigger.MISS.is(trigger) && doc.path("missReason").asText().equals("early");
    boolean fresh = current.isPresent() && !current.get().isExpiredAt(clock.instant());
    long seen = doc.path("seenVersion").asLong(-1);
    if (doc.has("heldBy")) {
      // The lease was handed back to the refresh still running for this key: it writes, not us.
      action = "handedBack";
      reason =
          "the lease went back to "
              + doc.path("heldBy").asText()
              + ", which is still refreshing it";
    } else if (fresh && doc.has("seenVersion") && current.get().version() > seen) {
      // The reader saw an older version: someone already refreshed what it asked about.
      action = "fresh";
      reason =
          "version "
              + current.get().version()
              + " is stored, newer than the "
              + seen
              + " the reader saw";
    } else if (fresh && !RefreshTrigger.FORCE.is(trigger) && !early) {
      action = "fresh";
      reason =
          "the stored value is fresh until "
              + current.get().expiresAtEpochSeconds()
              + " (now "
              + nowSeconds
              + ")";
    } else if (RefreshTrigger.EXPIRY.is(trigger)
        && !summary.path("exists").asBoolean()
        && expired.has("version")
        && expired.path("idleRefreshes").asLong() >= settings.maxIdleRefreshes()) {
      action = "retire";
      reason =
          "no reader read "
              + id
              + " in "
              + expired.path("idleRefreshes").asLong()
              + " refreshes (MAX_IDLE_REFRESHES="
              + settings.maxIdleRefreshes()
              + ")";
    } else {
      action = "fetch";
      reason =
          summary.has("malformed")
              ? "the stored item is malformed ("
                  + summary.get("malformed").asText()
                  + "); a fetch replaces it"
              : RefreshTrigger.FORCE.is(trigger)
                  ? "forced"
                  : early
                      ? "early refresh of a value close to its expiry"
                      : current.isPresent() ? "the stored value expired" : "no stored value";
    }
    doc.set("current", summary);
    doc.put("action", action);
    doc.put("reason", reason);
    return doc;
  }

  /** GETs the origin and prepares the write: the next item, or a TTL renewal on 304. */
  ObjectNode fetch(ObjectNode doc) {
    ItemId id = id(doc);
    String trigger = doc.path("trigger").asText();
    JsonNode current = doc.path("current");
    JsonNode expired = doc.path("expired");
    boolean hasValue =
        current.path("exists").asBoolean(false)
            && !current.path("notFound").asBoolean(false)
            && !current.has("malformed");
    // Never continued from the input (an expired image may be forged): from the table, or from the
    // clock's floor when the table holds no version (see Versions and docs/item.md).
    long writtenAt = clock.millis();
    long nextVersion =
        current.path("exists").asBoolean(false)
            ? Versions.next(current.path("version").asLong(-1), writtenAt)
            : Versions.floor(writtenAt);
    int baseIdle =
        (int)
            Math.min(
                Integer.MAX_VALUE - 1,
                current.path("exists").asBoolean(false)
                    ? current.path("idleRefreshes").asLong(0)
                    : expired.path("idleRefreshes").asLong(0));
    // A reader asked for this key, so it is not idle; expiries and forced refreshes count as idle.
    int idle = RefreshTrigger.MISS.is(trigger) ? 0 : baseIdle + 1;
    Validators validators =
        hasValue
            ? Validators.of(text(current, "etag"), text(current, "lastModified"))
            : Validators.NONE;

    OriginResponse response;
    try {
      response = origin.get(id, validators);
    } catch (OriginException e) {
      throw switch (e.kind()) {
        case UNAVAILABLE -> new OriginUnavailableException(e.getMessage());
        case REJECTED -> new OriginRejectedException(e.getMessage());
        case TOO_LARGE -> new OriginBodyTooLargeException(e.getMessage());
      };
    }
    long fetchedAtMillis = clock.millis();
    // DynamoDB's TTL attribute is in whole epoch seconds. Rounding down would shorten every
    // lifetime by half a second on average, one fetch in forty at TTL_SECONDS=20 for a key that
    // is refreshed ahead of its expiry; to the nearest second the lifetime is the TTL on average.
    long nowSeconds = Math.round(fetchedAtMillis / 1000.0);
    // Δ of early refresh: how long the new value took to come, from the moment it was asked for.
    long refreshMillis =
        Math.max(
            1,
            Math.min(
                settings.lease().toMillis(),
                fetchedAtMillis
                    - askedAt(trigger, current, doc.path("startedAt").asLong(fetchedAtMillis))));
    ObjectNode write = NODES.objectNode();
    long version;
    long expiresAtEpochSeconds;
    if (response instanceof OriginResponse.NotModified) {
      if (!hasValue) {
        throw new OriginRejectedException("origin answered 304 to an unconditional GET for " + id);
      }
      version = current.path("version").asLong();
      expiresAtEpochSeconds = nowSeconds + jittered(settings.ttl());
      write.put("outcome", "notModified");
    } else if (response instanceof OriginResponse.NotFound) {
      version = nextVersion;
      expiresAtEpochSeconds = nowSeconds + jittered(settings.negativeTtl());
      Item item =
          Item.builder(id)
              .notFound(true)
              .version(version)
              .fetchedAtMillis(fetchedAtMillis)
              .expiresAtEpochSeconds(expiresAtEpochSeconds)
              .idleRefreshes(idle)
              .refreshMillis(refreshMillis)
              .build();
      write.put("outcome", "notFound");
      write.set("item", withClaim(AttributeJson.write(ItemStore.toAttributes(item)), current));
    } else {
      OriginResponse.Fetched fetched = (OriginResponse.Fetched) response;
      // The value travels through the workflow's state as a JSON string, where every quote and
      // backslash doubles and control characters grow sixfold; that size, not the raw one, must
      // fit Step Functions' 256 KiB state limit, whose overflow (States.DataLimitExceeded) no
      // Catch can handle.
      long escaped = jsonStringBytes(fetched.body());
      if (escaped > settings.maxValueBytes()) {
        throw new OriginBodyTooLargeException(
            "origin body for "
                + id
                + " is "
                + escaped
                + " bytes as a JSON string in the workflow's state, over MAX_VALUE_BYTES="
                + settings.maxValueBytes());
      }
      version = nextVersion;
      expiresAtEpochSeconds = nowSeconds + jittered(settings.ttl());
      Item item =
          Item.builder(id)
              .value(fetched.body())
              .contentType(header(fetched.contentType()))
              .version(version)
              .fetchedAtMillis(fetchedAtMillis)
              .expiresAtEpochSeconds(expiresAtEpochSeconds)
              .etag(header(fetched.etag()))
              .lastModified(header(fetched.lastModified()))
              .idleRefreshes(idle)
              .refreshMillis(refreshMillis)
              .build();
      write.put("outcome", "updated");
      write.set("item", withClaim(AttributeJson.write(ItemStore.toAttributes(item)), current));
    }
    write.put("version", Long.toString(version));
    // What "Store the new value" may replace besides a lower version: one no write can have stored.
    write.put("ceiling", Long.toString(Versions.ceiling(writtenAt)));
    write.put("expiresAt", Long.toString(expiresAtEpochSeconds));
    write.put("fetchedAt", Long.toString(fetchedAtMillis));
    write.put("idleRefreshes", Integer.toString(idle));
    // Where the write is recorded for warm readers; the clock picks the bucket here, not in ASL.
    long bucket = ChangeFeed.bucket(fetchedAtMillis);
    ObjectNode change = write.putObject("change");
    change.put("key", ChangeFeed.key(bucket));
    change.putArray("entries").add(ChangeFeed.entry(id, version));
    change.put("expiresAt", Long.toString(ChangeFeed.expiresAtEpochSeconds(bucket)));
    change.put("max", Integer.toString(ChangeFeed.MAX_CHANGES_PER_BUCKET));
    // A refresh that primes nothing (304, or a failed prime task) reports these zeros.
    doc.set("primed", Primer.empty());
    ObjectNode event = write.putObject("event");
    event.put("id", id.value());
    event.put("version", version);
    event.put("outcome", write.get("outcome").asText());
    event.put("trigger", trigger);
    event.put("fetchedAt", fetchedAtMillis);
    event.put("expiresAt", expiresAtEpochSeconds);
    event.put("executionArn", doc.path("owner").asText());
    doc.set("write", write);
    return doc;
  }

  /**
   * Primes warm readers after a write: {@code {"id","version"}} of the write, as the fetch task
   * produced them. Checked again here because anyone allowed to invoke this function can send
   * anything.
   */
  ObjectNode prime(JsonNode prime) {
    if (!prime.isObject()) {
      throw new MalformedTaskInputException("the prime task needs a \"prime\" object");
    }
    ItemId id = id(prime);
    JsonNode version = prime.path("version");
    if (!version.canConvertToExactIntegral()
        || !version.canConvertToLong()
        || version.asLong() < 1
        || version.asLong() > Item.MAX_VERSION) {
      throw new MalformedTaskInputException(
          "the prime task needs a version from 1 to " + Item.MAX_VERSION);
    }
    return primer.prime(id, version.asLong());
  }

  /**
   * After a failed fetch: how long the stored value stays readable. A value TTL already deleted is
   * not put back: the only copy is the stream record, which is execution input and may be forged
   * (see docs/workflow.md, "Untrusted input").
   */
  ObjectNode grace(ObjectNode doc) {
    ItemId id = id(doc);
    JsonNode current = doc.path("current");
    long nowSeconds = clock.instant().getEpochSecond();
    long graceUntilEpochSeconds = nowSeconds + settings.graceTtl().toSeconds();
    ObjectNode grace = NODES.objectNode();
    if (current.path("exists").asBoolean(false)) {
      grace.put("action", "extend");
      graceUntilEpochSeconds =
          Math.max(graceUntilEpochSeconds, current.path("expiresAt").asLong(0));
    } else {
      grace.put("action", "release");
    }
    grace.put("expiresAt", Long.toString(graceUntilEpochSeconds));
    JsonNode failure = doc.path("failure");
    ObjectNode event = grace.putObject("event");
    event.put("id", id.value());
    event.put("trigger", doc.path("trigger").asText());
    event.put("error", failure.path("Error").asText("States.TaskFailed"));
    event.put("message", message(failure.path("Cause").asText("")));
    event.put("kept", grace.get("action").asText());
    if (!grace.get("action").asText().equals("release")) {
      event.put("graceExpiresAt", graceUntilEpochSeconds);
    }
    event.put("executionArn", doc.path("owner").asText());
    doc.set("grace", grace);
    return doc;
  }

  /**
   * Epoch ms of the execution's start ($$.Execution.StartTime), never before the lease could start
   * nor after now.
   */
  private long startedAt(String executionStartTime, long now) {
    try {
      long started = Instant.parse(executionStartTime).toEpochMilli();
      return Math.max(now - settings.lease().toMillis(), Math.min(now, started));
    } catch (DateTimeParseException e) {
      return now;
    }
  }

  /**
   * When this refresh was asked for: the readers' claim when a reader's miss started it (so Δ
   * includes the event's delivery and the workflow's start, as XFetch's recompute time does), else
   * the execution's start. The claim counts only if taken within one lease before the start; an
   * older or later one belongs to another request.
   */
  private long askedAt(String trigger, JsonNode current, long startedAt) {
    JsonNode claim = current.path(ItemAttributes.REFRESH_REQUESTED_AT);
    if (RefreshTrigger.MISS.is(trigger) && claim.canConvertToLong()) {
      long claimedAt = claim.asLong();
      if (claimedAt <= startedAt && claimedAt >= startedAt - settings.lease().toMillis()) {
        return claimedAt;
      }
    }
    return startedAt;
  }

  /** TTL with ±TTL_JITTER spread so keys written together do not expire together. */
  private long jittered(Duration ttl) {
    double spread = settings.ttlJitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Math.max(1, Math.round(ttl.toSeconds() * (1 + spread)));
  }

  private static ItemId id(JsonNode doc) {
    try {
      return ItemId.fromJson(doc.path("id"));
    } catch (dev.warmcache.id.InvalidIdException e) {
      throw new InvalidIdException(e.getMessage());
    }
  }

  private static Optional<Item> item(JsonNode attributes) {
    if (!attributes.isObject() || attributes.isEmpty()) {
      return Optional.empty();
    }
    return ItemStore.fromAttributes(AttributeJson.read(attributes));
  }

  /**
   * The summary of a malformed stored item that a fetch can replace, or the named failure. Any
   * numeric version can be replaced: a justified one by the next, any other (negative, or above the
   * clock's ceiling, as a forgery believed by an older warmcache left it) by the clock's floor. A
   * version that is no number at all fails every condition the write could use.
   */
  private ObjectNode repairable(JsonNode stored, MalformedItemException why) {
    String text = stored.path(ItemAttributes.VERSION).path("N").asText("");
    long version;
    try {
      BigDecimal number = text.isEmpty() || text.length() > 40 ? null : new BigDecimal(text);
      if (number == null || number.stripTrailingZeros().scale() > 0) {
        throw new NumberFormatException();
      }
      // Compared before converting: a forged 1e999999999 must not be expanded digit by digit.
      boolean inLong =
          number.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0
              && number.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
      version =
          inLong && Versions.justified(number.longValueExact(), clock.millis())
              ? number.longValueExact()
              : -1;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new MalformedStoredItemException(
          why.getMessage() + "; its version is no number, so no refresh can replace it");
    }
    ObjectNode s = NODES.objectNode();
    s.put("exists", true);
    s.put("version", version);
    s.put("malformed", why.getMessage());
    return s;
  }

  /**
   * The readers' refresh claim on the stored item (epoch ms), if it holds a plain one taken no
   * later than now. The stored record is not trusted: anything but a non-negative integer is no
   * claim, and neither is one from the future (a reader's fast clock, or a forged write within the
   * reader's rights), which carried over from refresh to refresh would block every claim for good.
   */
  private static Optional<Long> claim(JsonNode stored, long nowMillis) {
    String text = stored.path(ItemAttributes.REFRESH_REQUESTED_AT).path("N").asText("");
    if (!text.matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    long claimedAt = Long.parseLong(text);
    return claimedAt <= nowMillis ? Optional.of(claimedAt) : Optional.empty();
  }

  /**
   * The put replaces the whole item, so it carries the readers' claim over: an instance that still
   * holds the replaced version (it syncs within COHERENCE_INTERVAL_MS) and fires early for it then
   * loses the claim, instead of starting a second execution that can only find the value fresh. The
   * claim still lapses MISS_INTERVAL_SECONDS after it was taken.
   */
  private static JsonNode withClaim(JsonNode attributes, JsonNode summary) {
    JsonNode claim = summary.path(ItemAttributes.REFRESH_REQUESTED_AT);
    if (claim.canConvertToLong() && attributes instanceof ObjectNode item) {
      item.putObject(ItemAttributes.REFRESH_REQUESTED_AT).put("N", Long.toString(claim.asLong()));
    }
    return attributes;
  }

  private static ObjectNode summary(Optional<Item> item) {
    ObjectNode s = NODES.objectNode();
    s.put("exists", item.isPresent());
    item.ifPresent(
        i -> {
          s.put("version", i.version());
          s.put("expiresAt", i.expiresAtEpochSeconds());
          s.put("idleRefreshes", i.idleRefreshes());
          s.put("notFound", i.notFound());
          if (i.etag() != null) s.put("etag", i.etag());
          if (i.lastModified() != null) s.put("lastModified", i.lastModified());
        });
    return s;
  }

  /**
   * Bytes of {@code s} as a JSON string, quotes excluded, as the function's own output writes it
   * (Jackson's UTF-8 generator); never less than its UTF-8 size inside Step Functions' state.
   */
  static long jsonStringBytes(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
        bytes += 2;
      } else if (c < 0x20) {
        bytes += 6;
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        // Jackson writes each half of a pair (and a lone one) as a six-byte \\uXXXX escape.
        bytes += 6;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * An origin header kept on the item, or {@code null} when it is longer than any real one: the
   * whole refresh document has to fit next to the value in the state (see docs/workflow.md).
   */
  private static String header(String value) {
    return value == null || value.length() > MAX_HEADER_CHARS ? null : value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /**
   * A Lambda error's Cause is the runtime's error document; its errorMessage is what a person
   * wants.
   */
  private static String message(String cause) {
    try {
      JsonNode parsed = Json.MAPPER.readTree(cause);
      if (parsed != null && parsed.hasNonNull("errorMessage")) {
        return parsed.get("errorMessage").asText();
      }
    } catch (Exception e) {
      // Not JSON: the cause is already a plain message.
    }
    return cause;
  }
}
