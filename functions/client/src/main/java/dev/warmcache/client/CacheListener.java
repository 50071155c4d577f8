package dev.warmcache.client;

/**
 * Receives what each call did ({@link CallStats}), on the calling thread. The client never writes
 * metrics or configures logging: a host decides, as the reader Lambda turns these into EMF metrics.
 *
 * <pre>{@code
 * Warmcache cache = Warmcache.builder()
 *     .listener(stats -> registry.counter("warmcache.dynamodb.reads").increment(stats.dynamoDbReads()))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface CacheListener {

  /** Called once per call; must not throw and should not block. */
  void onCall(CallStats stats);
}
