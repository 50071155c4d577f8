package dev.warmcache.reader;

import dev.warmcache.item.Item;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Probabilistic early expiration (Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic
 * Cache Stampede Prevention", VLDB 2015): a read of a fresh item asks for a refresh when
 * {@code now - Δ·β·ln(U) ≥ expiresAt}, U uniform in (0, 1]. The chance rises as expiry nears,
 * and the more reads a key gets, the earlier one of them fires, so hot keys are refreshed
 * before they expire while a key read once in a while is left to expire and retire.
 *
 * <ul>
 *   <li>Δ is the item's {@code refreshMillis}: what the refresh that wrote it took, from the
 *       execution's start to the origin's answer. An item without one counts as
 *       {@link #UNKNOWN_DELTA_MILLIS}.</li>
 *   <li>β is {@code EARLY_REFRESH_BETA} (4 by default; 0 turns early refresh off). The paper's
 *       β = 1 assumes Δ is the whole cost of a recompute; ours leaves out the event's delivery,
 *       the write and the readers' sync, and the freshness benchmark chose 4.</li>
 *   <li>The window: no read fires earlier than {@link #WINDOW_FRACTION} of the item's lifetime
 *       before {@code expiresAt}, whatever Δ and β say, which caps the cost at about
 *       1 / (1 - 0.1) origin fetches per TTL period for the hottest key.</li>
 * </ul>
 */
final class EarlyRefresh {

    static final double WINDOW_FRACTION = 0.10;
    static final long UNKNOWN_DELTA_MILLIS = 1_000;

    private final double beta;

    EarlyRefresh(double beta) {
        this.beta = beta;
    }

    /** When the early window of {@code item} opens, in epoch ms; {@code Long.MAX_VALUE} if never. */
    static long windowOpensAt(Item item) {
        long expiresAtMillis = item.expiresAt() * 1000;
        long lifetime = expiresAtMillis - item.fetchedAt();
        if (item.fetchedAt() <= 0 || lifetime <= 0) {
            return Long.MAX_VALUE;
        }
        return expiresAtMillis - (long) (lifetime * WINDOW_FRACTION);
    }

    /** Whether a read of {@code entry} at {@code nowMillis} should ask for an early refresh. */
    boolean fires(MemoryTier.Entry entry, long nowMillis) {
        if (nowMillis < entry.earlyFromMillis() || beta <= 0) {
            return false;
        }
        Item item = entry.item();
        long left = item.expiresAt() * 1000 - nowMillis;
        if (left <= 0) {
            return false;
        }
        double delta = item.refreshMillis() > 0 ? item.refreshMillis() : UNKNOWN_DELTA_MILLIS;
        double u = 1.0 - ThreadLocalRandom.current().nextDouble();
        return left <= -delta * beta * Math.log(u);
    }
}
