package dev.warmcache.refresh.errors;

/**
 * A TTL-expiry trigger whose OldImage cannot be a warmcache item of that key: another id, an
 * attribute warmcache never writes, a wrongly typed attribute or a version out of range. The record
 * is execution input, which anyone allowed to start executions can forge, so it is refused before
 * the workflow writes anything.
 */
public final class InvalidStreamRecordException extends RefreshException {

  public InvalidStreamRecordException(String message) {
    super(message);
  }
}
