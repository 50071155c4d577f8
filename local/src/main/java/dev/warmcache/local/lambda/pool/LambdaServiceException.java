package dev.warmcache.local.lambda.pool;

/**
 * The Lambda service refused the request before any handler ran, such as a throttle or an unknown
 * function. {@link #errorCode()} is the Lambda API's error code ({@code TooManyRequestsException},
 * {@code ResourceNotFoundException}); Step Functions reports it as {@code Lambda.<errorCode>}.
 */
public class LambdaServiceException extends RuntimeException {

  private final String errorCode;
  private final int statusCode;

  public LambdaServiceException(String errorCode, int statusCode, String message) {
    super(message, null, false, false);
    this.errorCode = errorCode;
    this.statusCode = statusCode;
  }

  public String errorCode() {
    return errorCode;
  }

  public int statusCode() {
    return statusCode;
  }
}
