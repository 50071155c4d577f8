package dev.warmcache.refresh;

import static software.amazon.lambda.powertools.logging.argument.StructuredArguments.entry;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.json.Json;
import dev.warmcache.logging.InvocationLogging;
import dev.warmcache.refresh.errors.MalformedTaskInputException;
import dev.warmcache.refresh.errors.RefreshException;
import dev.warmcache.refresh.errors.UnexpectedTaskFailureException;
import dev.warmcache.settings.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh workflow's one Lambda function. The ASL names the task in the payload and gets the
 * next refresh document back: {@code {"task":"lease","input":<the execution input>}} first, then
 * {@code {"task":"decide|fetch|grace","refresh":{...}}}. Everything that needs a clock or the
 * origin happens here, the rest is ASL.
 *
 * <p>Failures are thrown as {@code dev.warmcache.refresh.errors} exceptions, whose class names the
 * ASL's Retry and Catch match (see docs/workflow.md).
 */
public final class RefreshHandler implements RequestStreamHandler, Resource {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshHandler.class);

  private final Settings settings;
  private final RefreshTasks tasks;

  /** For the Lambda runtime: settings from the process environment. */
  public RefreshHandler() {
    this(System.getenv());
  }

  /** For the local twin and tests: settings from {@code env}. */
  public RefreshHandler(Map<String, String> env) {
    this(Settings.from(env), Clock.systemUTC());
  }

  RefreshHandler(Settings settings, Clock clock) {
    this.settings = settings;
    this.tasks = new RefreshTasks(settings, clock);
    Core.getGlobalContext().register(this);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    long start = System.nanoTime();
    InvocationLogging.begin(context, settings);
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(input);
    } catch (JacksonException e) {
      throw new MalformedTaskInputException(
          "the task input is not JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      throw new MalformedTaskInputException("the task input must be a JSON object");
    }
    String task = request.path("task").asText("");
    String id = keyOf(request);
    ObjectNode result;
    try {
      result = tasks.run(request);
    } catch (RefreshException e) {
      LOG.warn(
          "task failed",
          entry("task", task),
          entry("key", id),
          entry("errorType", e.getClass().getName()),
          entry("reason", e.getMessage()),
          entry("latencyMs", millisSince(start)));
      throw e;
    } catch (RuntimeException e) {
      // A bug or a library failure: logged in full here, but the error document that reaches the
      // execution history carries a name and a one-line message, never a stack trace or a cause.
      LOG.error("task failed unexpectedly", entry("task", task), entry("key", id), e);
      throw new UnexpectedTaskFailureException(
          "the "
              + task
              + " task failed unexpectedly ("
              + e.getClass().getSimpleName()
              + "); see the refresh function's log");
    }
    Json.MAPPER.writeValue(output, result);
    if (LOG.isInfoEnabled()) {
      LOG.info(
          "task done",
          entry("task", task),
          entry("key", result.path("id").asText(id)),
          entry("trigger", result.path("trigger").asText(null)),
          entry("action", result.path("action").asText(null)),
          entry("outcome", result.path("write").path("outcome").asText(null)),
          entry("kept", result.path("grace").path("action").asText(null)),
          entry("latencyMs", millisSince(start)));
    }
  }

  /**
   * The key a task works on, for its log lines: the {@code refresh} or {@code prime} document the
   * workflow hands it. The lease task's trigger shapes are {@link Trigger}'s alone; its success
   * line names the key it normalized, and its failures say what was wrong with the id.
   */
  static String keyOf(JsonNode request) {
    JsonNode id = request.path("refresh").path("id");
    if (!id.isValueNode()) {
      id = request.path("prime").path("id");
    }
    if (!id.isValueNode()) {
      return null;
    }
    // Untrusted until a task has checked it: bounded so a forged input cannot flood the log.
    String text = id.asText();
    return text.length() > ItemId.MAX_LENGTH ? text.substring(0, ItemId.MAX_LENGTH) + "…" : text;
  }

  private static double millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000.0;
  }

  /**
   * SnapStart/CRaC hook: run the clock-only tasks on a sample document so Jackson, the item mapping
   * and the task code are loaded before the snapshot. No I/O: no origin call, no AWS call.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) throws Exception {
    ObjectNode request =
        (ObjectNode)
            Json.MAPPER.readTree(
                "{\"task\":\"lease\",\"owner\":\"snapstart-warm-up\",\"input\":{\"detail-type\":\"CacheMiss\",\"detail\":{\"id\":\"15\"}}}");
    ObjectNode leased = tasks.run(request);
    leased.putObject("current").putObject("item").putObject("id").put("S", "15");
    request.put("task", "decide").set("refresh", leased);
    tasks.run(request);
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to renew: the origin client is built on first use and holds no connection yet.
  }
}
