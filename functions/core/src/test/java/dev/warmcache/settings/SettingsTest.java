package dev.warmcache.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

    @Test
    void defaultsMatchTheContract() {
        Settings s = Settings.defaults();
        assertEquals("warmcache", s.tableName());
        assertEquals("warmcache", s.eventBusName());
        assertEquals(Duration.ofSeconds(60), s.memoryTtl());
        assertEquals(10_000, s.memoryMaxEntries());
        assertEquals(67_108_864L, s.memoryMaxBytes());
        assertEquals(Duration.ofSeconds(300), s.maxStale());
        assertEquals(Duration.ofMillis(3_000), s.missWait());
        assertEquals(Duration.ofSeconds(10), s.missInterval());
        assertEquals(262_144, s.maxValueBytes());
        assertEquals(Duration.ofSeconds(300), s.ttl());
        assertEquals(0.10, s.ttlJitter());
        assertEquals(Duration.ofSeconds(60), s.negativeTtl());
        assertEquals(Duration.ofSeconds(120), s.graceTtl());
        assertEquals(Duration.ofSeconds(30), s.lease());
        assertEquals(3, s.maxIdleRefreshes());
        assertEquals(4, s.primeFanout());
        assertEquals(Optional.empty(), s.originUrlTemplate());
        assertEquals(Duration.ofMillis(1_000), s.originConnectTimeout());
        assertEquals(Duration.ofMillis(3_000), s.originReadTimeout());
        assertEquals("warmcache", s.metricsNamespace());
        assertEquals("us-east-1", s.region());
        assertEquals(Optional.empty(), s.dynamoDbEndpoint());
        assertEquals(Optional.empty(), s.credentials());
    }

    @Test
    void readsGivenValues() {
        Settings s = Settings.from(Map.of(
                "TABLE_NAME", "t1", "MISS_WAIT_MS", "250", "TTL_JITTER", "0", "AWS_REGION", "eu-west-1",
                "ORIGIN_URL_TEMPLATE", "http://127.0.0.1:9/items/{id}", "MEMORY_TTL_SECONDS", " 5 "));
        assertEquals("t1", s.tableName());
        assertEquals(Duration.ofMillis(250), s.missWait());
        assertEquals(0.0, s.ttlJitter());
        assertEquals("eu-west-1", s.region());
        assertEquals(Duration.ofSeconds(5), s.memoryTtl());
        assertEquals(Optional.of("http://127.0.0.1:9/items/{id}"), s.originUrlTemplate());
    }

    @Test
    void serviceEndpointWinsOverTheCommonOne() {
        Settings s = Settings.from(Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"));
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8000")), s.dynamoDbEndpoint());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), s.eventBridgeEndpoint());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), s.lambdaEndpoint());
    }

    @Test
    void staticCredentialsNeedBothParts() {
        assertFalse(Settings.from(Map.of("AWS_ACCESS_KEY_ID", "a")).credentials().isPresent());
        Settings s = Settings.from(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"));
        assertTrue(s.credentials().isPresent());
        assertFalse(s.credentials().get().toString().contains("b]"), "the secret never appears in toString");
    }

    @Test
    void blankValuesMeanDefault() {
        assertEquals(Duration.ofSeconds(60), Settings.from(Map.of("MEMORY_TTL_SECONDS", "")).memoryTtl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MISS_WAIT_MS|soon|MISS_WAIT_MS must be a whole number, got \"soon\"",
        "MEMORY_TTL_SECONDS|-1|MEMORY_TTL_SECONDS must be between 0 and 86400, got -1",
        "TTL_JITTER|1.5|TTL_JITTER must be between 0 and 1, got 1.5",
        "TTL_JITTER|NaN|TTL_JITTER must be between 0 and 1, got NaN",
        "TTL_JITTER|lots|TTL_JITTER must be a number between 0 and 1, got \"lots\"",
        "AWS_ENDPOINT_URL|localhost:4566|AWS_ENDPOINT_URL must be an http(s) URL with a host, got \"localhost:4566\"",
        "AWS_ENDPOINT_URL_DYNAMODB|http://[::1|AWS_ENDPOINT_URL_DYNAMODB is not a valid URL: \"http://[::1\"",
        "MAX_VALUE_BYTES|0|MAX_VALUE_BYTES must be between 1 and 405504, got 0",
        "TTL_SECONDS|99999999999999999999|TTL_SECONDS must be a whole number, got \"99999999999999999999\"",
    })
    void rejectsMalformedValuesNamingTheVariable(String name, String value, String message) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Settings.from(Map.of(name, value)));
        assertEquals(message, e.getMessage());
    }
}
