package dev.warmcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.measure.Fleet;
import dev.warmcache.local.stepfunctions.engine.Execution;
import dev.warmcache.local.stepfunctions.engine.StepFunctionsEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Fleet benchmarks on the local twin, printed and written to a file (first argument, default
 * bench/target/fleet-results.txt; a second argument {@code coherence} or {@code freshness} runs one
 * of the two). Not timed tests: figures for docs/freshness.md.
 *
 * <ul>
 *   <li><b>Coherence</b>: N warm reader instances hold a key; a ForceRefresh lands; the share of
 *       instances serving the new version 0.25, 0.5, 1 and 2 s later, with the change feed on
 *       (COHERENCE_INTERVAL_MS=1000) and off (0), PRIME_FANOUT 4 in both.
 *   <li><b>Freshness under load</b>: Zipf-skewed reads (s = 1.1) over 200 keys with TTL_SECONDS=20
 *       for two minutes, early refresh on (EARLY_REFRESH_BETA default) and off (0): the share of
 *       answers that were not fresh and origin fetches per key per TTL period.
 * </ul>
 *
 * <p>Started by {@code mvn -B -pl bench -am -Pfleet -DskipTests verify}.
 */
public final class FleetBench {

  /** How often the freshness run samples the table to see refreshes land. */
  private static final long TIMINGS_POLL_MILLIS = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] FLEET_SIZES = {8, 32, 64};
  private static final long[] PROBES_MS = {250, 500, 1000, 2000};
  private static final int KEYS = 200;
  private static final double ZIPF_S = 1.1;
  private static final int TTL_SECONDS = 20;
  private static final Duration LOAD = Duration.ofMinutes(2);

  /** Concurrent readers in the freshness benchmark; the third argument overrides it. */
  private static int readers = 8;

  private static final long CLIENT_PAUSE_MS = 5;

  private FleetBench() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "bench/target/fleet-results.txt");
    String only = args.length > 1 ? args[1] : "all";
    if (args.length > 2) {
      readers = Integer.parseInt(args[2]);
    }
    StringBuilder report = new StringBuilder();
    if (!only.equals("freshness")) {
      coherence(report);
    }
    if (!only.equals("coherence")) {
      freshness(report);
    }
    ReportFile.finish(file, report);
  }

  private static void coherence(StringBuilder report) throws Exception {
    report.append(
        "Coherence: share of N warm instances serving the new version t after the write (PRIME_FANOUT 4)\n");
    report.append(
        String.format(
            Locale.ROOT,
            "%-10s %4s %8s %8s %8s %8s%n",
            "feed",
            "N",
            "0.25 s",
            "0.5 s",
            "1 s",
            "2 s"));
    for (boolean feed : new boolean[] {true, false}) {
      coherence(feed, report);
    }
  }

  private static void freshness(StringBuilder report) throws Exception {
    report
        .append("\nFreshness under load: Zipf s=")
        .append(ZIPF_S)
        .append(" over ")
        .append(KEYS)
        .append(" keys, TTL_SECONDS=")
        .append(TTL_SECONDS)
        .append(", ")
        .append(LOAD.toSeconds())
        .append(" s of reads after a warm-up period, ")
        .append(readers)
        .append(" clients pausing ")
        .append(CLIENT_PAUSE_MS)
        .append(" ms between reads\n");
    for (boolean early : new boolean[] {true, false}) {
      freshness(early, report);
    }
  }

  private static void coherence(boolean feed, StringBuilder report) throws Exception {
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(
                        Map.of("COHERENCE_INTERVAL_MS", feed ? "1000" : "0", "PRIME_FANOUT", "4"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      for (int n : FLEET_SIZES) {
        String id = Integer.toString(n % 20 + 1);
        twin.lambda().reclaimAll(Twin.READER);
        fleet.provisionReaders(n);
        fleet.forceRefresh(id, fleet.storedVersion(id), Duration.ofSeconds(60));
        fleet.awaitWorkflowsDone(Duration.ofSeconds(60));
        fleet.versionsServed(id);
        long before = fleet.storedVersion(id);
        long written = fleet.forceRefresh(id, before, Duration.ofSeconds(60));
        long now = fleet.storedVersion(id);
        StringBuilder row =
            new StringBuilder(String.format(Locale.ROOT, "%-10s %4d", feed ? "on" : "off", n));
        for (long probe : PROBES_MS) {
          Fleet.sleepUntil(written + probe);
          Map<String, Long> served = fleet.versionsServed(id);
          long fresh = served.values().stream().filter(v -> v >= now).count();
          // Instances busy with a prime at that moment are not probed; they count as not fresh.
          row.append(String.format(Locale.ROOT, " %7.0f%%", 100.0 * fresh / n));
        }
        report.append(row).append('\n');
        System.out.println(row);
        fleet.awaitWorkflowsDone(Duration.ofSeconds(60));
      }
    }
  }

  private static void freshness(boolean early, StringBuilder report) throws Exception {
    BenchOrigin origin = new BenchOrigin(0);
    Map<String, String> settings = new HashMap<>();
    settings.put("ORIGIN_URL_TEMPLATE", origin.urlTemplate());
    settings.put("TTL_SECONDS", Integer.toString(TTL_SECONDS));
    settings.put("MISS_INTERVAL_SECONDS", "5");
    settings.put("MISS_WAIT_MS", "10000");
    settings.put("POWERTOOLS_LOG_LEVEL", "WARN");
    // Priming is the coherence benchmark's subject; here its cold starts would only compete with
    // the load for the machine's two cores (the change feed keeps the instances coherent).
    settings.put("PRIME_FANOUT", "0");
    if (!early) {
      settings.put("EARLY_REFRESH_BETA", "0");
    }
    try (Twin twin =
            Twin.start(TwinOptions.builder().port(0).seed(false).settings(settings).build());
        Fleet fleet = new Fleet(twin)) {
      double[] cdf = zipf(KEYS, ZIPF_S);
      Map<String, LongAdder[]> perKey = new ConcurrentHashMap<>();
      long warmUpEnds = System.currentTimeMillis() + TTL_SECONDS * 1000L;
      long ends = warmUpEnds + LOAD.toMillis();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < readers; c++) {
        Random random = new Random(c);
        Thread t =
            new Thread(
                () -> {
                  while (System.currentTimeMillis() < ends) {
                    String id = "k" + pick(cdf, random.nextDouble());
                    JsonNode answer = read(twin, id);
                    if (System.currentTimeMillis() >= warmUpEnds) {
                      // [reads, stale, pending, waited for the origin, failed]
                      LongAdder[] counts = perKey.computeIfAbsent(id, k -> adders(5));
                      counts[0].increment();
                      if (answer == null) {
                        counts[4].increment();
                      } else if (answer.path("stale").asBoolean(false)) {
                        counts[1].increment();
                      } else if (answer.path("pending").asBoolean(false)) {
                        counts[2].increment();
                      } else if ("origin".equals(answer.path("source").asText())) {
                        counts[3].increment();
                      }
                    }
                    try {
                      Thread.sleep(CLIENT_PAUSE_MS);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "client-" + c);
        clients.add(t);
        t.start();
      }
      Fleet.sleepUntil(warmUpEnds);
      Map<String, Long> fetchesAtStart = origin.fetches();
      RefreshTimings timings = new RefreshTimings();
      while (System.currentTimeMillis() < ends) {
        timings.observe(fleet.storedRecords());
        Thread.sleep(TIMINGS_POLL_MILLIS);
      }
      for (Thread t : clients) {
        t.join();
      }
      Map<String, Long> fetchesAtEnd = origin.fetches();
      double periods = (double) LOAD.toSeconds() / TTL_SECONDS;
      long[] hot = new long[5];
      long[] cold = new long[5];
      int hotKeys = 0;
      long hotFetches = 0;
      long allFetches = 0;
      for (Map.Entry<String, LongAdder[]> e : perKey.entrySet()) {
        long[] sums = new long[5];
        for (int i = 0; i < 5; i++) {
          sums[i] = e.getValue()[i].sum();
        }
        long keyFetches =
            fetchesAtEnd.getOrDefault(e.getKey(), 0L) - fetchesAtStart.getOrDefault(e.getKey(), 0L);
        allFetches += keyFetches;
        boolean isHot = sums[0] >= periods;
        long[] into = isHot ? hot : cold;
        for (int i = 0; i < 5; i++) {
          into[i] += sums[i];
        }
        if (isHot) {
          hotKeys++;
          hotFetches += keyFetches;
        }
      }
      String label = early ? "early refresh on " : "early refresh off";
      String line =
          String.format(
              Locale.ROOT,
              "%s: %d reads (%.0f/s); keys read >= once per TTL period: %d keys, %d reads, not fresh %.3f%% "
                  + "(stale %d, pending %d, waited for origin %d, failed %d), %.3f origin fetches per key per period; "
                  + "colder keys: %d keys, %d reads, not fresh %.3f%%; all keys: %.3f fetches per key per period",
              label,
              hot[0] + cold[0],
              (hot[0] + cold[0]) / (double) LOAD.toSeconds(),
              hotKeys,
              hot[0],
              pct(hot),
              hot[1],
              hot[2],
              hot[3],
              hot[4],
              hotKeys == 0 ? 0.0 : hotFetches / (hotKeys * periods),
              perKey.size() - hotKeys,
              cold[0],
              pct(cold),
              perKey.isEmpty() ? 0.0 : allFetches / (perKey.size() * periods));
      report.append(line).append('\n');
      System.out.println(line);
      String runs =
          "  executions started in the window (of the newest "
              + StepFunctionsEngine.RETAINED_FINISHED
              + " the twin retains), by trigger -> action: "
              + outcomes(twin, warmUpEnds);
      report.append(runs).append('\n');
      System.out.println(runs);
      String landed = "  " + timings.summary();
      report.append(landed).append('\n');
      System.out.println(landed);
    } finally {
      origin.close();
    }
  }

  /**
   * When refreshes landed, from the table sampled every {@link #TIMINGS_POLL_MILLIS}: for each new
   * version of a key, how long before the replaced version's {@code expiresAt} it was fetched (the
   * lead: negative means readers were served stale meanwhile), the Δ it recorded, and the time from
   * the readers' claim to the origin's answer when a claim started it.
   */
  private static final class RefreshTimings {
    private final Map<String, long[]> seen = new HashMap<>();
    private final List<Long> leads = new ArrayList<>();
    private final List<Long> deltas = new ArrayList<>();
    private final List<Long> claimToFetch = new ArrayList<>();

    void observe(List<Map<String, AttributeValue>> records) {
      for (Map<String, AttributeValue> r : records) {
        String id = text(r, ItemAttributes.ID);
        long version = number(r, ItemAttributes.VERSION);
        long fetchedAt = number(r, ItemAttributes.FETCHED_AT);
        if (id == null || version <= 0 || fetchedAt <= 0) {
          continue; // a change-feed bucket or a lease-only record
        }
        long expiresAtMillis = number(r, ItemAttributes.EXPIRES_AT) * 1000;
        long[] before = seen.put(id, new long[] {version, expiresAtMillis});
        if (before == null || before[0] >= version) {
          continue;
        }
        leads.add(before[1] - fetchedAt);
        deltas.add(number(r, ItemAttributes.REFRESH_MILLIS));
        long claim = number(r, ItemAttributes.REFRESH_REQUESTED_AT);
        if (claim > 0 && claim <= fetchedAt && fetchedAt - claim < 10_000) {
          claimToFetch.add(fetchedAt - claim);
        }
      }
    }

    String summary() {
      long stale = leads.stream().filter(l -> l < 0).count();
      return String.format(
          Locale.ROOT,
          "refreshes seen landing: %d; fetched before the old expiry by (ms) p1 %s, p10 %s, p50 %s,"
              + " p90 %s (%d after it); Δ recorded p50 %s, p90 %s; claim to origin answer p50 %s,"
              + " p90 %s, p99 %s (%d claimed)",
          leads.size(),
          pick(leads, 1),
          pick(leads, 10),
          pick(leads, 50),
          pick(leads, 90),
          stale,
          pick(deltas, 50),
          pick(deltas, 90),
          pick(claimToFetch, 50),
          pick(claimToFetch, 90),
          pick(claimToFetch, 99),
          claimToFetch.size());
    }

    private static String pick(List<Long> values, int p) {
      if (values.isEmpty()) {
        return "-";
      }
      long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
      return Long.toString(sorted[Math.min(sorted.length - 1, (int) (p / 100.0 * sorted.length))]);
    }

    private static String text(Map<String, AttributeValue> r, String name) {
      AttributeValue v = r.get(name);
      return v == null ? null : v.s();
    }

    private static long number(Map<String, AttributeValue> r, String name) {
      AttributeValue v = r.get(name);
      try {
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }

  /**
   * The refresh executions started since {@code fromMillis}, counted by what asked (the miss's
   * reason, or the event type) and what the workflow decided: "early -> fresh" counts early
   * refreshes that found a newer version already stored, which cost an execution and no fetch.
   */
  private static Map<String, Long> outcomes(Twin twin, long fromMillis) {
    Map<String, Long> counts = new TreeMap<>();
    for (Execution e :
        twin.stepFunctions().listExecutions(twin.stateMachine().stateMachineArn(), null)) {
      if (e.startDate().toEpochMilli() < fromMillis) {
        continue;
      }
      String trigger;
      String action;
      try {
        JsonNode input = JSON.readTree(e.input());
        trigger = input.path("detail").path("reason").asText(input.path("detail-type").asText());
        action =
            e.output() == null
                ? e.status().name()
                : JSON.readTree(e.output()).path("action").asText(e.status().name());
      } catch (IOException ex) {
        trigger = "unreadable";
        action = e.status().name();
      }
      counts.merge(trigger + " -> " + action, 1L, Long::sum);
    }
    return counts;
  }

  private static double pct(long[] counts) {
    return counts[0] == 0
        ? 0.0
        : 100.0 * (counts[1] + counts[2] + counts[3] + counts[4]) / counts[0];
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  private static JsonNode read(Twin twin, String id) {
    try {
      var result =
          twin.lambda()
              .invoke(Twin.READER, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
      return result.functionError() == null ? JSON.readTree(result.payload()) : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Cumulative Zipf distribution over ranks 1..n. */
  static double[] zipf(int n, double s) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1.0 / Math.pow(k, s);
      cdf[k - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
    return cdf;
  }

  static int pick(double[] cdf, double u) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo + 1;
  }
}
