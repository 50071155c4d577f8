package dev.warmcache.client;

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

  /**
   * Claim to landed write (event delivery, workflow, origin, write), log-normal: median 0.15 s, σ
   * 0.5, so p90 0.28 s and p99 0.48 s. The twin at 2,600 reads/s measured claim to origin answer at
   * p50 0.11 s, p90 0.22 s, p99 0.35 s (FleetBench); the write and the readers' sync come on top.
   * Each item records its own refresh's latency as Δ, as the refresh function does from the claim.
   */
  private static final double LATENCY_MEDIAN_SECONDS = 0.15;

  private static final double LATENCY_SIGMA = 0.5;

  /**
   * Reader instances holding the key ({@code -Dsim.instances}; FleetBench's twin runs about 24).
   */
  private static final int INSTANCES = Integer.getInteger("sim.instances", 8);

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
    double latency = LATENCY_MEDIAN_SECONDS;
    long reads = 0;
    long stale = 0;
    long fetches = 0;
    long version = 1;
    MemoryTier.Entry[] held = new MemoryTier.Entry[INSTANCES];
    Item item = item(version, base, 0, expiresAt, latency);
    while (t < seconds) {
      t += -Math.log(1 - random.nextDouble()) / readsPerSecond;
      if (landing >= 0 && t >= landing) {
        // As the refresh function writes it: whole epoch seconds, the fetch time rounded to the
        // nearest second plus the jittered TTL rounded likewise.
        expiresAt =
            Math.round(landing)
                + Math.round(TTL_SECONDS * (1 + JITTER * (2 * random.nextDouble() - 1)));
        item = item(++version, base, landing, expiresAt, latency);
        landing = -1;
      }
      reads++;
      if (t >= expiresAt) {
        stale++;
        if (landing < 0) {
          latency = latency(random);
          landing = t + latency;
          fetches++;
        }
        continue;
      }
      int i = random.nextInt(INSTANCES);
      // The change feed drops an older version; the instance then holds the current one.
      if (held[i] == null || held[i].item().version() != item.version()) {
        MemoryTier.Entry fresh = new MemoryTier.Entry(item, EarlyRefresh.windowOpensAt(item));
        fresh.lastReadMillis = held[i] == null ? 0 : held[i].lastReadMillis;
        held[i] = fresh;
      }
      if (policy.onRead(held[i], base + (long) (t * 1000)) && landing < 0) {
        latency = latency(random);
        landing = t + latency;
        fetches++;
      }
    }
    return new Outcome(reads, stale, fetches, seconds / TTL_SECONDS);
  }

  private static double latency(Random random) {
    return LATENCY_MEDIAN_SECONDS * Math.exp(LATENCY_SIGMA * random.nextGaussian());
  }

  private static Item item(
      long version,
      long base,
      double fetchedAtSeconds,
      double expiresAtSeconds,
      double latencySeconds) {
    return Item.builder(ItemId.of("k"))
        .value("v")
        .version(version)
        .fetchedAtMillis(base + (long) (fetchedAtSeconds * 1000))
        .expiresAtEpochSeconds((base + (long) (expiresAtSeconds * 1000)) / 1000)
        .refreshMillis(Math.max(1, Math.round(latencySeconds * 1000)))
        .build();
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/early-refresh-sim.txt");
    double beta = 4.0;
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Early refresh, simulated: TTL %.0f s ±%.0f%%, a refresh lands a log-normal %.2f s"
                    + " (σ %.1f) after it is asked for and records that as Δ, %d instances.%n"
                    + "Cells: stale share of reads, origin fetches per TTL period.%n%n",
                TTL_SECONDS,
                JITTER * 100,
                LATENCY_MEDIAN_SECONDS,
                LATENCY_SIGMA,
                INSTANCES));
    out.append(
        String.format(
            Locale.ROOT, "%-22s %-16s %-16s%n", "reads per TTL period", "off", "β=" + (int) beta));
    for (int perPeriod : new int[] {1, 2, 5, 10, 20, 50, 100, 400}) {
      double rate = perPeriod / TTL_SECONDS;
      out.append(
          String.format(
              Locale.ROOT,
              "%-22d %-16s %-16s%n",
              perPeriod,
              cell(simulate(rate, 0, 20_000, perPeriod)),
              cell(simulate(rate, beta, 20_000, perPeriod))));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nZipf s=%.1f over %d keys, 600 s%n%-10s %-16s %-16s %s%n",
            ZIPF_S,
            KEYS,
            "reads/s",
            "off",
            "β=" + (int) beta,
            "stale, times fewer"));
    double h = 0;
    for (int k = 1; k <= KEYS; k++) {
      h += 1 / Math.pow(k, ZIPF_S);
    }
    for (double total : new double[] {150, 500, 1500, 2600, 5000}) {
      Outcome off = zipf(total, h, 0);
      Outcome on = zipf(total, h, beta);
      out.append(
          String.format(
              Locale.ROOT,
              "%-10.0f %-16s %-16s %.1f%n",
              total,
              cell(off),
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
        Locale.ROOT, "%.3f%% %.3f", 100.0 * o.stale() / o.reads(), o.fetches() / o.periods());
  }
}
