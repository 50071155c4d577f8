package dev.warmcache.local.lambda.pool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What an {@code Invoke} returns. On a function error {@link #functionError()} is {@code
 * "Unhandled"} and the payload is the runtime's error document {@code
 * {"errorMessage","errorType","stackTrace":[]}}.
 *
 * @param payload the response document (UTF-8 JSON)
 * @param functionError {@code null} on success, {@code "Unhandled"} when the handler threw
 * @param errorType the thrown exception's class name, or {@code null}
 * @param errorMessage the thrown exception's message, or {@code null}
 * @param requestId the request id the function saw as {@code Context.getAwsRequestId()}, for the
 *     log lines and the caller's records to name the same request
 * @param instanceId the instance that served the request
 * @param initDuration how long that instance took to start, when this request started it
 * @param duration time spent in the handler
 */
public record InvocationResult(
    byte[] payload,
    String functionError,
    String errorType,
    String errorMessage,
    String requestId,
    String instanceId,
    Optional<Duration> initDuration,
    Duration duration) {

  public boolean failed() {
    return functionError != null;
  }

  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
