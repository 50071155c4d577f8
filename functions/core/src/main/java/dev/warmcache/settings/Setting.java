package dev.warmcache.settings;

import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one list of warmcache's tunable settings: name, default, accepted range, unit, which function
 * reads it and what it means. {@link Settings} parses the functions' environment with it, the CDK
 * validates its context keys with it ({@link #contextKey()}), the twin passes exactly these names
 * through to its functions, and a test renders the README's configuration table from it. A range
 * here is the range everywhere.
 *
 * <pre>{@code
 * Setting.TTL_SECONDS.normalize("600", "ttlSeconds");  // "600"
 * Setting.TTL_SECONDS.normalize("0", "ttlSeconds");    // InvalidSettingException: ttlSeconds must be ...
 * }</pre>
 */
public enum Setting {
  MEMORY_TTL_SECONDS(
      Kind.INTEGER,
      "60",
      "0",
      "86400",
      "s",
      Target.READER,
      "longest life of a memory entry, never past `expiresAt` (0 = no memory tier)"),
  MEMORY_MAX_ENTRIES(
      Kind.INTEGER,
      "10000",
      "0",
      "10000000",
      "entries",
      Target.READER,
      "entry bound of the memory tier"),
  MEMORY_MAX_BYTES(
      Kind.INTEGER,
      "67108864",
      "0",
      "10737418240",
      "bytes",
      Target.READER,
      "weight bound of the memory tier (UTF-16 size of ids and values)"),
  MAX_STALE_SECONDS(
      Kind.INTEGER,
      "300",
      "0",
      "604800",
      "s",
      Target.READER,
      "how long past `expiresAt` a value is served marked stale"),
  MISS_WAIT_MS(
      Kind.INTEGER,
      "3000",
      "0",
      "60000",
      "ms",
      Target.READER,
      "how long an absent key waits for the workflow (the reader's timeout grows with it)"),
  MISS_INTERVAL_SECONDS(
      Kind.INTEGER,
      "10",
      "0",
      "86400",
      "s",
      Target.READER,
      "at most one `CacheMiss` per key per instance per interval (keep it well below `TTL_SECONDS`, "
          + "or early refresh cannot ask again in time)"),
  COHERENCE_INTERVAL_MS(
      Kind.INTEGER,
      "1000",
      "0",
      "60000",
      "ms",
      Target.READER,
      "how often, at most, an instance reads the change feed and drops keys written since (0 = off); "
          + "bounds how long a warm instance serves a replaced value"),
  HTTP_MAX_AGE_SECONDS(
      Kind.INTEGER,
      "30",
      "0",
      "31536000",
      "s",
      Target.READER,
      "HTTP front: longest a browser keeps a value fresh from now (`max-age`), never past `expiresAt`"),
  HTTP_SHARED_MAX_AGE_SECONDS(
      Kind.INTEGER,
      "60",
      "0",
      "31536000",
      "s",
      Target.READER,
      "HTTP front: longest a shared cache (CloudFront) keeps a value fresh from now (`s-maxage`), "
          + "never past `expiresAt`; bounds how long a refresh takes to show through the CDN"),
  EARLY_REFRESH_BETA(
      Kind.DECIMAL,
      "4",
      "0",
      "100",
      "",
      Target.READER,
      "β of early refresh (XFetch): reads late in a key's life ask for a refresh ahead of `expiresAt` (0 = off)"),
  ORIGIN_URL_TEMPLATE(
      Kind.ORIGIN_TEMPLATE,
      null,
      null,
      null,
      "",
      Target.REFRESH,
      "`https://api.example.com/items/{id}`: http(s), `{id}` once, in the path; the id is percent-encoded "
          + "into one path segment. Required (the twin: its demo origin)"),
  ORIGIN_CONNECT_TIMEOUT_MS(
      Kind.INTEGER, "1000", "1", "10000", "ms", Target.REFRESH, "origin connect timeout"),
  ORIGIN_READ_TIMEOUT_MS(
      Kind.INTEGER,
      "3000",
      "1",
      "20000",
      "ms",
      Target.REFRESH,
      "time for the whole origin response, headers and body, after the connection opens "
          + "(with the connect timeout at most 24000, so a fetch ends inside the refresh function's timeout)"),
  MAX_VALUE_BYTES(
      Kind.INTEGER,
      "200000",
      "1",
      "253952",
      "bytes",
      Target.REFRESH,
      "limit of a value, counted as the JSON string it becomes in the workflow's state (quotes and "
          + "backslashes count twice); at most 248 KiB so the whole refresh document fits Step Functions' "
          + "256 KiB state limit"),
  TTL_SECONDS(
      Kind.INTEGER, "300", "1", "31536000", "s", Target.REFRESH, "lifetime of a fetched value"),
  TTL_JITTER(
      Kind.DECIMAL,
      "0.10",
      "0",
      "0.5",
      "fraction",
      Target.REFRESH,
      "± fraction applied to every TTL"),
  NEGATIVE_TTL_SECONDS(
      Kind.INTEGER, "60", "1", "31536000", "s", Target.REFRESH, "lifetime of a negative entry"),
  GRACE_TTL_SECONDS(
      Kind.INTEGER,
      "120",
      "1",
      "31536000",
      "s",
      Target.REFRESH,
      "how long the old value stays readable after a failed refresh (never shortens a later `expiresAt`)"),
  LEASE_SECONDS(
      Kind.INTEGER,
      "30",
      "1",
      "3600",
      "s",
      Target.REFRESH,
      "single-flight lease length (a crashed holder blocks only this long)"),
  MAX_IDLE_REFRESHES(
      Kind.INTEGER,
      "3",
      "0",
      "1000000",
      "refreshes",
      Target.REFRESH,
      "expiry refreshes without a reader read after which a key retires"),
  PRIME_FANOUT(
      Kind.INTEGER,
      "4",
      "0",
      "40",
      "invocations",
      Target.REFRESH,
      "concurrent prime invocations after each write, sent by one task (0 = off)");

  /** The function that reads a setting; the other never sees it. */
  public enum Target {
    READER,
    REFRESH
  }

  enum Kind {
    INTEGER,
    DECIMAL,
    ORIGIN_TEMPLATE
  }

  private final Kind kind;
  private final String defaultText;
  private final BigDecimal min;
  private final BigDecimal max;
  private final String unit;
  private final Target target;
  private final String meaning;

  Setting(
      Kind kind,
      String defaultText,
      String min,
      String max,
      String unit,
      Target target,
      String meaning) {
    this.kind = kind;
    this.defaultText = defaultText;
    this.min = min == null ? null : new BigDecimal(min);
    this.max = max == null ? null : new BigDecimal(max);
    this.unit = unit;
    this.target = target;
    this.meaning = meaning;
  }

  /** The CDK context key: {@code TTL_SECONDS} is {@code ttlSeconds}. */
  public String contextKey() {
    StringBuilder key = new StringBuilder();
    for (String word : name().toLowerCase(Locale.ROOT).split("_")) {
      key.append(
          key.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return key.toString();
  }

  public Target target() {
    return target;
  }

  /** The default as text, or {@code null} for a setting that must be given. */
  public String defaultText() {
    return defaultText;
  }

  /** "0 – 86400 s", or "" for a setting with no numeric range. */
  public String range() {
    if (min == null) {
      return "";
    }
    return min.toPlainString() + " – " + max.toPlainString() + (unit.isEmpty() ? "" : " " + unit);
  }

  public String meaning() {
    return meaning;
  }

  /**
   * The canonical text of a value, or an {@link InvalidSettingException} naming {@code label} (the
   * environment variable, or the CDK context key) and the accepted range.
   */
  public String normalize(String raw, String label) {
    String text = raw == null ? "" : raw.trim();
    switch (kind) {
      case ORIGIN_TEMPLATE:
        OriginTemplate.check(text, label);
        return text;
      case INTEGER:
        {
          BigDecimal value = number(text, label);
          if (value.stripTrailingZeros().scale() > 0 || outside(value)) {
            throw outOfRange(label, "a whole number", text);
          }
          return value.toBigInteger().toString();
        }
      case DECIMAL:
        {
          BigDecimal value = number(text, label);
          if (outside(value)) {
            throw outOfRange(label, "a number", text);
          }
          return value.stripTrailingZeros().toPlainString();
        }
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  /** The settings one function reads. */
  public static Set<Setting> readBy(Target target) {
    Set<Setting> out = EnumSet.noneOf(Setting.class);
    for (Setting s : values()) {
      if (s.target == target) {
        out.add(s);
      }
    }
    return out;
  }

  private InvalidSettingException outOfRange(String label, String what, String text) {
    return new InvalidSettingException(
        label
            + " must be "
            + what
            + " from "
            + min.toPlainString()
            + " to "
            + max.toPlainString()
            + ", got \""
            + clip(text)
            + "\"");
  }

  private boolean outside(BigDecimal value) {
    return value.compareTo(min) < 0 || value.compareTo(max) > 0;
  }

  private BigDecimal number(String text, String label) {
    // A number of this size never needs more characters; longer text is not parsed at all.
    if (text.length() > 24) {
      throw outOfRange(label, "a number", text);
    }
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw outOfRange(label, "a number", text);
    }
  }

  static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
