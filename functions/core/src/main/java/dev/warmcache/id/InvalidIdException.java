package dev.warmcache.id;

/**
 * An id failed validation. The message says why in plain words and never echoes more than the
 * offending character, so a hostile id cannot flood logs or responses. No stack trace is captured:
 * this is an input error, not a bug.
 */
public final class InvalidIdException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidIdException(String message) {
    super(message);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
