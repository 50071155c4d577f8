package dev.warmcache.reader;

import dev.warmcache.id.ItemId;

/** What a caller asked for: a read of one key, or a prime notice from the refresh workflow. */
public sealed interface ReaderRequest {

  ItemId id();

  /** {@code {"id":"15"}} or {@code {"id":15}}. */
  record Read(ItemId id) implements ReaderRequest {}

  /**
   * {@code {"prime":{"id":"15","version":7}}}: version 7 of 15 was written; reload if older.
   * Carries no value by design, so whoever can invoke the reader cannot plant data in it.
   */
  record Prime(ItemId id, long version) implements ReaderRequest {}
}
