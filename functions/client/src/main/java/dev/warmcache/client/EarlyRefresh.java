package dev.warmcache.client;

import dev.warmcache.item.Item;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Early refresh: probabilistic early expiration (Vattani, Chierichetti and Lowenstein, "Optimal
 * Probabilistic Cache Stampede Prevention", VLDB 2015, "XFetch"), with the read gap added to Δ. A
 * read of a fresh item asks for a refresh when
 *
 * <pre>{@code now - (Δ·β + gap) · ln(U) ≥ expiresAt,   U uniform in (0, 1]}</pre>
 *
 * <ul>
 *   <li>Δ is the item's {@code refreshMillis}: what the refresh that wrote it took, from the
 *       readers' claim that asked for it (the execution's start when no reader asked) to the
 *       origin's answer ({@link #UNKNOWN_DELTA_MILLIS} if not recorded). β is {@code
 *       EARLY_REFRESH_BETA} (4 by default; 0 turns early refresh off): Δ leaves out the write and
 *       the readers' sync, and the next refresh may take longer than the last.
 *   <li>{@code gap} is the time since this instance last read the key (0 on its first read). XFetch
 *       assumes a key is read far more often than it takes to recompute; a key read every few
 *       seconds would otherwise rarely have a read inside Δ·β and expire. With the gap, a read
 *       fires with about the chance that it is this instance's last read before expiry (reads
 *       spaced {@code gap} apart, Poisson), so sparse keys are refreshed on their last read and hot
 *       keys (gap near 0) behave as plain XFetch.
 *   <li>The window: no read fires earlier than {@link #WINDOW_FRACTION} of the item's lifetime
 *       before {@code expiresAt}, which caps the cost at 1 / 0.92 origin fetches per TTL period for
 *       any key; the lease and the seen-version skip keep it to one fetch fleet-wide.
 * </ul>
 *
 * <p>β, the gap term and the window were chosen with {@code EarlyRefreshSimulator} (bench/), which
 * runs this class in simulated time; figures in docs/freshness.md.
 */
final class EarlyRefresh {

  static final double WINDOW_FRACTION = 0.06;
  static final long UNKNOWN_DELTA_MILLIS = 1_000;

  private final double beta;

  EarlyRefresh(double beta) {
    this.beta = beta;
  }

  /** When the early window of {@code item} opens, in epoch ms; {@code Long.MAX_VALUE} if never. */
  static long windowOpensAt(Item item) {
    long expiresAtMillis = item.expiresAtEpochSeconds() * 1000;
    long lifetime = expiresAtMillis - item.fetchedAtMillis();
    if (item.fetchedAtMillis() <= 0 || lifetime <= 0) {
      return Long.MAX_VALUE;
    }
    return expiresAtMillis - (long) (lifetime * WINDOW_FRACTION);
  }

  /**
   * Records a read of {@code entry} at {@code nowMillis} and answers whether it should ask for an
   * early refresh. Before the window opens this is one store and one comparison.
   */
  boolean onRead(MemoryTier.Entry entry, long nowMillis) {
    long previous = entry.lastReadMillis;
    entry.lastReadMillis = nowMillis;
    if (nowMillis < entry.earlyFromMillis() || beta <= 0) {
      return false;
    }
    Item item = entry.item();
    long left = item.expiresAtEpochSeconds() * 1000 - nowMillis;
    if (left <= 0) {
      return false;
    }
    double delta = item.refreshMillis() > 0 ? item.refreshMillis() : UNKNOWN_DELTA_MILLIS;
    long gap = previous > 0 ? Math.max(0, nowMillis - previous) : 0;
    double u = 1.0 - ThreadLocalRandom.current().nextDouble();
    return left <= -(delta * beta + gap) * Math.log(u);
  }
}
