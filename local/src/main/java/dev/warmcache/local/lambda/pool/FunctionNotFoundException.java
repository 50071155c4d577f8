package dev.warmcache.local.lambda.pool;

/**
 * No function of that name or ARN is registered: Lambda's {@code ResourceNotFoundException}, HTTP
 * 404.
 */
public final class FunctionNotFoundException extends LambdaServiceException {

  public FunctionNotFoundException(String function) {
    super("ResourceNotFoundException", 404, "Function not found: " + function);
  }
}
