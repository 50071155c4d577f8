package dev.warmcache.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.lambda.pool.FunctionConfig;
import dev.warmcache.local.lambda.pool.InstanceInfo;
import dev.warmcache.local.lambda.pool.InvocationResult;
import dev.warmcache.local.lambda.pool.LambdaPool;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The twin's Lambda pool as the console shows it. The pool knows instances and init durations; a
 * handler that has a public {@code long memoryEntries()} (the reader) reports its memory tier's
 * size; which instance handled the last prime is seen here, by listening to invocations, since a
 * prime is just a reader invocation whose payload is {@code {"prime": {...}}}.
 */
public final class PoolInstances implements LambdaInstances {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LambdaPool pool;
  private final Clock clock;
  private final Map<String, Prime> primes = new ConcurrentHashMap<>();

  private record Prime(long at, String id) {}

  public PoolInstances(LambdaPool pool) {
    this(pool, Clock.systemUTC());
  }

  PoolInstances(LambdaPool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    pool.addListener(this::invoked);
  }

  private void invoked(String function, byte[] request, InvocationResult result) {
    // A prime is tiny; anything bigger is a read or a refresh task and never a prime.
    if (result.instanceId() == null || request.length > 1024) {
      return;
    }
    try {
      JsonNode prime = JSON.readTree(request).path("prime");
      if (prime.isObject()) {
        primes.put(result.instanceId(), new Prime(clock.millis(), prime.path("id").asText(null)));
      }
    } catch (IOException notJson) {
      // Not a prime; the reader answers malformed requests itself.
    }
  }

  @Override
  public List<Function> functions() {
    List<Function> functions =
        pool.functions().stream()
            .map(FunctionConfig::name)
            .sorted()
            .map(
                name -> {
                  Map<String, Long> entries = pool.probe(name, PoolInstances::memoryEntries);
                  return new Function(
                      name,
                      pool.instances(name).stream()
                          .sorted(Comparator.comparing(InstanceInfo::startedAt))
                          .map(info -> view(info, entries.get(info.instanceId())))
                          .toList());
                })
            .toList();
    // Reclaimed instances take their last prime with them.
    Set<String> live = new HashSet<>();
    functions.forEach(f -> f.instances().forEach(i -> live.add(i.id())));
    primes.keySet().retainAll(live);
    return functions;
  }

  /** The handler's own count, or {@code null} for a handler without a memory tier. */
  private static Long memoryEntries(Object handler) {
    try {
      Method method = handler.getClass().getMethod("memoryEntries");
      return method.getReturnType() == long.class ? (Long) method.invoke(handler) : null;
    } catch (ReflectiveOperationException | RuntimeException noMemoryTier) {
      // The refresh function has none; a reader mid-shutdown may throw: either way, nothing to
      // show.
      return null;
    }
  }

  private Instance view(InstanceInfo info, Long memoryEntries) {
    Prime prime = primes.get(info.instanceId());
    return new Instance(
        info.instanceId(),
        info.busy(),
        info.initDuration() == null ? null : info.initDuration().toMillis(),
        memoryEntries,
        prime == null ? null : prime.at(),
        prime == null ? null : prime.id(),
        info.invocations(),
        millis(info.startedAt()),
        millis(info.lastUsedAt()));
  }

  private static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }
}
