package dev.warmcache.refresh;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.json.Json;
import dev.warmcache.refresh.errors.MalformedTaskInputException;
import dev.warmcache.settings.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;

/**
 * The refresh workflow's one Lambda function. The ASL names the task in the payload,
 * {@code {"task":"lease|decide|fetch|grace","refresh":{...}}}, and gets the next refresh document
 * back; everything that needs a clock or the origin happens here, the rest is ASL.
 *
 * <p>Failures are thrown as {@code dev.warmcache.refresh.errors} exceptions, whose class names
 * the ASL's Retry and Catch match (see docs/workflow.md).
 */
public final class RefreshHandler implements RequestStreamHandler {

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
    this.tasks = new RefreshTasks(settings, clock);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(input);
    } catch (JacksonException e) {
      throw new MalformedTaskInputException("the task input is not JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      throw new MalformedTaskInputException("the task input must be a JSON object");
    }
    JsonNode result = tasks.run(request);
    Json.MAPPER.writeValue(output, result);
  }
}
