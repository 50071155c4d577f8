package dev.warmcache.local.lambda.pool;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one instance, for consoles and tests.
 *
 * @param function the function name
 * @param instanceId unique within the pool
 * @param busy whether it is serving a request now
 * @param invocations requests served so far
 * @param initDuration how long its init phase took
 * @param startedAt when it was created
 * @param lastUsedAt when it last finished a request (or was created)
 */
public record InstanceInfo(
    String function,
    String instanceId,
    boolean busy,
    long invocations,
    Duration initDuration,
    Instant startedAt,
    Instant lastUsedAt) {}
