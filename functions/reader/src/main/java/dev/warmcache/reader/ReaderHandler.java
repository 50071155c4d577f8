package dev.warmcache.reader;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.changes.ChangeFeed;
import dev.warmcache.events.EventBridgePublisher;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.item.MalformedItemException;
import dev.warmcache.item.ReadConsistency;
import dev.warmcache.logging.InvocationLogging;
import dev.warmcache.settings.Settings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The reader Lambda: {@code dev.warmcache.reader.ReaderHandler::handleRequest}.
 *
 * <pre>{@code
 * aws lambda invoke --function-name warmcache-reader --cli-binary-format raw-in-base64-out \
 *     --payload '{"id":"15"}' out.json
 * # {"id":"15","value":{...},"source":"memory","version":7,"fetchedAt":...,"expiresAt":...,"stale":false}
 * }</pre>
 *
 * <p>Everything expensive (settings, SDK clients, the memory tier) is built in the constructor,
 * which is Lambda's init phase and what SnapStart snapshots; {@link #beforeCheckpoint} warms the
 * hot path first. See docs/reader.md for request, answer and error shapes.
 */
public final class ReaderHandler implements RequestStreamHandler, Resource {

  private static final Logger LOG = LoggerFactory.getLogger(ReaderHandler.class);

  /** Valid id that no origin is expected to have; read (never written) while warming up. */
  static final ItemId WARM_UP_ID = ItemId.of("warmcache-warm-up");

  private final Settings settings;
  private final ItemStore store;
  private final MemoryTier memory;
  private final TieredReader reader;
  private final RequestParser parser = new RequestParser();
  private final ResponseWriter writer = new ResponseWriter();
  private final ReaderMetrics metrics;
  private final Coherence coherence;

  /** Set by init and by a SnapStart restore; the first invocation after either clears it. */
  private final java.util.concurrent.atomic.AtomicBoolean coldStart =
      new java.util.concurrent.atomic.AtomicBoolean(true);

  private final String fallbackInstanceName = "instance-" + java.util.UUID.randomUUID();

  /** Used by the Lambda runtime: settings from the process environment. */
  public ReaderHandler() {
    this(System.getenv());
  }

  /** Used by the local twin and tests: each instance gets its own environment. */
  public ReaderHandler(Map<String, String> env) {
    this(Settings.from(env));
  }

  private ReaderHandler(Settings settings) {
    this(
        settings,
        AwsClients.dynamoDb(settings),
        new EventBridgePublisher(AwsClients.eventBridge(settings), settings.eventBusName()),
        Clock.systemUTC());
  }

  /** For tests that observe DynamoDB calls, capture events or move the clock. */
  ReaderHandler(Settings settings, DynamoDbClient dynamoDb, EventPublisher events, Clock clock) {
    this.settings = settings;
    this.store = new ItemStore(dynamoDb, settings.tableName());
    Ticker ticker =
        clock.equals(Clock.systemUTC()) ? Ticker.systemTicker() : () -> clock.millis() * 1_000_000L;
    this.memory = new MemoryTier(settings, clock, ticker);
    this.coherence =
        new Coherence(
            new ChangeFeed(dynamoDb, settings.tableName()),
            memory,
            clock,
            ticker,
            settings.coherenceInterval());
    this.reader =
        new TieredReader(
            settings,
            store,
            events,
            clock,
            memory,
            new MissLimiter(settings.missInterval(), ticker),
            coherence);
    this.metrics = new ReaderMetrics(settings);
    Core.getGlobalContext().register(this);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    long start = System.nanoTime();
    InvocationLogging.begin(context, settings);
    Tally tally = new Tally();
    boolean cold = coldStart.getAndSet(false);
    Answer answer;
    try {
      ReaderRequest request = parser.parse(input);
      if (request instanceof ReaderRequest.Prime prime) {
        Instance instance =
            new Instance(context == null ? fallbackInstanceName : context.getLogStreamName(), cold);
        answer = reader.prime(prime.id(), prime.version(), instance, tally);
      } else {
        answer = reader.read(request.id(), tally);
      }
    } catch (BadRequestException e) {
      answer = new Answer.Rejected(e.error(), e.getMessage());
    } catch (ReaderUnavailableException | MalformedItemException e) {
      LOG.error(
          "read failed",
          entry("errorType", e.getClass().getName()),
          entry("reason", e.getMessage()));
      metrics.recordFailure();
      throw e;
    } catch (RuntimeException bug) {
      // Not an input or service problem: keep the stack in the function log, give the caller
      // a typed error without it.
      LOG.error("unexpected failure", bug);
      metrics.recordFailure();
      throw new ReaderUnavailableException(
          "internal error ("
              + bug.getClass().getSimpleName()
              + "); the stack trace is in the function log"
              + (context == null ? "" : " under request id " + context.getAwsRequestId()));
    }
    writer.write(answer, output);
    double latencyMillis = (System.nanoTime() - start) / 1_000_000.0;
    // A memory hit is the common case and says nothing new: DEBUG, which Powertools' log
    // sampling (POWERTOOLS_LOGGER_SAMPLE_RATE) turns on for a share of invocations.
    boolean routine =
        answer instanceof Answer.Value v
            && v.source() == Source.MEMORY
            && tally.missEventsPublished == 0
            && tally.syncFailures == 0
            && !tally.memoryCleared;
    if (routine ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
      logAnswer(answer, tally, latencyMillis, routine);
    }
    metrics.record(answer, tally, latencyMillis);
  }

