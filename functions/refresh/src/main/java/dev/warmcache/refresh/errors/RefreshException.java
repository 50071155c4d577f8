package dev.warmcache.refresh.errors;

/** Base of the workflow's named errors: unchecked, message only, no stack trace. */
public abstract class RefreshException extends RuntimeException {

  protected RefreshException(String message) {
    super(message, null, false, false);
  }
}
