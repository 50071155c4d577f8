package dev.warmcache.reader;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.warmcache.client.CacheUnavailableException;
import dev.warmcache.client.CachedValue;
import dev.warmcache.client.CallStats;
import dev.warmcache.client.NotCachedException;
import dev.warmcache.client.PrimeOutcome;
import dev.warmcache.client.Source;
import dev.warmcache.client.Warmcache;
import dev.warmcache.events.EventPublisher;
import dev.warmcache.http.FunctionUrlEvent;
import dev.warmcache.http.HttpFront;
import dev.warmcache.http.HttpResponse;
import dev.warmcache.id.ItemId;
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

  /** What a call that reached no tier did (bad input). */
  private static final CallStats NO_CALL =
      new CallStats(0, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);

  private final Settings settings;
  private final Warmcache cache;
  private final RequestParser parser = new RequestParser();
  private final ResponseWriter writer = new ResponseWriter();
  private final ReaderMetrics metrics;
  private final HttpFront http;

  /** What the client's last call on this thread did: its listener runs on the calling thread. */
  private final ThreadLocal<CallStats> lastCall = new ThreadLocal<>();

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
    this(settings, client(settings));
  }

  /** For tests that observe DynamoDB calls, capture events or move the clock. */
  ReaderHandler(Settings settings, DynamoDbClient dynamoDb, EventPublisher events, Clock clock) {
    this(
        settings,
        client(settings).dynamoDbClient(dynamoDb).eventPublisher(events).clock(clock),
        clock);
  }

  private ReaderHandler(Settings settings, Warmcache.Builder client) {
    this(settings, client, Clock.systemUTC());
  }

  private ReaderHandler(Settings settings, Warmcache.Builder client, Clock clock) {
    this.settings = settings;
    this.cache = client.listener(lastCall::set).build();
    this.metrics = new ReaderMetrics(settings);
    this.http = new HttpFront(cache, settings, clock);
    Core.getGlobalContext().register(this);
  }

  /** The client with this host's answer rendering; SDK clients built once, from the settings. */
  private static Warmcache.Builder client(Settings settings) {
    return Warmcache.builder().settings(settings.env()).rendering(ResponseWriter.RENDERING);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    long start = System.nanoTime();
    InvocationLogging.begin(context, settings);
    boolean cold = coldStart.getAndSet(false);
    Answer answer;
    try {
      ReaderRequest request = parser.parse(input);
      if (request instanceof ReaderRequest.Http || request instanceof ReaderRequest.HttpTooLarge) {
        serveHttp(request, output, context, start);
        return;
      }
      answer = answer(request, context, cold);
    } catch (BadRequestException e) {
      answer = new Answer.Rejected(e.error(), e.getMessage());
    } catch (CacheUnavailableException e) {
      lastCall.remove();
      ReaderUnavailableException failure = new ReaderUnavailableException(e.getMessage());
      LOG.error(
          "read failed",
          entry("errorType", failure.getClass().getName()),
          entry("reason", failure.getMessage()));
      metrics.recordFailure();
      throw failure;
    } catch (RuntimeException bug) {
      lastCall.remove();
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
    CallStats stats = lastCall.get();
    if (stats == null) {
      stats = NO_CALL;
    } else {
      lastCall.remove();
    }
    writer.write(answer, output);
    double latencyMillis = (System.nanoTime() - start) / 1_000_000.0;
    // A memory hit is the common case and says nothing new: DEBUG, which Powertools' log
    // sampling (POWERTOOLS_LOGGER_SAMPLE_RATE) turns on for a share of invocations.
    boolean routine =
        answer instanceof Answer.Value v
            && v.value().source() == Source.MEMORY
            && stats.missEventsPublished() == 0
            && stats.changeFeedFailures() == 0
            && !stats.memoryCleared();
    if (routine ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
      logAnswer(answer, stats, latencyMillis, routine);
    }
    metrics.record(answer, stats, latencyMillis);
  }

  /**
   * A function URL request: the HTTP front answers it through the same tiers. Whatever fails, the
   * caller hears HTTP (a problem document), never a Lambda function error, which a function URL
   * would turn into a bare 502.
   */
  private void serveHttp(ReaderRequest request, OutputStream output, Context context, long start)
      throws IOException {
    HttpResponse response;
    try {
      response =
          request instanceof ReaderRequest.Http event
              ? http.respond(FunctionUrlEvent.request(event.event()))
              : FunctionUrlEvent.tooLarge();
    } catch (FunctionUrlEvent.MalformedEventException e) {
      response = FunctionUrlEvent.malformed(e.getMessage());
    } catch (RuntimeException bug) {
      LOG.error("unexpected failure", bug);
      response = FunctionUrlEvent.internalError(context == null ? null : context.getAwsRequestId());
    }
    CallStats stats = lastCall.get();
    lastCall.remove();
    FunctionUrlEvent.write(response, output);
    double latencyMillis = (System.nanoTime() - start) / 1_000_000.0;
    boolean routine =
        response.status() < 400
            && response.served().map(v -> v.source() == Source.MEMORY).orElse(false)
            && (stats == null || stats.missEventsPublished() == 0);
    if (routine ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
      Object[] fields = {
        entry("key", response.served().map(CachedValue::id).orElse(null)),
        entry("tier", response.served().map(v -> v.source().wire()).orElse("none")),
        entry("httpStatus", response.status()),
        entry("latencyMs", latencyMillis)
      };
      if (routine) {
        LOG.debug("answered over HTTP", fields);
      } else {
        LOG.info("answered over HTTP", fields);
      }
    }
    metrics.recordHttp(response, stats == null ? NO_CALL : stats, latencyMillis);
  }

  /** A request answered through the client: a value, a pending answer, or a prime's outcome. */
  private Answer answer(ReaderRequest request, Context context, boolean cold) {
    if (request instanceof ReaderRequest.Prime prime) {
      ItemId id = prime.id();
      PrimeOutcome outcome = cache.prime(id.value(), prime.version());
      Instance instance =
          new Instance(context == null ? fallbackInstanceName : context.getLogStreamName(), cold);
      return new Answer.Primed(id, outcome.primed(), outcome.version(), outcome.reason(), instance);
    }
    ItemId id = ((ReaderRequest.Read) request).id();
    try {
      return new Answer.Value(cache.get(id.value()));
    } catch (NotCachedException e) {
      return new Answer.Pending(id, e.reason(), e.waitedMillis());
    }
  }

  private static void logAnswer(
      Answer answer, CallStats stats, double latencyMillis, boolean routine) {
    String tier;
    String key;
    if (answer instanceof Answer.Value v) {
      tier = v.value().stale() ? "dynamodb-stale" : v.value().source().wire();
      key = v.value().id();
    } else if (answer instanceof Answer.Pending p) {
      tier = "pending";
      key = p.id().value();
    } else if (answer instanceof Answer.Primed p) {
      tier = "prime:" + p.reason();
      key = p.id().value();
    } else {
      tier = "rejected:" + ((Answer.Rejected) answer).error().name();
      key = null;
    }
    Object[] fields = {
      entry("key", key),
      entry("tier", tier),
      entry("latencyMs", latencyMillis),
      entry("dynamoDbReads", stats.dynamoDbReads()),
      entry("sharedRead", stats.sharedRead()),
      entry("cacheMissEvents", stats.missEventsPublished()),
      entry("earlyRefreshes", stats.earlyRefreshes()),
      entry("changeFeedReads", stats.changeFeedReads()),
      entry("changedKeysDropped", stats.changedKeysDropped()),
      entry("memoryCleared", stats.memoryCleared())
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
    cache.afterRestore();
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
    CachedValue sample = cache.warmUp();
    try {
      OutputStream discard = OutputStream.nullOutputStream();
      ReaderRequest event =
          parser.parse(
              ("{\"version\":\"2.0\",\"rawPath\":\"/items/15\",\"rawQueryString\":\"\","
                      + "\"headers\":{\"if-none-match\":\"\\\"7\\\"\"},"
                      + "\"requestContext\":{\"http\":{\"method\":\"GET\"}},\"isBase64Encoded\":false}")
                  .getBytes(StandardCharsets.UTF_8));
      FunctionUrlEvent.write(
          http.render(FunctionUrlEvent.request(((ReaderRequest.Http) event).event()), sample),
          discard);
      writer.write(new Answer.Value(sample), discard);
      writer.write(
          new Answer.Primed(
              ItemId.of(sample.id()),
              false,
              java.util.OptionalLong.empty(),
              "not-held",
              new Instance(fallbackInstanceName, true)),
          discard);
      writer.write(new Answer.Rejected(RequestError.InvalidId, "warm-up"), discard);
    } catch (IOException impossible) {
      throw new java.io.UncheckedIOException(impossible);
    }
  }

  /**
   * Entries in this instance's memory tier (tests and the twin's console). Public because the
   * twin's Lambda pool loads each instance in its own class loader and reads it reflectively.
   */
  public long memoryEntries() {
    return cache.memoryEntries();
  }
}
