package dev.warmcache.reader;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;

/**
 * What a caller asked for: a read of one key, a prime notice from the refresh workflow, or an HTTP
 * request through the function URL.
 */
public sealed interface ReaderRequest {

  /** {@code {"id":"15"}} or {@code {"id":15}}. */
  record Read(ItemId id) implements ReaderRequest {}

  /**
   * {@code {"prime":{"id":"15","version":7}}}: version 7 of 15 was written; reload if older.
   * Carries no value by design, so whoever can invoke the reader cannot plant data in it.
   */
  record Prime(ItemId id, long version) implements ReaderRequest {}

  /** A function URL event (payload format 2.0), answered by the HTTP front. */
  record Http(JsonNode event) implements ReaderRequest {}

  /** A function URL event larger than the front reads: answered 413 without parsing it. */
  record HttpTooLarge() implements ReaderRequest {}
}
