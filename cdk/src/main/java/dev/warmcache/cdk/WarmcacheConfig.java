package dev.warmcache.cdk;

import dev.warmcache.settings.InvalidSettingException;
import dev.warmcache.settings.Setting;
import dev.warmcache.settings.Settings;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * Everything an operator may choose at deploy time, read from CDK context (cdk.json or {@code -c
 * key=value}) and validated before any construct is built.
 *
 * <pre>{@code
 * WarmcacheConfig config = WarmcacheConfig.fromContext(key -> app.getNode().tryGetContext(key));
 * }</pre>
 */
public final class WarmcacheConfig {

  public static final String ORIGIN_URL_TEMPLATE = "originUrlTemplate";
  public static final String NAME_PREFIX = "namePrefix";
  public static final String REMOVAL_POLICY = "removalPolicy";
  public static final String LOG_RETENTION_DAYS = "logRetentionDays";
  public static final String READER_MEMORY_MB = "readerMemoryMb";

  /**
   * 1024 MB buys a full vCPU share for the reader's hot path and its SnapStart restore. The cost
   * model (bench ScaleBench) prices the reader at this size too.
   */
  public static final int DEFAULT_READER_MEMORY_MB = 1024;

  /** The refresh tasks mostly wait on the origin and DynamoDB, so 512 MB is enough. */
  public static final int DEFAULT_REFRESH_MEMORY_MB = 512;

  public static final String REFRESH_MEMORY_MB = "refreshMemoryMb";
  public static final String ALARM_EMAIL = "alarmEmail";
  public static final String WORKFLOW_TYPE = "workflowType";

  /**
   * The regions to deploy in, the refresh home first ({@code us-east-1,eu-west-1}); one region, or
   * none (the CLI's region), deploys exactly the single-region stack.
   */
  public static final String REGIONS = "regions";

  /** Whether to deploy the HTTP front: a function URL behind CloudFront (default true). */
  public static final String HTTP_FRONT = "httpFront";

  /** A WAF web ACL (scope CLOUDFRONT, so in us-east-1) to attach to the distribution. */
  public static final String HTTP_WEB_ACL_ARN = "httpWebAclArn";

  /** A bucket (ACLs enabled) for the distribution's standard access logs. */
  public static final String HTTP_LOG_BUCKET = "httpLogBucket";

  private static final Pattern WEB_ACL =
      Pattern.compile(
          "arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/[A-Za-z0-9_-]+/[a-f0-9-]+");

