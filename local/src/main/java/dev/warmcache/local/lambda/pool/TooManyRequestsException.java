package dev.warmcache.local.lambda.pool;

/** Every instance the function may have is busy: Lambda's throttle, HTTP 429. */
public final class TooManyRequestsException extends LambdaServiceException {

  public TooManyRequestsException(String function, int limit) {
    super(
        "TooManyRequestsException",
        429,
        "Rate Exceeded. Function " + function + " is at its concurrency limit of " + limit);
  }
}
