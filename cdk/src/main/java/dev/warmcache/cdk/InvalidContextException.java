package dev.warmcache.cdk;

/** A context value (cdk.json or {@code -c key=value}) that the stack cannot deploy with. */
public final class InvalidContextException extends RuntimeException {
  public InvalidContextException(String message) {
    super(message, null, false, false);
  }
}
