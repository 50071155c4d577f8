package dev.warmcache.cdk;

import java.math.BigDecimal;

/**
 * A Lambda setting (CONTRACTS.md "Settings") that can be set from CDK context. Only values set in
 * context become environment variables: an unset one keeps the default that the function's own
 * Settings class documents, so defaults live in exactly one place.
 */
public enum FunctionSetting {
    MEMORY_TTL_SECONDS("memoryTtlSeconds", Target.READER, Kind.POSITIVE_INT),
    MEMORY_MAX_ENTRIES("memoryMaxEntries", Target.READER, Kind.POSITIVE_INT),
    MEMORY_MAX_BYTES("memoryMaxBytes", Target.READER, Kind.POSITIVE_INT),
    MAX_STALE_SECONDS("maxStaleSeconds", Target.READER, Kind.NON_NEGATIVE_INT),
    MISS_WAIT_MS("missWaitMs", Target.READER, Kind.NON_NEGATIVE_INT),
    MISS_INTERVAL_SECONDS("missIntervalSeconds", Target.READER, Kind.POSITIVE_INT),
    COHERENCE_INTERVAL_MS("coherenceIntervalMs", Target.READER, Kind.NON_NEGATIVE_INT, 60_000),
    EARLY_REFRESH_BETA("earlyRefreshBeta", Target.READER, Kind.DECIMAL, 100),
    MAX_VALUE_BYTES("maxValueBytes", Target.REFRESH, Kind.POSITIVE_INT),
    TTL_SECONDS("ttlSeconds", Target.REFRESH, Kind.POSITIVE_INT),
    TTL_JITTER("ttlJitter", Target.REFRESH, Kind.FRACTION),
    NEGATIVE_TTL_SECONDS("negativeTtlSeconds", Target.REFRESH, Kind.POSITIVE_INT),
    GRACE_TTL_SECONDS("graceTtlSeconds", Target.REFRESH, Kind.POSITIVE_INT),
    LEASE_SECONDS("leaseSeconds", Target.REFRESH, Kind.POSITIVE_INT),
    MAX_IDLE_REFRESHES("maxIdleRefreshes", Target.REFRESH, Kind.POSITIVE_INT),
    PRIME_FANOUT("primeFanout", Target.REFRESH, Kind.NON_NEGATIVE_INT),
    ORIGIN_CONNECT_TIMEOUT_MS("originConnectTimeoutMs", Target.REFRESH, Kind.POSITIVE_INT),
    ORIGIN_READ_TIMEOUT_MS("originReadTimeoutMs", Target.REFRESH, Kind.POSITIVE_INT);

    /** Which function reads the setting; the other one never sees it, so changing it republishes one function. */
    public enum Target { READER, REFRESH }

    enum Kind { POSITIVE_INT, NON_NEGATIVE_INT, FRACTION, DECIMAL }

    private final String contextKey;
    private final Target target;
    private final Kind kind;
    private final long max;

    FunctionSetting(String contextKey, Target target, Kind kind) {
        this(contextKey, target, kind, Integer.MAX_VALUE);
    }

    FunctionSetting(String contextKey, Target target, Kind kind, long max) {
        this.contextKey = contextKey;
        this.target = target;
        this.kind = kind;
        this.max = max;
    }

    public String contextKey() {
        return contextKey;
    }

    public String envVar() {
        return name();
    }

    public Target target() {
        return target;
    }

    /** The environment-variable form of a context value, or a clear error naming the key. */
    String normalize(Object raw) {
        String text = String.valueOf(raw).trim();
        try {
            switch (kind) {
                case POSITIVE_INT:
                case NON_NEGATIVE_INT: {
                    long value = Long.parseLong(text);
                    long min = kind == Kind.POSITIVE_INT ? 1 : 0;
                    if (value < min || value > max) {
                        throw new InvalidContextException(contextKey + " must be an integer from " + min + " to " + max
                                + ", got " + text);
                    }
                    return Long.toString(value);
                }
                case FRACTION: {
                    BigDecimal value = new BigDecimal(text);
                    if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) >= 0) {
                        throw new InvalidContextException(contextKey + " must be a fraction in [0, 1), got " + text);
                    }
                    return value.stripTrailingZeros().toPlainString();
                }
                case DECIMAL: {
                    BigDecimal value = new BigDecimal(text);
                    if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
                        throw new InvalidContextException(contextKey + " must be a number from 0 to " + max + ", got " + text);
                    }
                    return value.stripTrailingZeros().toPlainString();
                }
                default:
                    throw new IllegalStateException(kind.name());
            }
        } catch (NumberFormatException e) {
            throw new InvalidContextException(contextKey + " must be a number, got '" + text + "'");
        }
    }
}
