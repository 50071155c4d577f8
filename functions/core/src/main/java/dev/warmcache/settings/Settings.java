package dev.warmcache.settings;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every knob of warmcache, read once from an environment map.
 *
 * <p>Handlers build it from {@code System.getenv()} on AWS and from a per-function map in the local
 * twin and in tests (the twin hosts many functions in one JVM, so the process environment cannot
 * differ between them). All settings are optional; a present but malformed value fails fast with
 * {@link InvalidSettingException} naming the variable, rather than silently falling back to a
 * default nobody asked for.
 *
 * <pre>{@code
 * Settings settings = Settings.from(Map.of("TABLE_NAME", "warmcache", "MISS_WAIT_MS", "500"));
 * settings.missWait();  // PT0.5S
 * }</pre>
 */
public final class Settings {

  /**
   * {@code TimeoutSeconds} of the workflow's Lambda tasks in {@code statemachine/refresh.asl.json}
   * (a CDK test holds them equal). The refresh function's own timeout stays below it, so a stuck
   * call ends as a Lambda error the ASL handles, never as {@code States.Timeout}.
   */
  public static final int WORKFLOW_TASK_TIMEOUT_SECONDS = 30;

  /**
   * Connect plus read timeouts of one fetch, at most: the refresh timeout adds 5 s and stays below
   * 30.
   */
  static final long MAX_ORIGIN_MILLIS = 24_000;

  private final String tableName;
  private final String eventBusName;
  private final Duration memoryTtl;
  private final long memoryMaxEntries;
  private final long memoryMaxBytes;
  private final Duration maxStale;
  private final Duration httpMaxAge;
  private final Duration httpSharedMaxAge;
  private final Duration missWait;
  private final Duration missInterval;
  private final Duration coherenceInterval;
  private final double earlyRefreshBeta;
  private final int maxValueBytes;
  private final Duration ttl;
  private final double ttlJitter;
  private final Duration negativeTtl;
  private final Duration graceTtl;
  private final Duration lease;
  private final int maxIdleRefreshes;
  private final int primeFanout;
  private final Optional<String> originUrlTemplate;
  private final Duration originConnectTimeout;
  private final Duration originReadTimeout;
  private final Optional<String> serviceName;
  private final String metricsNamespace;
  private final String region;
  private final Optional<URI> dynamoDbEndpoint;
  private final Optional<URI> eventBridgeEndpoint;
  private final Optional<URI> lambdaEndpoint;
  private final Optional<String> readerFunctionName;
  private final java.util.List<String> globalTableRegions;
  private final String homeRegion;
  private final Optional<StaticCredentials> credentials;
  private final Map<String, String> env;

