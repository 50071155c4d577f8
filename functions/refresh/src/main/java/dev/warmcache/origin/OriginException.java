package dev.warmcache.origin;

/** The origin did not give a usable answer. No stack trace: the kind and message say it all. */
public final class OriginException extends Exception {

  /** What went wrong, which decides whether a retry can help. */
  public enum Kind {
    /** 5xx, 408, 429, a timeout or a refused connection: transient, retry with backoff. */
    UNAVAILABLE,
    /** Another 4xx or a redirect: the request itself is refused, a retry gets the same answer. */
    REJECTED,
    /** The body is larger than the configured limit: not stored. */
    TOO_LARGE
  }

  private final Kind kind;

  public OriginException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
