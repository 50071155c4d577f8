package dev.warmcache.reader;

import dev.warmcache.client.CachedValue;
import dev.warmcache.events.MissReason;
import dev.warmcache.id.ItemId;
import java.util.OptionalLong;

/** What the reader answers, before it is written as JSON by {@link ResponseWriter}. */
sealed interface Answer {

  /** A value (or a negative entry) from one of the client's tiers. */
  record Value(CachedValue value) implements Answer {}

  /** Nothing servable yet: a refresh was requested and did not land within {@code MISS_WAIT_MS}. */
  record Pending(ItemId id, MissReason reason, long waitedMillis) implements Answer {}

  /**
   * The outcome of a prime notice, naming the instance that answered, so the workflow can count how
   * many primes reached an instance holding the key and how many started a new one.
   */
  record Primed(ItemId id, boolean primed, OptionalLong version, String reason, Instance instance)
      implements Answer {
    /** True if this instance held the key when the prime arrived. */
    boolean held() {
      return !reason.equals("not-held");
    }
  }

  /** Bad input, answered as a normal payload. */
  record Rejected(RequestError error, String message) implements Answer {}
}
