package dev.warmcache.refresh.errors;

/** The id in a trigger is missing or not a valid id (1-128 of [A-Za-z0-9._~:@-]). */
public final class InvalidIdException extends RefreshException {

  public InvalidIdException(String message) {
    super(message);
  }
}
