package dev.warmcache.local.edge;

/**
 * An error the twin answers in AWS's own wire shape: an HTTP status, an error code the CLI and SDKs
 * turn into a typed exception, and a readable message. Carries no stack trace, so nothing of the
 * twin's internals can leak into a response.
 */
public final class AwsException extends RuntimeException {

  private final int status;
  private final String code;
  private final String requestId;

  public AwsException(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** As answered by another service, with the request id it gave, when it gave one. */
  public AwsException(int status, String code, String message, String requestId) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }

  public static AwsException unknownOperation(String operation) {
    return new AwsException(
        400,
        "UnknownOperationException",
        "The local twin does not implement the operation " + operation);
  }

  public static AwsException validation(String message) {
    return new AwsException(400, "ValidationException", message);
  }

  public static AwsException serialization(String message) {
    return new AwsException(400, "SerializationException", message);
  }

  public static AwsException notFound(String code, String message) {
    return new AwsException(404, code, message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The request id of the answer this came from, or {@code null} for the twin's own errors. */
  public String requestId() {
    return requestId;
  }
}
