package dev.warmcache.reader;

/**
 * The {@code error} values of a bad-input answer. Each is a stable wire name that callers may
 * switch on; the accompanying {@code message} is for humans and may change.
 */
public enum RequestError {
  /** No bytes, or only whitespace. */
  EmptyRequest,
  /**
   * The bytes are not one well-formed JSON document (syntax, bad UTF-8, duplicate keys, nesting).
   */
  InvalidJson,
  /** Larger than {@link RequestParser#MAX_REQUEST_BYTES}. */
  RequestTooLarge,
  /** Valid JSON, but not an object. */
  NotAnObject,
  /** Neither {@code id} nor {@code prime}, or a prime without {@code id} or {@code version}. */
  MissingField,
  /** A field this request shape does not have (including any attempt to send a value). */
  UnknownField,
  /** Both {@code id} and {@code prime}. */
  ConflictingFields,
  /** The id has the wrong type, length or characters. */
  InvalidId,
  /** {@code prime} is not an object. */
  InvalidPrime,
  /** {@code prime.version} is not a non-negative integer. */
  InvalidVersion
}
