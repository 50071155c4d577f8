package dev.warmcache.refresh.errors;

/**
 * A REMOVE record without the TTL identity of an item that had not expired: in a global table this
 * is someone's {@code DeleteItem}, in any region, replicated here. A delete means the key should be
 * gone, so nothing is refreshed; the workflow ends successfully without a write (a replicated TTL
 * deletion, by contrast, has an {@code expiresAt} in the past).
 */
public final class UserDeleteException extends RefreshException {

  public UserDeleteException(String message) {
    super(message);
  }
}