  private Settings(Map<String, String> env) {
    Reader r = new Reader(env);
    this.env = Map.copyOf(env);
    this.tableName = r.name("TABLE_NAME", "warmcache");
    this.eventBusName = r.name("EVENT_BUS_NAME", "warmcache");
    this.memoryTtl = Duration.ofSeconds(r.integer(Setting.MEMORY_TTL_SECONDS));
    this.memoryMaxEntries = r.integer(Setting.MEMORY_MAX_ENTRIES);
    this.memoryMaxBytes = r.integer(Setting.MEMORY_MAX_BYTES);
    this.maxStale = Duration.ofSeconds(r.integer(Setting.MAX_STALE_SECONDS));
    this.httpMaxAge = Duration.ofSeconds(r.integer(Setting.HTTP_MAX_AGE_SECONDS));
    this.httpSharedMaxAge = Duration.ofSeconds(r.integer(Setting.HTTP_SHARED_MAX_AGE_SECONDS));
    this.missWait = Duration.ofMillis(r.integer(Setting.MISS_WAIT_MS));
    this.missInterval = Duration.ofSeconds(r.integer(Setting.MISS_INTERVAL_SECONDS));
    this.coherenceInterval = Duration.ofMillis(r.integer(Setting.COHERENCE_INTERVAL_MS));
    this.earlyRefreshBeta = r.decimal(Setting.EARLY_REFRESH_BETA);
    this.maxValueBytes = (int) r.integer(Setting.MAX_VALUE_BYTES);
    this.ttl = Duration.ofSeconds(r.integer(Setting.TTL_SECONDS));
    this.ttlJitter = r.decimal(Setting.TTL_JITTER);
    this.negativeTtl = Duration.ofSeconds(r.integer(Setting.NEGATIVE_TTL_SECONDS));
    this.graceTtl = Duration.ofSeconds(r.integer(Setting.GRACE_TTL_SECONDS));
    this.lease = Duration.ofSeconds(r.integer(Setting.LEASE_SECONDS));
    this.maxIdleRefreshes = (int) r.integer(Setting.MAX_IDLE_REFRESHES);
    this.primeFanout = (int) r.integer(Setting.PRIME_FANOUT);
    this.originUrlTemplate = r.optional(Setting.ORIGIN_URL_TEMPLATE.name());
    originUrlTemplate.ifPresent(t -> OriginTemplate.check(t, Setting.ORIGIN_URL_TEMPLATE.name()));
    this.originConnectTimeout = Duration.ofMillis(r.integer(Setting.ORIGIN_CONNECT_TIMEOUT_MS));
    this.originReadTimeout = Duration.ofMillis(r.integer(Setting.ORIGIN_READ_TIMEOUT_MS));
    if (originConnectTimeout.plus(originReadTimeout).toMillis() > MAX_ORIGIN_MILLIS) {
      throw new InvalidSettingException(
          "ORIGIN_CONNECT_TIMEOUT_MS + ORIGIN_READ_TIMEOUT_MS must be at most "
              + MAX_ORIGIN_MILLIS
              + " so a fetch ends inside the refresh function's timeout, got "
              + originConnectTimeout.plus(originReadTimeout).toMillis());
    }
    this.serviceName = r.optional("POWERTOOLS_SERVICE_NAME");
    this.metricsNamespace = r.name("POWERTOOLS_METRICS_NAMESPACE", "warmcache");
    this.region = r.name("AWS_REGION", r.optional("AWS_DEFAULT_REGION").orElse("us-east-1"));
    Optional<URI> common = r.uri("AWS_ENDPOINT_URL");
    this.dynamoDbEndpoint = r.uri("AWS_ENDPOINT_URL_DYNAMODB").or(() -> common);
    this.eventBridgeEndpoint = r.uri("AWS_ENDPOINT_URL_EVENTBRIDGE").or(() -> common);
    this.lambdaEndpoint = r.uri("AWS_ENDPOINT_URL_LAMBDA").or(() -> common);
    this.readerFunctionName = r.optional("READER_FUNCTION_NAME");
    this.globalTableRegions = regions(r.optional(GLOBAL_TABLE_REGIONS).orElse(""));
    // Checked only when named: a client's own AWS_REGION (say a local endpoint's) is its business.
    this.homeRegion = r.optional(HOME_REGION).map(home -> regions(home).get(0)).orElse(region);
    Optional<String> key = r.optional("AWS_ACCESS_KEY_ID");
    Optional<String> secret = r.optional("AWS_SECRET_ACCESS_KEY");
    this.credentials =
        key.isPresent() && secret.isPresent()
            ? Optional.of(
                new StaticCredentials(key.get(), secret.get(), r.optional("AWS_SESSION_TOKEN")))
            : Optional.empty();
  }

  /** Reads every setting from {@code env}; absent or empty variables take their defaults. */
  public static Settings from(Map<String, String> env) {
    if (env == null) {
      throw new InvalidSettingException("the environment map is null");
    }
    return new Settings(env);
  }

  /** Defaults only, as if no variable were set. */
  public static Settings defaults() {
    return new Settings(Map.of());
  }

  /** Access key, secret and optional session token, given explicitly in the environment map. */
  public record StaticCredentials(
      String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
    @Override
    public String toString() {
      return "StaticCredentials[accessKeyId=" + accessKeyId + ", secret=***]";
    }
  }

  public String tableName() {
    return tableName;
  }

  public String eventBusName() {
    return eventBusName;
  }

