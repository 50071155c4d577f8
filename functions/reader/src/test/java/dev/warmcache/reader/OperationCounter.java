package dev.warmcache.reader;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the DynamoDB operations a real client sends, by operation name (GetItem, UpdateItem...).
 */
final class OperationCounter implements ExecutionInterceptor {
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final java.util.Set<String> failing = ConcurrentHashMap.newKeySet();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    counts.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
    if (failing.contains(operation)) {
      throw software.amazon.awssdk.core.exception.SdkClientException.create(
          "Unable to execute HTTP request: Connect to dynamodb refused (injected by the test)");
    }
  }

  /** From now on every {@code operation} fails as an unreachable DynamoDB does. */
  void fail(String operation) {
    failing.add(operation);
  }

  int count(String operation) {
    AtomicInteger n = counts.get(operation);
    return n == null ? 0 : n.get();
  }

  void reset() {
    counts.clear();
  }
}
