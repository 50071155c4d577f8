package dev.warmcache.reader;

import dev.warmcache.client.CachedValue;
import dev.warmcache.client.CallStats;
import dev.warmcache.client.Source;
import dev.warmcache.http.HttpResponse;
import dev.warmcache.metrics.EmfMetrics;
import dev.warmcache.settings.Settings;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * EMF metrics through Powertools' {@link Metrics} interface, one flush per invocation (a Lambda
 * environment may be frozen or discarded right after it answers, so nothing is kept for later).
 *
 * <p>Each handler instance owns its own {@link EmfMetrics} instead of the process-wide singleton,
 * so instances hosted side by side (the twin, tests) never mix their metric sets. It writes the EMF
 * line itself rather than through the aws-embedded-metrics library, which alone cost four times a
 * memory hit (docs/reader.md).
 */
final class ReaderMetrics {

  private final Metrics metrics;
  private final boolean enabled;

  ReaderMetrics(Settings settings) {
    this.enabled =
        !"true"
            .equalsIgnoreCase(settings.env().getOrDefault("POWERTOOLS_METRICS_DISABLED", "false"));
    this.metrics =
        EmfMetrics.builder()
            .namespace(settings.metricsNamespace())
            .defaultDimensions(
                DimensionSet.of("Service", settings.serviceName().orElse("warmcache-reader")))
            .build();
  }

  void record(Answer answer, CallStats stats, double latencyMillis) {
    if (!enabled) {
      return;
    }
    // One Metrics object per instance; Lambda never overlaps invocations but the twin's
    // tests do, and an EMF document must not interleave two invocations.
    synchronized (metrics) {
      if (answer instanceof Answer.Value a) {
        addValue(a.value());
      } else if (answer instanceof Answer.Pending) {
        metrics.addMetric("Misses", 1, MetricUnit.COUNT);
        metrics.addMetric("PendingAnswers", 1, MetricUnit.COUNT);
      } else if (answer instanceof Answer.Primed p) {
        metrics.addMetric("Primes", 1, MetricUnit.COUNT);
        if (p.primed()) {
          metrics.addMetric("PrimeReloads", 1, MetricUnit.COUNT);
        }
      } else if (answer instanceof Answer.Rejected) {
        metrics.addMetric("BadRequests", 1, MetricUnit.COUNT);
      }
      addCallAndFlush(stats, latencyMillis);
    }
  }

  /**
   * A function URL request: the same value metrics as an Invoke, plus {@code HttpRequests} and the
   * statuses a dashboard watches (304s save the transfer, 503s are pending answers).
   */
  void recordHttp(HttpResponse response, CallStats stats, double latencyMillis) {
    if (!enabled) {
      return;
    }
    synchronized (metrics) {
      metrics.addMetric("HttpRequests", 1, MetricUnit.COUNT);
      response.served().ifPresent(this::addValue);
      int status = response.status();
      if (status == 304) {
        metrics.addMetric("HttpNotModified", 1, MetricUnit.COUNT);
      } else if (status == 503) {
        metrics.addMetric("Misses", 1, MetricUnit.COUNT);
        metrics.addMetric("PendingAnswers", 1, MetricUnit.COUNT);
      } else if (status >= 400 && response.served().isEmpty()) {
        metrics.addMetric(status >= 500 ? "ReadFailures" : "BadRequests", 1, MetricUnit.COUNT);
      }
      addCallAndFlush(stats, latencyMillis);
    }
  }

  private void addValue(CachedValue v) {
    metrics.addMetric(
        switch (v.source()) {
          case MEMORY -> "MemoryHits";
          case DYNAMODB -> "DynamoDbHits";
          case ORIGIN -> "OriginHits";
        },
        1,
        MetricUnit.COUNT);
    if (v.stale()) {
      metrics.addMetric("StaleServes", 1, MetricUnit.COUNT);
    }
    if (v.stale() || v.source() == Source.ORIGIN) {
      metrics.addMetric("Misses", 1, MetricUnit.COUNT);
    }
    if (v.notFound()) {
      metrics.addMetric("NegativeHits", 1, MetricUnit.COUNT);
    }
  }

  private void addCallAndFlush(CallStats stats, double latencyMillis) {
    count("CacheMissEvents", stats.missEventsPublished());
    count("CacheMissEventFailures", stats.missEventFailures());
    count("EarlyRefreshRequests", stats.earlyRefreshes());
    count("RefreshClaimsLost", stats.claimsLost());
    count("ChangeFeedReads", stats.changeFeedReads());
    count("ChangeFeedReadFailures", stats.changeFeedFailures());
    count("ChangedKeysDropped", stats.changedKeysDropped());
    count("MemoryTierDrops", stats.memoryCleared() ? 1 : 0);
    metrics.addMetric("Latency", latencyMillis, MetricUnit.MILLISECONDS);
    metrics.flush();
  }

  /** Adds a count only when something happened: EMF documents stay small on the common path. */
  private void count(String name, int n) {
    if (n > 0) {
      metrics.addMetric(name, n, MetricUnit.COUNT);
    }
  }

  void recordFailure() {
    if (!enabled) {
      return;
    }
    synchronized (metrics) {
      metrics.addMetric("ReadFailures", 1, MetricUnit.COUNT);
      metrics.flush();
    }
  }
}
