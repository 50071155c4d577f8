package dev.warmcache.cdk;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything an operator may choose at deploy time, read from CDK context (cdk.json or
 * {@code -c key=value}) and validated before any construct is built.
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
    public static final String REFRESH_MEMORY_MB = "refreshMemoryMb";
    public static final String ALARM_EMAIL = "alarmEmail";

    /** A physical-name prefix must stay valid for every service it names (Lambda, SQS, Step Functions, DynamoDB). */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final String ID_PLACEHOLDER = "{id}";

    /** The retention periods CloudWatch Logs accepts, so a typo fails at synth, not at deploy. */
    private static final Map<Integer, RetentionDays> RETENTIONS = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR));

    private final String namePrefix;
    private final String originUrlTemplate;
    private final RemovalPolicy removalPolicy;
    private final RetentionDays logRetention;
    private final int readerMemoryMb;
    private final int refreshMemoryMb;
    private final Optional<String> alarmEmail;
    private final Map<FunctionSetting, String> functionSettings;

    private WarmcacheConfig(Function<String, Object> context) {
        this.namePrefix = string(context, NAME_PREFIX).orElse("warmcache");
        if (!NAME.matcher(namePrefix).matches()) {
            throw new InvalidContextException(NAME_PREFIX + " must match " + NAME.pattern() + ", got '" + namePrefix + "'");
        }
        this.originUrlTemplate = originUrlTemplate(string(context, ORIGIN_URL_TEMPLATE).orElseThrow(() ->
                new InvalidContextException(ORIGIN_URL_TEMPLATE + " is required, e.g. -c "
                        + ORIGIN_URL_TEMPLATE + "=https://api.example.com/items/{id}")));
        this.removalPolicy = removalPolicy(string(context, REMOVAL_POLICY).orElse("retain"));
        int days = integer(context, LOG_RETENTION_DAYS, 30, 1, 3653);
        this.logRetention = Optional.ofNullable(RETENTIONS.get(days)).orElseThrow(() -> new InvalidContextException(
                LOG_RETENTION_DAYS + " must be one of " + new TreeMap<>(RETENTIONS).keySet() + ", got " + days));
        // 1024 MB buys a full vCPU share for the reader's hot path and its SnapStart restore;
        // the refresh tasks mostly wait on the origin and DynamoDB, so 512 MB is enough.
        this.readerMemoryMb = integer(context, READER_MEMORY_MB, 1024, 128, 10240);
        this.refreshMemoryMb = integer(context, REFRESH_MEMORY_MB, 512, 128, 10240);
        this.alarmEmail = string(context, ALARM_EMAIL);
        alarmEmail.filter(email -> !EMAIL.matcher(email).matches()).ifPresent(email -> {
            throw new InvalidContextException(ALARM_EMAIL + " is not an e-mail address: '" + email + "'");
        });
        Map<FunctionSetting, String> settings = new EnumMap<>(FunctionSetting.class);
        for (FunctionSetting setting : FunctionSetting.values()) {
            Object raw = context.apply(setting.contextKey());
            if (raw != null) {
                settings.put(setting, setting.normalize(raw));
            }
        }
        this.functionSettings = Collections.unmodifiableMap(settings);
    }

    /** Reads and validates the context; {@code context} returns null for an unset key. */
    public static WarmcacheConfig fromContext(Function<String, Object> context) {
        return new WarmcacheConfig(context);
    }

    public String namePrefix() {
        return namePrefix;
    }

    public String originUrlTemplate() {
        return originUrlTemplate;
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

    /** The settings set in context for one function, as environment variables. */
    public Map<String, String> environmentOf(FunctionSetting.Target target) {
        Map<String, String> env = new TreeMap<>();
        functionSettings.forEach((setting, value) -> {
            if (setting.target() == target) {
                env.put(setting.envVar(), value);
            }
        });
        return env;
    }

    /** A setting's value when set in context. */
    public Optional<Integer> intSetting(FunctionSetting setting) {
        return Optional.ofNullable(functionSettings.get(setting)).map(Integer::valueOf);
    }

    private static Optional<String> string(Function<String, Object> context, String key) {
        Object raw = context.apply(key);
        if (raw == null) {
            return Optional.empty();
        }
        String text = String.valueOf(raw).trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static int integer(Function<String, Object> context, String key, int fallback, int min, int max) {
        Optional<String> text = string(context, key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < min || value > max) {
                throw new InvalidContextException(key + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidContextException(key + " must be an integer, got '" + text.get() + "'");
        }
    }

    private static RemovalPolicy removalPolicy(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "retain":
                return RemovalPolicy.RETAIN;
            case "destroy":
                return RemovalPolicy.DESTROY;
            default:
                throw new InvalidContextException(REMOVAL_POLICY + " must be 'retain' or 'destroy', got '" + text + "'");
        }
    }

    /**
     * The refresh function percent-encodes the id into the {id} slot, so the slot must sit in the
     * path or query of a fixed http(s) origin: an id can then never change scheme or host.
     */
    static String originUrlTemplate(String template) {
        int slot = template.indexOf(ID_PLACEHOLDER);
        if (slot < 0 || template.indexOf(ID_PLACEHOLDER, slot + 1) >= 0) {
            throw new InvalidContextException(ORIGIN_URL_TEMPLATE + " must contain {id} exactly once, got '" + template + "'");
        }
        URI uri;
        try {
            uri = new URI(template.replace(ID_PLACEHOLDER, "id"));
        } catch (URISyntaxException e) {
            throw new InvalidContextException(ORIGIN_URL_TEMPLATE + " is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new InvalidContextException(ORIGIN_URL_TEMPLATE + " must be an http(s) URL, got '" + template + "'");
        }
        if (uri.getHost() == null || uri.getUserInfo() != null || uri.getFragment() != null) {
            throw new InvalidContextException(ORIGIN_URL_TEMPLATE + " needs a host and no user info or fragment, got '" + template + "'");
        }
        int authorityEnd = template.indexOf('/', scheme.length() + 3);
        if (authorityEnd < 0 || slot < authorityEnd) {
            throw new InvalidContextException(ORIGIN_URL_TEMPLATE + " must put {id} in the path or query, not the host, got '" + template + "'");
        }
        return template;
    }
}
