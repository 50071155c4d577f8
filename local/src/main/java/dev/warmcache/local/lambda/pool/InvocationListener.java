package dev.warmcache.local.lambda.pool;

/**
 * Observes every completed invocation (consoles, tests). Called on the invoking thread; keep it
 * quick.
 */
@FunctionalInterface
public interface InvocationListener {
  void invoked(String function, byte[] request, InvocationResult result);
}