  /** Longest age of an entry in a reader's memory tier ({@code MEMORY_TTL_SECONDS}, 60). */
  public Duration memoryTtl() {
    return memoryTtl;
  }

  public long memoryMaxEntries() {
    return memoryMaxEntries;
  }

  /**
   * Weight bound of the memory tier, estimated from UTF-16 string sizes ({@code MEMORY_MAX_BYTES}).
   */
  public long memoryMaxBytes() {
    return memoryMaxBytes;
  }

  /** How long past {@code expiresAt} a reader still serves a value marked stale. */
  public Duration maxStale() {
    return maxStale;
  }

  /** How long a reader waits for the workflow to land an absent key. */
  /** {@link Setting#HTTP_MAX_AGE_SECONDS}: the browser's cap on a value's remaining freshness. */
  public Duration httpMaxAge() {
    return httpMaxAge;
  }

  /** {@link Setting#HTTP_SHARED_MAX_AGE_SECONDS}: a shared cache's (CloudFront's) cap. */
  public Duration httpSharedMaxAge() {
    return httpSharedMaxAge;
  }

  public Duration missWait() {
    return missWait;
  }

  /** At most one CacheMiss per key per reader instance within this interval. */
  public Duration missInterval() {
    return missInterval;
  }

  /**
   * How often a reader reads the change feed, at most ({@code COHERENCE_INTERVAL_MS}, 1000; zero:
   * never).
   */
  public Duration coherenceInterval() {
    return coherenceInterval;
  }

  /** XFetch's β for early refresh ({@code EARLY_REFRESH_BETA}, 4; zero: no early refresh). */
  public double earlyRefreshBeta() {
    return earlyRefreshBeta;
  }

  public int maxValueBytes() {
    return maxValueBytes;
  }

  public Duration ttl() {
    return ttl;
  }

  /** Relative TTL jitter, 0 to 1 (0.10 means plus or minus 10%). */
  public double ttlJitter() {
    return ttlJitter;
  }

  public Duration negativeTtl() {
    return negativeTtl;
  }

  public Duration graceTtl() {
    return graceTtl;
  }

  public Duration lease() {
    return lease;
  }

  public int maxIdleRefreshes() {
    return maxIdleRefreshes;
  }

  public int primeFanout() {
    return primeFanout;
  }

  public Optional<String> originUrlTemplate() {
    return originUrlTemplate;
  }

  public Duration originConnectTimeout() {
    return originConnectTimeout;
  }

  public Duration originReadTimeout() {
    return originReadTimeout;
  }

  public Optional<String> serviceName() {
    return serviceName;
  }

  public String metricsNamespace() {
    return metricsNamespace;
  }

  public String region() {
    return region;
  }

  public Optional<URI> dynamoDbEndpoint() {
    return dynamoDbEndpoint;
  }

  public Optional<URI> eventBridgeEndpoint() {
    return eventBridgeEndpoint;
  }

  public Optional<URI> lambdaEndpoint() {
    return lambdaEndpoint;
  }

  /**
   * The reader function (its alias ARN on AWS) that the refresh function primes: wiring set by the
   * CDK and the twin, not a tunable setting.
   */
  /**
   * The regions of the table's replicas, the refresh home first, when the table is a global table
   * ({@value #GLOBAL_TABLE_REGIONS}, set by the CDK for a multi-region deployment); empty for one
   * region.
   */
  public java.util.List<String> globalTableRegions() {
    return globalTableRegions;
  }

  /** True when the table is a global table with replicas in more than one region. */
  public boolean globalTable() {
    return globalTableRegions.size() > 1;
  }

  /**
   * The refresh home's region ({@value #HOME_REGION}, set by the CDK and the twin on readers in the
   * other regions of a global table); this client's own region otherwise. A global table resolves
   * concurrent writes to one item by last writer wins, item by item, so a reader's claim or idle
   * reset written to its own replica could overwrite a refresh the home wrote a moment before;
   * readers therefore write to the home's replica and read their own (docs/regions.md).
   */
  public String homeRegion() {
    return homeRegion;
  }

