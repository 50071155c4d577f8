package dev.warmcache.reader;

/**
 * The request cannot be served as sent. It becomes a normal answer {@code
 * {"error":"<RequestError>","message":"..."}}, not a function error, because retrying the same
 * input can never succeed. Carries no stack trace.
 */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final RequestError error;

  public BadRequestException(RequestError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public RequestError error() {
    return error;
  }
}
