package dev.warmcache.item;

/** A stored record cannot be read as a warmcache item (written by something else, or corrupted). */
public final class MalformedItemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MalformedItemException(String message) {
    super(message, null, false, false);
  }
}
