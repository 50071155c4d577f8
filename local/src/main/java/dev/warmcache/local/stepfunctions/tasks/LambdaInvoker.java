package dev.warmcache.local.stepfunctions.tasks;

import dev.warmcache.local.lambda.pool.InvocationResult;

/**
 * Invokes a function synchronously. {@code LambdaPool::invoke} is one; it throws {@link
 * dev.warmcache.local.lambda.pool.LambdaServiceException} when the service itself refuses.
 */
@FunctionalInterface
public interface LambdaInvoker {
  InvocationResult invoke(String functionNameOrArn, byte[] payload);
}
