package dev.warmcache.local.tasks;

import dev.warmcache.local.lambda.InvocationResult;

/**
 * Invokes a function synchronously. {@code LambdaPool::invoke} is one; it throws {@link
 * dev.warmcache.local.lambda.LambdaServiceException} when the service itself refuses.
 */
@FunctionalInterface
public interface LambdaInvoker {
  InvocationResult invoke(String functionNameOrArn, byte[] payload);
}