  private static void logAnswer(Answer answer, Tally tally, double latencyMillis, boolean routine) {
    String tier;
    if (answer instanceof Answer.Value v) {
      tier = v.stale() ? "dynamodb-stale" : v.source().wire();
    } else if (answer instanceof Answer.Pending) {
      tier = "pending";
    } else if (answer instanceof Answer.Primed p) {
      tier = "prime:" + p.reason();
    } else {
      tier = "rejected:" + ((Answer.Rejected) answer).error().name();
    }
    Object[] fields = {
      entry("key", answer.id() == null ? null : answer.id().value()),
      entry("tier", tier),
      entry("latencyMs", latencyMillis),
      entry("dynamoDbReads", tally.dynamoDbReads),
      entry("sharedRead", tally.sharedFlight),
      entry("cacheMissEvents", tally.missEventsPublished),
      entry("earlyRefreshes", tally.earlyRefreshes),
      entry("changeFeedReads", tally.syncReads),
      entry("changedKeysDropped", tally.changedKeysDropped),
      entry("memoryCleared", tally.memoryCleared)
    };
    if (routine) {
      LOG.debug("answered", fields);
    } else {
      LOG.info("answered", fields);
    }
  }

  /**
   * SnapStart/CRaC hook: load and JIT-warm the classes of the hot path before the snapshot, so a
   * restored instance answers its first request without class loading. Reads one key and writes
   * nothing: no item, no idle reset, no event, no metric.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    warmUp();
  }

  /**
   * A restored snapshot may wake days after its checkpoint: whatever the memory tier held then is
   * unknown now (warmUp uses a scratch tier, but a snapshot of a warm instance is possible), so
   * drop it and sync from now on; the next invocation counts as a cold start.
   */
  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    coherence.forgetEverything();
    coldStart.set(true);
  }

  void warmUp() {
    List<String> samples =
        List.of(
            "{\"id\":\"15\"}",
            "{\"id\":15}",
            "{\"prime\":{\"id\":\"15\",\"version\":7}}",
            "{\"id\":\"a b\"}",
            "[]",
            "{\"id\":\"15\",\"x\":1}",
            "{");
    for (String sample : samples) {
      try {
        parser.parse(new ByteArrayInputStream(sample.getBytes(StandardCharsets.UTF_8)));
      } catch (BadRequestException | IOException expected) {
        // the error path is part of what gets warmed
      }
    }
    long nowSeconds = System.currentTimeMillis() / 1000;
    Item sample =
        Item.builder(WARM_UP_ID)
            .value("{\"warm\":true}")
            .contentType("application/json")
            .version(1)
            .fetchedAtMillis(nowSeconds * 1000)
            .expiresAtEpochSeconds(nowSeconds + 60)
            .build();
    MemoryTier scratch = new MemoryTier(settings, Clock.systemUTC(), Ticker.systemTicker());
    MemoryTier.Entry entry = scratch.offer(sample);
    scratch.get(WARM_UP_ID);
    try {
      OutputStream discard = OutputStream.nullOutputStream();
      writer.write(new Answer.Value(entry, Source.MEMORY, false), discard);
      writer.write(
          new Answer.Primed(
              WARM_UP_ID,
              false,
              java.util.OptionalLong.empty(),
              "not-held",
              new Instance(fallbackInstanceName, true)),
          discard);
      writer.write(new Answer.Rejected(RequestError.InvalidId, "warm-up"), discard);
    } catch (IOException impossible) {
      throw new java.io.UncheckedIOException(impossible);
    }
    try {
      store.get(WARM_UP_ID, ReadConsistency.EVENTUAL);
    } catch (SdkException | MalformedItemException e) {
      // Warming must never fail a snapshot; the first real request reports real problems.
      LOG.warn("warm-up read failed: {}", e.getMessage());
    }
  }

  /**
   * Entries in this instance's memory tier (tests and the twin's console). Public because the
   * twin's Lambda pool loads each instance in its own class loader and reads it reflectively.
   */
  public long memoryEntries() {
    return memory.size();
  }
}
