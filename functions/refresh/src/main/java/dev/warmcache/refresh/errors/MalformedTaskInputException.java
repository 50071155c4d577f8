package dev.warmcache.refresh.errors;

/** The task input is not what the refresh ASL sends: an unknown task or a missing field. */
public final class MalformedTaskInputException extends RefreshException {

  public MalformedTaskInputException(String message) {
    super(message);
  }
}
