package dev.warmcache.reader;

import dev.warmcache.settings.Settings;
import software.amazon.cloudwatchlogs.emf.config.EnvironmentConfigurationProvider;
import software.amazon.cloudwatchlogs.emf.environment.Environments;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * EMF metrics through Powertools, one flush per invocation (a Lambda environment may be frozen or
 * discarded right after it answers, so nothing is kept for later).
 *
 * <p>Each handler instance owns its own Powertools {@link Metrics} object instead of the
 * process-wide singleton, so instances hosted side by side (the twin, tests) never mix their metric
 * sets.
 */
final class ReaderMetrics {

  private final Metrics metrics;
  private final boolean enabled;

  ReaderMetrics(Settings settings) {
    this.enabled =
        !"true"
            .equalsIgnoreCase(settings.env().getOrDefault("POWERTOOLS_METRICS_DISABLED", "false"));
    if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") == null
        && System.getenv("AWS_EMF_ENVIRONMENT") == null) {
      // Outside Lambda the EMF library would probe the EC2/ECS metadata endpoints to find
      // its environment; pin it to Local (EMF JSON on stdout) so nothing leaves loopback.
      EnvironmentConfigurationProvider.getConfig().setEnvironmentOverride(Environments.Local);
    }
    this.metrics = new EmfMetricsProvider().getMetricsInstance();
    metrics.setNamespace(settings.metricsNamespace());
    metrics.setDefaultDimensions(
        DimensionSet.of("Service", settings.serviceName().orElse("warmcache-reader")));
    metrics.setRaiseOnEmptyMetrics(false);
  }

  void record(Answer answer, Tally tally, double latencyMillis) {
    if (!enabled) {
      return;
    }
    // One Metrics object per instance; Lambda never overlaps invocations but the twin's
    // tests do, and an EMF document must not interleave two invocations.
    synchronized (metrics) {
      if (answer instanceof Answer.Value v) {
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
        if (v.entry().item().notFound()) {
          metrics.addMetric("NegativeHits", 1, MetricUnit.COUNT);
        }
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
      count("CacheMissEvents", tally.missEventsPublished);
      count("CacheMissEventFailures", tally.missEventFailures);
      count("EarlyRefreshRequests", tally.earlyRefreshes);
      count("RefreshClaimsLost", tally.claimsLost);
      count("ChangeFeedReads", tally.syncReads);
      count("ChangeFeedReadFailures", tally.syncFailures);
      count("ChangedKeysDropped", tally.changedKeysDropped);
      count("MemoryTierDrops", tally.memoryCleared ? 1 : 0);
      metrics.addMetric("Latency", latencyMillis, MetricUnit.MILLISECONDS);
      metrics.flush();
    }
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
