/**
 * Metrics: Powertools' {@link software.amazon.lambda.powertools.metrics.Metrics} interface written
 * straight to CloudWatch embedded metric format (EMF) documents. {@link
 * dev.warmcache.metrics.EmfMetrics} is the whole public surface. See docs/reader.md, "Telemetry".
 */
package dev.warmcache.metrics;