  /** True when this client's table writes go to another region's replica. */
  public boolean writesElsewhere() {
    return !homeRegion.equals(region);
  }

  public static final String HOME_REGION = "HOME_REGION";

  /** The environment variable naming the replica regions of a global table, home first. */
  public static final String GLOBAL_TABLE_REGIONS = "GLOBAL_TABLE_REGIONS";

  private static final java.util.regex.Pattern REGION =
      java.util.regex.Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]");

  /** A comma-separated list of distinct AWS region names, checked; the first is the home. */
  public static java.util.List<String> regions(String list) {
    java.util.List<String> regions = new java.util.ArrayList<>();
    for (String part : list.split(",")) {
      String region = part.trim();
      if (region.isEmpty()) {
        continue;
      }
      if (!REGION.matcher(region).matches()) {
        throw new InvalidSettingException(
            "regions must be AWS region names such as us-east-1, got '" + region + "'");
      }
      if (regions.contains(region)) {
        throw new InvalidSettingException("region " + region + " is listed twice");
      }
      regions.add(region);
    }
    return java.util.List.copyOf(regions);
  }

  public Optional<String> readerFunctionName() {
    return readerFunctionName;
  }

  public Optional<StaticCredentials> credentials() {
    return credentials;
  }

  /**
   * The reader function's timeout: {@code MISS_WAIT_MS} plus 7 s for a DynamoDB read and a
   * SnapStart restore, at least 10 s; at most 67 s over the accepted range. The CDK and the twin
   * both use it.
   */
  public Duration readerFunctionTimeout() {
    return Duration.ofSeconds(Math.max(10, ceilSeconds(missWait) + 7));
  }

  /**
   * The refresh function's timeout: one origin fetch (connect plus read) plus 5 s, at least 20 s;
   * at most 29 s, below {@link #WORKFLOW_TASK_TIMEOUT_SECONDS}. The CDK and the twin both use it.
   */
  public Duration refreshFunctionTimeout() {
    return Duration.ofSeconds(
        Math.max(20, ceilSeconds(originConnectTimeout.plus(originReadTimeout)) + 5));
  }

  private static long ceilSeconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }

  /** The raw map these settings were read from, for settings a module adds on its own. */
  public Map<String, String> env() {
    return env;
  }

  @Override
  public String toString() {
    return "Settings[table="
        + tableName
        + ", bus="
        + eventBusName
        + ", region="
        + region
        + ", memoryTtl="
        + memoryTtl
        + ", maxStale="
        + maxStale
        + ", missWait="
        + missWait
        + ", dynamoDbEndpoint="
        + dynamoDbEndpoint.map(URI::toString).orElse("default")
        + "]";
  }

  /** Parses one variable at a time so each error names exactly the variable at fault. */
  private static final class Reader {
    private final Map<String, String> env;

    Reader(Map<String, String> env) {
      this.env = env;
    }

    Optional<String> optional(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String name(String name, String fallback) {
      String v = optional(name).orElse(fallback);
      if (v.length() > 256) {
        throw new InvalidSettingException(name + " is longer than 256 characters");
      }
      return v;
    }

    long integer(Setting setting) {
      return Long.parseLong(spec(setting));
    }

    double decimal(Setting setting) {
      return Double.parseDouble(spec(setting));
    }

    private String spec(Setting setting) {
      Optional<String> raw = optional(setting.name());
      return raw.isEmpty() ? setting.defaultText() : setting.normalize(raw.get(), setting.name());
    }

    Optional<URI> uri(String name) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      try {
        URI uri = new URI(raw.get());
        if (uri.getScheme() == null
            || uri.getHost() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
          throw new InvalidSettingException(
              name + " must be an http(s) URL with a host, got \"" + clip(raw.get()) + "\"");
        }
        return Optional.of(uri);
      } catch (URISyntaxException e) {
        throw new InvalidSettingException(
            name + " is not a valid URL: \"" + clip(raw.get()) + "\"");
      }
    }

    private static String clip(String s) {
      return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
  }
}
