package dev.warmcache.reader;

import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Judges the early-refresh policy by simulation, with the reader's own {@link EarlyRefresh} and
 * memory entries: Poisson reads of one key spread over a fleet of instances, each instance asking
 * for a refresh as the real reader does, one refresh in flight fleet-wide (the lease), landing
 * after the pipeline's latency with a fresh jittered TTL. Prints the stale share of reads and the
 * origin fetches per TTL period, per read rate and over a Zipf load, with early refresh off (β = 0)
 * and at the default β. Simulated time, so it runs in seconds; reads are seeded, and only the
 * policy's own random draws (ThreadLocalRandom, as in the reader) vary the last digit between runs.
 *
 * <p>In this package (in the bench jar) to use the reader's package-private policy, not a copy of
 * it. {@code mvn -B -pl bench -am -Psim -DskipTests verify} writes
 * bench/target/early-refresh-sim.txt.
 */
public final class EarlyRefreshSimulator {

  private static final double TTL_SECONDS = 20;
  private static final double JITTER = 0.10;

  /** Trigger to landed write: event delivery, workflow, origin (what Δ·β stands for). */
  private static final double LATENCY_SECONDS = 0.15;

  private static final long DELTA_MILLIS = 100;
  private static final int INSTANCES = 8;
  private static final int KEYS = 200;
  private static final double ZIPF_S = 1.1;

  private EarlyRefreshSimulator() {}

  /** Outcome of one simulated key. */
  record Outcome(long reads, long stale, long fetches, double periods) {}

  static Outcome simulate(double readsPerSecond, double beta, double seconds, long seed) {
    Random random = new Random(seed);
    EarlyRefresh policy = new EarlyRefresh(beta);
    long base = 1_000_000_000_000L;
    double t = 0;
    double expiresAt = TTL_SECONDS;
    double landing = -1;
    long reads = 0;
    long stale = 0;
    long fetches = 0;
    long version = 1;
    MemoryTier.Entry[] held = new MemoryTier.Entry[INSTANCES];
    Item item = item(version, base, 0, expiresAt);
    while (t < seconds) {
      t += -Math.log(1 - random.nextDouble()) / readsPerSecond;
      if (landing >= 0 && t >= landing) {
        expiresAt = landing + TTL_SECONDS * (1 + JITTER * (2 * random.nextDouble() - 1));
        item = item(++version, base, landing, expiresAt);
        landing = -1;
      }
      reads++;
      if (t >= expiresAt) {
        stale++;
        if (landing < 0) {
          landing = t + LATENCY_SECONDS;
          fetches++;
        }
        continue;
      }
      int i = random.nextInt(INSTANCES);
      // The change feed drops an older version; the instance then holds the current one.
      if (held[i] == null || held[i].item().version() != item.version()) {
        MemoryTier.Entry fresh = MemoryTier.entryFor(item);
        fresh.lastReadMillis = held[i] == null ? 0 : held[i].lastReadMillis;
        held[i] = fresh;
      }
      if (policy.onRead(held[i], base + (long) (t * 1000)) && landing < 0) {
        landing = t + LATENCY_SECONDS;
        fetches++;
      }
    }
    return new Outcome(reads, stale, fetches, seconds / TTL_SECONDS);
  }

  private static Item item(
      long version, long base, double fetchedAtSeconds, double expiresAtSeconds) {
    return Item.builder(ItemId.of("k"))
        .value("v")
        .version(version)
        .fetchedAtMillis(base + (long) (fetchedAtSeconds * 1000))
        .expiresAtEpochSeconds((base + (long) (expiresAtSeconds * 1000)) / 1000)
        .refreshMillis(DELTA_MILLIS)
        .build();
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/early-refresh-sim.txt");
    double beta = 4.0;
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Early refresh, simulated: TTL %.0f s ±%.0f%%, Δ %d ms, refresh lands %.2f s after it is asked for, %d instances%n%n",
                TTL_SECONDS,
                JITTER * 100,
                DELTA_MILLIS,
                LATENCY_SECONDS,
                INSTANCES));
    out.append(
        String.format(
            Locale.ROOT,
            "%-22s %-28s %-28s%n",
            "reads per TTL period",
            "off: stale, fetches/period",
            "β=" + beta + ": stale, fetches/period"));
    for (int perPeriod : new int[] {1, 2, 5, 10, 20, 50, 100, 400}) {
      Outcome off = simulate(perPeriod / TTL_SECONDS, 0, 20_000, perPeriod);
      Outcome on = simulate(perPeriod / TTL_SECONDS, beta, 20_000, perPeriod);
      out.append(String.format(Locale.ROOT, "%-22d %-28s %-28s%n", perPeriod, cell(off), cell(on)));
    }
    out.append(String.format(Locale.ROOT, "%nZipf s=%.1f over %d keys, 600 s%n", ZIPF_S, KEYS));
    double h = 0;
    for (int k = 1; k <= KEYS; k++) {
      h += 1 / Math.pow(k, ZIPF_S);
    }
    for (double total : new double[] {150, 500, 1500, 5000}) {
      Outcome off = zipf(total, h, 0);
      Outcome on = zipf(total, h, beta);
      out.append(
          String.format(
              Locale.ROOT,
              "%6.0f reads/s: off %s; β=%.0f %s; stale %.1f× fewer%n",
              total,
              cell(off),
              beta,
              cell(on),
              on.stale() == 0
                  ? Double.POSITIVE_INFINITY
                  : (double) off.stale() / off.reads() / ((double) on.stale() / on.reads())));
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    System.out.print(out);
    System.out.println("written to " + file.toAbsolutePath());
  }

  private static Outcome zipf(double total, double h, double beta) {
    long reads = 0;
    long stale = 0;
    long fetches = 0;
    double periods = 0;
    for (int k = 1; k <= KEYS; k++) {
      Outcome o = simulate(total / (Math.pow(k, ZIPF_S) * h), beta, 600, k);
      reads += o.reads();
      stale += o.stale();
      fetches += o.fetches();
      periods += o.periods();
    }
    return new Outcome(reads, stale, fetches, periods);
  }

  private static String cell(Outcome o) {
    return String.format(
        Locale.ROOT, "%6.3f%% %5.3f", 100.0 * o.stale() / o.reads(), o.fetches() / o.periods());
  }
}
