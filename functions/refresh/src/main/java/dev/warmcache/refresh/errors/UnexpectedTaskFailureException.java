package dev.warmcache.refresh.errors;

/**
 * A task failed for a reason none of the other errors names (a bug, a library failure). The handler
 * logs the original exception and throws this instead, so the execution history shows a name and a
 * message, never a stack trace. During a fetch the grace path keeps the old value.
 */
public final class UnexpectedTaskFailureException extends RefreshException {

  public UnexpectedTaskFailureException(String message) {
    super(message);
  }
}
