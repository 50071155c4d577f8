package dev.warmcache.logging;

import com.amazonaws.services.lambda.runtime.Context;
import dev.warmcache.settings.Settings;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Starts an invocation's structured logging: Powertools' fields (request id, cold start, function
 * name and version), with the service named from the function's own settings.
 *
 * <p>Powertools names the service from the process environment. On Lambda that is the function's
 * environment, and both agree. A host that runs several functions in one process (the local twin)
 * gives each function its environment through {@link Settings}, not the process's, and without this
 * every log line there said {@code "service":"service_undefined"}. Reading the same {@code
 * POWERTOOLS_SERVICE_NAME} through the settings makes the line the same on both.
 *
 * <pre>{@code
 * public void handleRequest(InputStream in, OutputStream out, Context context) {
 *   InvocationLogging.begin(context, settings);
 *   ...
 * }
 * }</pre>
 */
public final class InvocationLogging {

  /** The key Powertools' JSON layout prints as {@code service}. */
  static final String SERVICE_KEY = "service";

  private InvocationLogging() {}

  /** Does nothing without a context (a direct call in a test, or a warm-up before a checkpoint). */
  public static void begin(Context context, Settings settings) {
    if (context == null) {
      return;
    }
    PowertoolsLogging.initializeLogging(context);
    settings.serviceName().ifPresent(name -> MDC.put(SERVICE_KEY, name));
  }
}
