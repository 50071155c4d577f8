package dev.warmcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

class EmfMetricsTest {

  private static final Instant NOW = Instant.parse("2026-12-03T02:00:00Z");
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(written, true, StandardCharsets.UTF_8);

  private EmfMetrics.Builder metrics() {
    return EmfMetrics.builder()
        .out(() -> out)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .namespace("warmcache")
        .defaultDimensions(DimensionSet.of("Service", "reader"));
  }

  /** Each line must be a whole JSON document: CloudWatch Logs takes one event per line. */
  private List<JsonNode> documents() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        docs.add(new ObjectMapper().readTree(line));
      }
    }
    return docs;
  }

  @Test
  void oneFlushWritesOneDocumentInTheEmbeddedMetricFormat() throws Exception {
    EmfMetrics m = metrics().build();
    m.addMetric("MemoryHits", 1, MetricUnit.COUNT);
    m.addMetric("Latency", 0.25, MetricUnit.MILLISECONDS, MetricResolution.HIGH);
    m.addMetadata("requestId", "r-1");
    m.flush();

    List<JsonNode> docs = documents();
    assertEquals(1, docs.size());
    JsonNode doc = docs.get(0);
    JsonNode directive = doc.at("/_aws/CloudWatchMetrics/0");
    assertEquals(NOW.toEpochMilli(), doc.at("/_aws/Timestamp").asLong());
    assertEquals("warmcache", directive.get("Namespace").asText());
    assertEquals("[[\"Service\"]]", directive.get("Dimensions").toString());
    assertEquals(
        "[{\"Name\":\"MemoryHits\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"Latency\",\"Unit\":\"Milliseconds\",\"StorageResolution\":1}]",
        directive.get("Metrics").toString());
    assertEquals("reader", doc.get("Service").asText());
    assertEquals(1.0, doc.get("MemoryHits").asDouble());
    assertEquals(0.25, doc.get("Latency").asDouble());
    assertEquals("r-1", doc.get("requestId").asText());
  }

  @Test
  void aFlushForgetsMetricsDimensionsAndMetadataButKeepsTheDefaults() throws Exception {
    EmfMetrics m = metrics().build();
    m.addDimension(DimensionSet.of("Tier", "memory"));
    m.addMetadata("requestId", "r-1");
    m.addMetric("MemoryHits", 1, MetricUnit.COUNT);
    m.flush();
    m.addMetric("Primes", 1, MetricUnit.COUNT);
    m.flush();

    List<JsonNode> docs = documents();
    assertEquals(
        "[[\"Service\",\"Tier\"]]",
        docs.get(0).at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
    JsonNode second = docs.get(1);
    assertEquals("[[\"Service\"]]", second.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
    assertFalse(second.has("Tier"));
    assertFalse(second.has("requestId"));
    assertFalse(second.has("MemoryHits"));
    assertTrue(second.has("Primes"));
  }

  @Test
  void aMetricAddedTwiceBecomesAnArrayOfValues() throws Exception {
    EmfMetrics m = metrics().build();
    m.addMetric("Latency", 1, MetricUnit.MILLISECONDS);
    m.addMetric("Latency", 2.5, MetricUnit.MILLISECONDS);
    m.flush();
    assertEquals("[1,2.5]", documents().get(0).get("Latency").toString());
  }

  @Test
  void moreThanTheSpecificationAllowsIsSplitAcrossDocuments() throws Exception {
    EmfMetrics m = metrics().build();
    for (int i = 0; i < 150; i++) {
      m.addMetric("M" + i, i, MetricUnit.COUNT);
    }
    for (int i = 0; i < 130; i++) {
      m.addMetric("Latency", i, MetricUnit.MILLISECONDS);
    }
    m.flush();
    List<JsonNode> docs = documents();
    int definitions = 0;
    int latencies = 0;
    for (JsonNode doc : docs) {
      int n = doc.at("/_aws/CloudWatchMetrics/0/Metrics").size();
      assertTrue(n <= EmfMetrics.MAX_METRICS_PER_DOCUMENT, "metrics per document: " + n);
      definitions += n;
      JsonNode latency = doc.get("Latency");
      if (latency != null) {
        int values = latency.isArray() ? latency.size() : 1;
        assertTrue(values <= EmfMetrics.MAX_VALUES_PER_METRIC, "values per metric: " + values);
        latencies += values;
      }
    }
    assertEquals(130, latencies, "no value is lost in the split");
    assertTrue(definitions >= 151, "every metric is defined: " + definitions);
  }

  @Test
  void badNamesAndValuesAreRefusedWithTheirReason() {
    EmfMetrics m = metrics().build();
    assertThrows(IllegalArgumentException.class, () -> m.addMetric(" ", 1, MetricUnit.COUNT));
    assertThrows(
        IllegalArgumentException.class, () -> m.addMetric("x".repeat(256), 1, MetricUnit.COUNT));
    IllegalArgumentException nan =
        assertThrows(
            IllegalArgumentException.class,
            () -> m.addMetric("Latency", Double.NaN, MetricUnit.COUNT));
    assertTrue(nan.getMessage().contains("finite"), nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> m.addMetric("Service", 1, MetricUnit.COUNT));
    assertThrows(IllegalArgumentException.class, () -> m.setNamespace("bad namespace"));
    assertThrows(
        IllegalArgumentException.class, () -> m.setTimestamp(NOW.minusSeconds(30L * 24 * 3600)));
  }

  @Test
  void emptyFlushesFollowTheRaiseOnEmptySetting() throws Exception {
    EmfMetrics quiet = metrics().build();
    quiet.flush();
    assertEquals(0, documents().size(), "nothing to write, nothing written");

    EmfMetrics strict = metrics().build();
    strict.setRaiseOnEmptyMetrics(true);
    assertThrows(IllegalStateException.class, strict::flush);
    assertThrows(
        IllegalArgumentException.class,
        () -> {
          EmfMetrics noNamespace = EmfMetrics.builder().out(() -> out).build();
          noNamespace.addMetric("MemoryHits", 1, MetricUnit.COUNT);
          noNamespace.flush();
        });
  }

  @Test
  void disabledMetricsWriteNothing() throws Exception {
    EmfMetrics m = metrics().disabled(true).build();
    m.addMetric("MemoryHits", 1, MetricUnit.COUNT);
    m.flush();
    assertEquals(0, documents().size());
  }

  @Test
  void theColdStartMetricGoesInItsOwnDocumentOnlyOnAColdStart() throws Exception {
    metrics().coldStart(() -> false).build().captureColdStartMetric(DimensionSet.of("Fn", "r"));
    assertEquals(0, documents().size());

    EmfMetrics m = metrics().coldStart(() -> true).build();
    m.addMetric("MemoryHits", 1, MetricUnit.COUNT);
    m.captureColdStartMetric(DimensionSet.of("Fn", "r"));
    JsonNode cold = documents().get(0);
    assertEquals(1.0, cold.get("ColdStart").asDouble());
    assertEquals("[[\"Fn\"]]", cold.at("/_aws/CloudWatchMetrics/0/Dimensions").toString());
    assertFalse(cold.has("MemoryHits"), "the open document is left alone");
    m.flush();
    assertTrue(documents().get(1).has("MemoryHits"));
  }

  @Test
  void valuesThatNeedEscapingStayOneLine() throws Exception {
    EmfMetrics m = metrics().build();
    m.addDimension(DimensionSet.of("Key", "a\"b"));
    m.addMetadata("note", "line one\nline two \u00e9\u2028");
    m.addMetadata("detail", java.util.List.of(1, "two"));
    m.addMetric("MemoryHits", 1, MetricUnit.COUNT);
    m.flush();
    List<JsonNode> docs = documents();
    assertEquals(1, docs.size());
    assertEquals("line one\nline two \u00e9\u2028", docs.get(0).get("note").asText());
    assertEquals("a\"b", docs.get(0).get("Key").asText());
    assertEquals("[1,\"two\"]", docs.get(0).get("detail").toString());
  }
}
