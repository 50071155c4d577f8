package dev.warmcache.reader;

import dev.warmcache.events.MissReason;
import dev.warmcache.id.ItemId;
import java.util.OptionalLong;

/** What the reader answers, before it is written as JSON by {@link ResponseWriter}. */
sealed interface Answer {

    ItemId id();

    /** A value (or a negative entry) from one of the tiers. */
    record Value(MemoryTier.Entry entry, Source source, boolean stale) implements Answer {
        @Override
        public ItemId id() {
            return entry.item().id();
        }
    }

    /** Nothing servable yet: a refresh was requested and did not land within {@code MISS_WAIT_MS}. */
    record Pending(ItemId id, MissReason reason, long waitedMillis) implements Answer {
    }

    /** The outcome of a prime notice. */
    record Primed(ItemId id, boolean primed, OptionalLong version, String reason) implements Answer {
    }

    /** Bad input, answered as a normal payload. */
    record Rejected(RequestError error, String message) implements Answer {
        @Override
        public ItemId id() {
            return null;
        }
    }
}
