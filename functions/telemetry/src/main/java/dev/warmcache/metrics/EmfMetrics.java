package dev.warmcache.metrics;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.warmcache.json.Json;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.common.internal.LambdaHandlerProcessor;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.internal.Validator;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricResolution;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools' {@link Metrics}, serialized by hand into one EMF line per flush.
 *
 * <p>Why not Powertools' own provider: it writes through the aws-embedded-metrics library, whose
 * flush costs about 2 µs on its own (it rebuilds a Jackson object tree and copies its context on
 * every flush). The reader flushes once per invocation and a memory hit costs under 0.5 µs, so the
 * library would be four fifths of every hit. This class writes the same document straight into a
 * reused buffer. Powertools' Metrics interface is the extension point built for other back ends
 * (powertools-lambda-java issue 1848), and Powertools' own {@link Validator} keeps the namespace,
 * dimension and timestamp rules identical.
 *
 * <pre>{@code
 * Metrics metrics = EmfMetrics.builder()
 *     .namespace("warmcache")
 *     .defaultDimensions(DimensionSet.of("Service", "reader"))
 *     .build();
 * metrics.addMetric("MemoryHits", 1, MetricUnit.COUNT);
 * metrics.flush(); // one EMF line on stdout
 * // Process-wide, for Powertools' @FlushMetrics: MetricsFactory.setMetricsProvider(() -> metrics);
 * }</pre>
 *
 * <p>Limits from the EMF specification: at most 100 metrics per document and 100 values per metric;
 * a flush that holds more writes several documents. A metric added twice in one flush becomes an
 * array of values. Dimensions added with {@link #addDimension} join the default dimensions in the
 * document's one dimension set until the next flush. Thread-safe; each call holds this object's
 * lock, so a document never interleaves two callers.
 */
public final class EmfMetrics implements Metrics {

  /** EMF: a MetricDirective holds at most 100 metric definitions. */
  static final int MAX_METRICS_PER_DOCUMENT = 100;

  /** EMF: a metric's value array holds at most 100 values. */
  static final int MAX_VALUES_PER_METRIC = 100;

  /** CloudWatch metric names are 1 to 255 characters (PutMetricData, MetricDatum.MetricName). */
  static final int MAX_METRIC_NAME_LENGTH = 255;

  private final Supplier<PrintStream> out;
  private final Clock clock;
  private final boolean disabled;
  private final BooleanSupplier coldStart;

  private String namespace;
  private boolean raiseOnEmptyMetrics;
  private final Map<String, String> defaultDimensions = new LinkedHashMap<>();
  private final Map<String, String> dimensions = new LinkedHashMap<>();
  private final Map<String, Object> metadata = new LinkedHashMap<>();
  private final Map<String, Metric> metrics = new LinkedHashMap<>();
  private Instant timestamp;
  private boolean emittedSinceFlush;
  private final Document document = new Document();

  private EmfMetrics(Builder b) {
    this.out = b.out;
    this.clock = b.clock;
    this.disabled = b.disabled;
    this.coldStart = b.coldStart;
    if (b.namespace != null) {
      setNamespace(b.namespace);
    }
    if (b.defaultDimensions != null) {
      setDefaultDimensions(b.defaultDimensions);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized void addMetric(
      String name, double value, MetricUnit unit, MetricResolution resolution) {
    if (name == null || name.isBlank() || name.length() > MAX_METRIC_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "Metric name must be 1 to " + MAX_METRIC_NAME_LENGTH + " characters, not blank");
    }
    if (!Double.isFinite(value)) {
      // EMF documents are JSON, which has no NaN or Infinity.
      throw new IllegalArgumentException("Metric value must be a finite number: " + name);
    }
    if (defaultDimensions.containsKey(name) || dimensions.containsKey(name)) {
      // The value would share one JSON member with the dimension's value.
      throw new IllegalArgumentException("Metric name is already a dimension: " + name);
    }
    Metric metric = metrics.get(name);
    if ((metric == null && metrics.size() == MAX_METRICS_PER_DOCUMENT)
        || (metric != null && metric.count == MAX_VALUES_PER_METRIC)) {
      emit();
      metric = null;
    }
    if (metric == null) {
      metric =
          new Metric(
              name, unit == null ? MetricUnit.NONE : unit, resolution == MetricResolution.HIGH);
      metrics.put(name, metric);
    }
    metric.add(value);
  }

  @Override
  public synchronized void addDimension(DimensionSet dimensionSet) {
    if (dimensionSet == null) {
      throw new IllegalArgumentException("DimensionSet cannot be null");
    }
    refuseMetricNames(dimensionSet);
    dimensions.putAll(dimensionSet.getDimensions());
  }

  @Override
  public synchronized void setTimestamp(Instant timestamp) {
    Validator.validateTimestamp(timestamp);
    this.timestamp = timestamp;
  }

  @Override
  public synchronized void addMetadata(String key, Object value) {
    metadata.put(Objects.requireNonNull(key, "key"), value);
  }

  @Override
  public synchronized void setDefaultDimensions(DimensionSet dimensionSet) {
    if (dimensionSet == null) {
      throw new IllegalArgumentException("DimensionSet cannot be null");
    }
    refuseMetricNames(dimensionSet);
    defaultDimensions.clear();
    defaultDimensions.putAll(dimensionSet.getDimensions());
  }

  private void refuseMetricNames(DimensionSet dimensionSet) {
    for (String key : dimensionSet.getDimensionKeys()) {
      if (metrics.containsKey(key)) {
        throw new IllegalArgumentException("Dimension key is already a metric: " + key);
      }
    }
  }

  @Override
  public synchronized DimensionSet getDefaultDimensions() {
    return DimensionSet.of(new LinkedHashMap<>(defaultDimensions));
  }

  @Override
  public synchronized void setNamespace(String namespace) {
    Validator.validateNamespace(namespace);
    this.namespace = namespace;
  }

  @Override
  public synchronized void setRaiseOnEmptyMetrics(boolean raiseOnEmptyMetrics) {
    this.raiseOnEmptyMetrics = raiseOnEmptyMetrics;
  }

  @Override
  public synchronized void clearDefaultDimensions() {
    defaultDimensions.clear();
  }

  /**
   * Writes what was added since the last flush as EMF and starts afresh; default dimensions and the
   * namespace stay.
   *
   * @throws IllegalArgumentException when no namespace is set, as Powertools' own provider does
   * @throws IllegalStateException when nothing was added and raise-on-empty is on
   */
  @Override
  public synchronized void flush() {
    try {
      if (disabled) {
        return;
      }
      if (namespace == null) {
        // Checked in full when set; Powertools' check compiles a regular expression per call.
        Validator.validateNamespace(namespace);
      }
      if (!metrics.isEmpty()) {
        emit();
      } else if (!emittedSinceFlush && raiseOnEmptyMetrics) {
        throw new IllegalStateException("No metrics were emitted");
      }
    } finally {
      metrics.clear();
      dimensions.clear();
      metadata.clear();
      timestamp = null;
      emittedSinceFlush = false;
    }
  }

  @Override
  public void captureColdStartMetric(Context context, DimensionSet dimensions) {
    if (!coldStart.getAsBoolean()) {
      return;
    }
    flushMetrics(
        m -> {
          if (context != null) {
            m.addMetadata("function_request_id", context.getAwsRequestId());
          }
          if (dimensions != null) {
            m.setDefaultDimensions(dimensions);
          }
          m.addMetric("ColdStart", 1, MetricUnit.COUNT);
        });
  }

  @Override
  public void captureColdStartMetric(DimensionSet dimensions) {
    captureColdStartMetric(null, dimensions);
  }

  /** Runs {@code body} on a separate document with this one's namespace and default dimensions. */
  @Override
  public void flushMetrics(Consumer<Metrics> body) {
    EmfMetrics separate;
    synchronized (this) {
      separate =
          new Builder()
              .out(out)
              .clock(clock)
              .disabled(disabled)
              .coldStart(coldStart)
              .namespace(namespace)
              .defaultDimensions(DimensionSet.of(new LinkedHashMap<>(defaultDimensions)))
              .build();
    }
    body.accept(separate);
    separate.flush();
  }

  /** Writes one document of the metrics held now, and forgets them (but not the dimensions). */
  private void emit() {
    Map<String, String> all = defaultDimensions;
    if (!dimensions.isEmpty()) {
      all = new LinkedHashMap<>(defaultDimensions);
      all.putAll(dimensions);
    }
    document.write(
        out.get(),
        namespace,
        timestamp != null ? timestamp.toEpochMilli() : clock.millis(),
        all,
        metadata,
        metrics);
    metrics.clear();
    emittedSinceFlush = true;
  }

  /** One metric's unit, resolution and the values added since the last document. */
  private static final class Metric {
    final String name;
    final MetricUnit unit;
    final boolean highResolution;
    double[] values = new double[1];
    int count;

    Metric(String name, MetricUnit unit, boolean highResolution) {
      this.name = name;
      this.unit = unit;
      this.highResolution = highResolution;
    }

    void add(double value) {
      if (count == values.length) {
        values = Arrays.copyOf(values, Math.min(MAX_VALUES_PER_METRIC, count * 4));
      }
      values[count++] = value;
    }
  }

  /**
   * The serializer, writing JSON by hand into a buffer kept between documents: a Jackson generator
   * per document cost more than the rest of a memory hit.
   */
  private static final class Document {

    private final Buffer buffer = new Buffer();

    void write(
        PrintStream out,
        String namespace,
        long timestampMillis,
        Map<String, String> dimensions,
        Map<String, Object> metadata,
        Map<String, Metric> metrics) {
      Buffer b = buffer;
      b.reset();
      b.ascii("{\"_aws\":{\"Timestamp\":").number(timestampMillis);
      b.ascii(",\"CloudWatchMetrics\":[{\"Namespace\":").string(namespace);
      b.ascii(",\"Dimensions\":[[");
      char comma = 0;
      for (String key : dimensions.keySet()) {
        b.separator(comma).string(key);
        comma = ',';
      }
      b.ascii("]],\"Metrics\":[");
      comma = 0;
      for (Metric m : metrics.values()) {
        b.separator(comma).ascii("{\"Name\":").string(m.name);
        b.ascii(",\"Unit\":").string(m.unit.getName());
        if (m.highResolution) {
          b.ascii(",\"StorageResolution\":1");
        }
        b.write('}');
        comma = ',';
      }
      b.ascii("]}]}");
      for (Map.Entry<String, String> d : dimensions.entrySet()) {
        b.write(',');
        b.string(d.getKey()).write(':');
        b.string(d.getValue());
      }
      for (Map.Entry<String, Object> p : metadata.entrySet()) {
        // A member named like a dimension or a metric would be a duplicate JSON key; the
        // dimension or metric wins.
        if (!dimensions.containsKey(p.getKey()) && !metrics.containsKey(p.getKey())) {
          b.write(',');
          b.string(p.getKey()).write(':');
          b.value(p.getValue());
        }
      }
      for (Metric m : metrics.values()) {
        b.write(',');
        b.string(m.name).write(':');
        if (m.count == 1) {
          b.number(m.values[0]);
        } else {
          b.write('[');
          for (int i = 0; i < m.count; i++) {
            b.separator(i == 0 ? 0 : ',').number(m.values[i]);
          }
          b.write(']');
        }
      }
      b.ascii("}\n");
      // One write per document: each instance's output stays whole even when instances share a
      // console (the twin), and CloudWatch Logs sees one event per line.
      b.writeTo(out);
      out.flush();
    }
  }

  /**
   * A byte buffer that writes JSON tokens and reaches the stream without a copy. Not a
   * ByteArrayOutputStream, whose every one-byte write takes a lock.
   */
  private static final class Buffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Integral values below this print as integers, exactly as a double would round-trip. */
    private static final double EXACT_INTEGERS = 0x1p53;

    private byte[] buf = new byte[512];
    private int count;

    void reset() {
      count = 0;
    }

    Buffer write(int b) {
      if (count == buf.length) {
        buf = Arrays.copyOf(buf, count * 2);
      }
      buf[count++] = (byte) b;
      return this;
    }

    Buffer ascii(String s) {
      for (int i = 0; i < s.length(); i++) {
        write(s.charAt(i));
      }
      return this;
    }

    Buffer separator(int c) {
      if (c != 0) {
        write(c);
      }
      return this;
    }

    Buffer number(long n) {
      return ascii(Long.toString(n));
    }

    Buffer number(double v) {
      if (v == Math.rint(v) && Math.abs(v) < EXACT_INTEGERS) {
        return number((long) v);
      }
      return ascii(Double.toString(v));
    }

    /** A JSON string; anything outside printable ASCII is escaped, so the line stays ASCII. */
    Buffer string(String s) {
      write('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          write('\\');
          write(c);
        } else if (c >= 0x20 && c < 0x7f) {
          write(c);
        } else {
          write('\\');
          write('u');
          write(HEX[(c >> 12) & 0xf]);
          write(HEX[(c >> 8) & 0xf]);
          write(HEX[(c >> 4) & 0xf]);
          write(HEX[c & 0xf]);
        }
      }
      write('"');
      return this;
    }

    /** Metadata: strings, finite numbers and booleans directly, anything else through Jackson. */
    void value(Object v) {
      if (v == null) {
        ascii("null");
      } else if (v instanceof String s) {
        string(s);
      } else if (v instanceof Boolean bool) {
        ascii(bool.toString());
      } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
        number(((Number) v).longValue());
      } else if (v instanceof Double d && Double.isFinite(d)) {
        number(d.doubleValue());
      } else {
        try {
          ascii(Json.MAPPER.writeValueAsString(v));
        } catch (JsonProcessingException e) {
          string(String.valueOf(v));
        }
      }
    }

    void writeTo(PrintStream out) {
      out.write(buf, 0, count);
    }
  }

  /** Builds an {@link EmfMetrics}; every setting has a default that suits a Lambda function. */
  public static final class Builder {
    private Supplier<PrintStream> out = () -> System.out;
    private Clock clock = Clock.systemUTC();
    private boolean disabled;
    private BooleanSupplier coldStart = LambdaHandlerProcessor::isColdStart;
    private String namespace;
    private DimensionSet defaultDimensions;

    private Builder() {}

    /**
     * Where documents go, looked up at each write (default: the current {@code System.out}, which
     * Lambda forwards to CloudWatch Logs).
     */
    public Builder out(Supplier<PrintStream> out) {
      this.out = Objects.requireNonNull(out, "out");
      return this;
    }

    /** The document timestamp's source when none was set (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Flushes write nothing, as with Powertools' {@code POWERTOOLS_METRICS_DISABLED}. */
    public Builder disabled(boolean disabled) {
      this.disabled = disabled;
      return this;
    }

    /** Whether this is the environment's first invocation (default: Powertools' own flag). */
    public Builder coldStart(BooleanSupplier coldStart) {
      this.coldStart = Objects.requireNonNull(coldStart, "coldStart");
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder defaultDimensions(DimensionSet defaultDimensions) {
      this.defaultDimensions = defaultDimensions;
      return this;
    }

    public EmfMetrics build() {
      return new EmfMetrics(this);
    }
  }
}
