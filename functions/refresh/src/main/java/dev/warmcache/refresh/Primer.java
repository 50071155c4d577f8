package dev.warmcache.refresh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.aws.AwsClients;
import dev.warmcache.id.ItemId;
import dev.warmcache.json.Json;
import dev.warmcache.settings.Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Sends {@code PRIME_FANOUT} concurrent prime invocations to the reader from one workflow task, and
 * counts what they reached. One task instead of a Map iteration per prime: every state an execution
 * enters is a billed transition, so a Map of 4 primes cost 5 (docs/transitions.md).
 *
 * <p>Priming is best effort (the change feed is what bounds staleness), so a prime that fails or
 * times out is counted, never thrown. A prime carries only the id and version: whoever may invoke
 * the reader cannot inject a value.
 */
final class Primer {

  private static final Logger LOG = LoggerFactory.getLogger(Primer.class);

  /**
   * Each prime's deadline. A prime that starts a new reader instance waits for its init (a
   * SnapStart restore on AWS), and all primes together must end inside the refresh function's
   * timeout, at least 20 s ({@link Settings#refreshFunctionTimeout()}).
   */
  static final Duration PRIME_DEADLINE = Duration.ofSeconds(10);

  private final int fanout;
  private final Optional<String> reader;
  private final LambdaClient lambda;
  private final ExecutorService pool;

  /** Builds the Lambda client once, at init, and only when there is something to prime. */
  Primer(Settings settings) {
    this.fanout = settings.primeFanout();
    this.reader = settings.readerFunctionName();
    boolean primes = fanout > 0 && reader.isPresent();
    this.lambda =
        primes
            // No SDK apiCallTimeout: it starts a scheduler thread per client. The HTTP client's
            // socket timeout and this class's own deadline bound each prime instead.
            ? AwsClients.configure(LambdaClient.builder(), settings, settings.lambdaEndpoint())
                .build()
            : null;
    this.pool = primes ? primeThreads(fanout) : null;
  }

  /**
   * At most {@code fanout} threads, which end after a minute idle: an environment that stops being
   * used (the twin reclaims instances without a shutdown hook) keeps none.
   */
  private static ExecutorService primeThreads(int fanout) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            fanout,
            fanout,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "prime");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Primes {@code id} at {@code version} and answers {@code {"sent","held","coldStarts","failed",
   * "answers":[the reader's prime answers]}}: how many primes found the key in the instance they
   * reached, and how many started a new instance.
   */
  ObjectNode prime(ItemId id, long version) {
    ObjectNode result = empty();
    if (fanout == 0) {
      return result;
    }
    if (lambda == null) {
      LOG.warn("PRIME_FANOUT is {} but READER_FUNCTION_NAME is not set: nothing primed", fanout);
      return result;
    }
    ObjectNode prime = Json.MAPPER.createObjectNode();
    prime.putObject("prime").put("id", id.value()).put("version", version);
    byte[] payload;
    try {
      payload = Json.MAPPER.writeValueAsBytes(prime);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a prime document always serializes", e);
    }
    InvokeRequest request =
        InvokeRequest.builder()
            .functionName(reader.get())
            .payload(SdkBytes.fromByteArrayUnsafe(payload))
            .build();
    List<Future<InvokeResponse>> sent = new ArrayList<>(fanout);
    for (int i = 0; i < fanout; i++) {
      sent.add(pool.submit(() -> lambda.invoke(request)));
    }
    long deadline = System.nanoTime() + PRIME_DEADLINE.plusSeconds(1).toNanos();
    ArrayNode answers = (ArrayNode) result.get("answers");
    int held = 0;
    int coldStarts = 0;
    int failed = 0;
    for (Future<InvokeResponse> f : sent) {
      Optional<JsonNode> answer = answer(f, deadline);
      if (answer.isEmpty()) {
        failed++;
        continue;
      }
      JsonNode a = answer.get();
      answers.add(a);
      held += a.path("held").asBoolean(false) ? 1 : 0;
      coldStarts += a.path("coldStart").asBoolean(false) ? 1 : 0;
    }
    result.put("sent", fanout);
    result.put("held", held);
    result.put("coldStarts", coldStarts);
    result.put("failed", failed);
    return result;
  }

  /** What a refresh that primes nothing reports: the same shape, all zero. */
  static ObjectNode empty() {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("sent", 0);
    result.put("held", 0);
    result.put("coldStarts", 0);
    result.put("failed", 0);
    result.putArray("answers");
    return result;
  }

  /** The reader's answer, or empty when the prime failed, errored or missed its deadline. */
  private static Optional<JsonNode> answer(Future<InvokeResponse> f, long deadlineNanos) {
    try {
      InvokeResponse r =
          f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r.functionError() != null) {
        LOG.warn("a prime failed in the reader: {}", r.functionError());
        return Optional.empty();
      }
      JsonNode answer = Json.MAPPER.readTree(r.payload().asByteArray());
      // Only a prime answer counts; anything else (a rejected prime) is a failed prime.
      return answer != null && answer.has("primed") ? Optional.of(answer) : Optional.empty();
    } catch (TimeoutException e) {
      f.cancel(true);
      LOG.warn("a prime missed its {} deadline", PRIME_DEADLINE);
      return Optional.empty();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      LOG.warn(
          "a prime could not be sent: {}",
          cause instanceof SdkException ? cause.getMessage() : String.valueOf(cause));
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("a prime answered something that is not JSON");
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
