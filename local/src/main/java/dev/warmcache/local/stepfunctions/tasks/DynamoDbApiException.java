package dev.warmcache.local.stepfunctions.tasks;

/** DynamoDB answered with an error, such as {@code ConditionalCheckFailedException}. */
public final class DynamoDbApiException extends Exception {

  private final String errorCode;
  private final int statusCode;
  private final String requestId;

  public DynamoDbApiException(String errorCode, int statusCode, String message, String requestId) {
    super(message, null, false, false);
    this.errorCode = errorCode;
    this.statusCode = statusCode;
    this.requestId = requestId;
  }

  public String errorCode() {
    return errorCode;
  }

  public int statusCode() {
    return statusCode;
  }

  public String requestId() {
    return requestId;
  }
}