  /** S3's bucket naming rules, for what a context key can get wrong. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * A physical-name prefix must stay valid for every service it names (Lambda, SQS, Step Functions,
   * DynamoDB): DynamoDB table names need at least 3 characters, and the longest derived name must
   * stay within Lambda's 64.
   */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{2,29}");

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  /** The retention periods CloudWatch Logs accepts, so a typo fails at synth, not at deploy. */
  private static final Map<Integer, RetentionDays> RETENTIONS =
      Map.ofEntries(
          Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
          Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
          Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
          Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
          Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR));

  private final String namePrefix;
  private final RemovalPolicy removalPolicy;
  private final RetentionDays logRetention;
  private final int readerMemoryMb;
  private final int refreshMemoryMb;
  private final Optional<String> alarmEmail;
  private final WorkflowType workflowType;
  private final Map<Setting, String> functionSettings;
  private final Settings settings;
  private final List<String> regions;
  private final boolean httpFront;
  private final Optional<String> httpWebAclArn;
  private final Optional<String> httpLogBucket;

  private WarmcacheConfig(Function<String, Object> context) {
    this.namePrefix = string(context, NAME_PREFIX).orElse("warmcache");
    if (!NAME.matcher(namePrefix).matches()) {
      throw new InvalidContextException(
          NAME_PREFIX + " must match " + NAME.pattern() + ", got '" + namePrefix + "'");
    }
    if (string(context, ORIGIN_URL_TEMPLATE).isEmpty()) {
      throw new InvalidContextException(
          ORIGIN_URL_TEMPLATE
              + " is required, e.g. -c "
              + ORIGIN_URL_TEMPLATE
              + "=https://api.example.com/items/{id}");
    }
    this.removalPolicy = removalPolicy(string(context, REMOVAL_POLICY).orElse("retain"));
    int days = integer(context, LOG_RETENTION_DAYS, 30, 1, 3653);
    this.logRetention =
        Optional.ofNullable(RETENTIONS.get(days))
            .orElseThrow(
                () ->
                    new InvalidContextException(
                        LOG_RETENTION_DAYS
                            + " must be one of "
                            + new TreeMap<>(RETENTIONS).keySet()
                            + ", got "
                            + days));
    this.readerMemoryMb = integer(context, READER_MEMORY_MB, DEFAULT_READER_MEMORY_MB, 128, 10240);
    this.refreshMemoryMb =
        integer(context, REFRESH_MEMORY_MB, DEFAULT_REFRESH_MEMORY_MB, 128, 10240);
    this.alarmEmail = string(context, ALARM_EMAIL);
    this.workflowType = WorkflowType.parse(string(context, WORKFLOW_TYPE).orElse("standard"));
    alarmEmail
        .filter(email -> !EMAIL.matcher(email).matches())
        .ifPresent(
            email -> {
              throw new InvalidContextException(
                  ALARM_EMAIL + " is not an e-mail address: '" + email + "'");
            });
    try {
      this.regions = Settings.regions(string(context, REGIONS).orElse(""));
    } catch (InvalidSettingException e) {
      throw new InvalidContextException(REGIONS + ": " + e.getMessage());
    }
    this.httpFront = bool(context, HTTP_FRONT, true);
    this.httpWebAclArn = string(context, HTTP_WEB_ACL_ARN);
    httpWebAclArn
        .filter(arn -> !WEB_ACL.matcher(arn).matches())
        .ifPresent(
            arn -> {
              throw new InvalidContextException(
                  HTTP_WEB_ACL_ARN
                      + " must be the ARN of a WAF web ACL of scope CLOUDFRONT (us-east-1, "
                      + "global/webacl/...), got '"
                      + arn
                      + "'");
            });
    this.httpLogBucket = string(context, HTTP_LOG_BUCKET);
    httpLogBucket
        .filter(bucket -> !BUCKET.matcher(bucket).matches())
        .ifPresent(
            bucket -> {
              throw new InvalidContextException(
                  HTTP_LOG_BUCKET + " must be an S3 bucket name, got '" + bucket + "'");
            });
    Map<Setting, String> chosen = new EnumMap<>(Setting.class);
    Map<String, String> env = new TreeMap<>();
    for (Setting setting : Setting.values()) {
      Optional<String> raw = string(context, setting.contextKey());
      if (raw.isPresent()) {
        try {
          chosen.put(setting, setting.normalize(raw.get(), setting.contextKey()));
        } catch (InvalidSettingException e) {
          throw new InvalidContextException(e.getMessage());
        }
        env.put(setting.name(), chosen.get(setting));
      }
    }
    this.functionSettings = Collections.unmodifiableMap(chosen);
    // The functions' own parser, so the rules that span settings (the origin timeouts' sum)
    // fail the synth too, and the derived Lambda timeouts are the ones the twin uses.
    try {
      this.settings = Settings.from(env);
    } catch (InvalidSettingException e) {
      throw new InvalidContextException(
          e.getMessage()
              + " (context keys are the camelCase names, e.g. "
              + Setting.ORIGIN_READ_TIMEOUT_MS.contextKey()
              + ")");
    }
  }

  /** Reads and validates the context; {@code context} returns null for an unset key. */
  public static WarmcacheConfig fromContext(Function<String, Object> context) {
    return new WarmcacheConfig(context);
  }

  public String namePrefix() {
    return namePrefix;
  }

  public String originUrlTemplate() {
    return functionSettings.get(Setting.ORIGIN_URL_TEMPLATE);
  }

  /**
   * The functions' settings as the functions will read them, for what the stack derives from them
   * (timeouts).
   */
  public Settings settings() {
    return settings;
  }

  public RemovalPolicy removalPolicy() {
    return removalPolicy;
  }

  public RetentionDays logRetention() {
    return logRetention;
  }

  public int readerMemoryMb() {
    return readerMemoryMb;
  }

  public int refreshMemoryMb() {
    return refreshMemoryMb;
  }

  public Optional<String> alarmEmail() {
    return alarmEmail;
  }

  /** Standard (the default) or Express; see {@link WorkflowType}. */
  public WorkflowType workflowType() {
    return workflowType;
  }

  /** The regions, the refresh home first; empty when none was named (the CLI's region). */
  public List<String> regions() {
    return regions;
  }

  /** More than one region: a global table, the workflow in the first, readers in every one. */
  public boolean multiRegion() {
    return regions.size() > 1;
  }

  /** Whether the HTTP front (function URL, CloudFront) is deployed. */
  public boolean httpFront() {
    return httpFront;
  }

  public Optional<String> httpWebAclArn() {
    return httpWebAclArn;
  }

  public Optional<String> httpLogBucket() {
    return httpLogBucket;
  }

  /** The settings set in context for one function, as environment variables. */
  public Map<String, String> environmentOf(Setting.Target target) {
    Map<String, String> env = new TreeMap<>();
    functionSettings.forEach(
        (setting, value) -> {
          if (setting.target() == target) {
            env.put(setting.name(), value);
          }
        });
    return env;
  }

  private static Optional<String> string(Function<String, Object> context, String key) {
    Object raw = context.apply(key);
    if (raw == null) {
      return Optional.empty();
    }
    String text = String.valueOf(raw).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  private static int integer(
      Function<String, Object> context, String key, int fallback, int min, int max) {
    Optional<String> text = string(context, key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text.get());
      if (value < min || value > max) {
        throw new InvalidContextException(
            key + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new InvalidContextException(key + " must be an integer, got '" + text.get() + "'");
    }
  }

  private static boolean bool(Function<String, Object> context, String key, boolean fallback) {
    Optional<String> text = string(context, key);
    if (text.isEmpty()) {
      return fallback;
    }
    switch (text.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new InvalidContextException(key + " must be true or false, got '" + text.get() + "'");
    }
  }

  private static RemovalPolicy removalPolicy(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "retain":
        return RemovalPolicy.RETAIN;
      case "destroy":
        return RemovalPolicy.DESTROY;
      default:
        throw new InvalidContextException(
            REMOVAL_POLICY + " must be 'retain' or 'destroy', got '" + text + "'");
    }
  }
}
