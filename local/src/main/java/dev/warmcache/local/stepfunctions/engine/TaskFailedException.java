package dev.warmcache.local.stepfunctions.engine;

/**
 * A Task state failed with a Step Functions error name, which Retry and Catch match on ({@code
 * DynamoDB.ConditionalCheckFailedException}, {@code Lambda.TooManyRequestsException}, or a Lambda
 * function's {@code errorType}), and a cause, as {@code TaskFailed} events report them.
 */
public final class TaskFailedException extends Exception {

  private final String error;
  private final String cause;

  public TaskFailedException(String error, String cause) {
    super(error + ": " + cause, null, false, false);
    this.error = error;
    this.cause = cause;
  }

  public String error() {
    return error;
  }

  public String cause() {
    return cause;
  }
}
