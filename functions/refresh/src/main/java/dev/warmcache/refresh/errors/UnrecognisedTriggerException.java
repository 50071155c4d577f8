package dev.warmcache.refresh.errors;

/**
 * An execution input that is none of the three triggers: a CacheMiss event, a ForceRefresh event,
 * or a Pipe batch of one DynamoDB stream record.
 */
public final class UnrecognisedTriggerException extends RefreshException {

  public UnrecognisedTriggerException(String message) {
    super(message);
  }
}
