package dev.warmcache.reader;

/**
 * DynamoDB could not be read and nothing servable was at hand. Thrown out of the handler so Lambda
 * reports a function error (the caller may retry; the Errors metric and alarms see it). The message
 * names the key and the SDK's reason; no stack trace is captured, so none leaks.
 */
public final class ReaderUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReaderUnavailableException(String message) {
    super(message, null, false, false);
  }
}
