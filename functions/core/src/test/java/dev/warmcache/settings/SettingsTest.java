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
    assertEquals(200_000, s.maxValueBytes());
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
    Settings s =
        Settings.from(
            Map.of(
                "TABLE_NAME",
                "t1",
                "MISS_WAIT_MS",
                "250",
                "TTL_JITTER",
                "0",
                "AWS_REGION",
                "eu-west-1",
                "ORIGIN_URL_TEMPLATE",
                "http://127.0.0.1:9/items/{id}",
                "MEMORY_TTL_SECONDS",
                " 5 "));
    assertEquals("t1", s.tableName());
    assertEquals(Duration.ofMillis(250), s.missWait());
    assertEquals(0.0, s.ttlJitter());
    assertEquals("eu-west-1", s.region());
    assertEquals(Duration.ofSeconds(5), s.memoryTtl());
    assertEquals(Optional.of("http://127.0.0.1:9/items/{id}"), s.originUrlTemplate());
  }

  @Test
  void serviceEndpointWinsOverTheCommonOne() {
    Settings s =
        Settings.from(
            Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000"));
    assertEquals(Optional.of(URI.create("http://127.0.0.1:8000")), s.dynamoDbEndpoint());
    assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), s.eventBridgeEndpoint());
  }

  @Test
  void staticCredentialsNeedBothParts() {
    assertFalse(Settings.from(Map.of("AWS_ACCESS_KEY_ID", "a")).credentials().isPresent());
    Settings s = Settings.from(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"));
    assertTrue(s.credentials().isPresent());
    assertFalse(
        s.credentials().get().toString().contains("b]"), "the secret never appears in toString");
  }

  @Test
  void blankValuesMeanDefault() {
    assertEquals(
        Duration.ofSeconds(60), Settings.from(Map.of("MEMORY_TTL_SECONDS", "")).memoryTtl());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MISS_WAIT_MS|soon|MISS_WAIT_MS must be a number from 0 to 60000, got \"soon\"",
        "MISS_WAIT_MS|900000|MISS_WAIT_MS must be a whole number from 0 to 60000, got \"900000\"",
        "MEMORY_TTL_SECONDS|-1|MEMORY_TTL_SECONDS must be a whole number from 0 to 86400, got \"-1\"",
        "MEMORY_TTL_SECONDS|1.5|MEMORY_TTL_SECONDS must be a whole number from 0 to 86400, got \"1.5\"",
        "TTL_JITTER|1.5|TTL_JITTER must be a number from 0 to 0.5, got \"1.5\"",
        "TTL_JITTER|NaN|TTL_JITTER must be a number from 0 to 0.5, got \"NaN\"",
        "TTL_JITTER|lots|TTL_JITTER must be a number from 0 to 0.5, got \"lots\"",
        "AWS_ENDPOINT_URL|localhost:4566|AWS_ENDPOINT_URL must be an http(s) URL with a host, got \"localhost:4566\"",
        "AWS_ENDPOINT_URL_DYNAMODB|http://[::1|AWS_ENDPOINT_URL_DYNAMODB is not a valid URL: \"http://[::1\"",
        "MAX_VALUE_BYTES|0|MAX_VALUE_BYTES must be a whole number from 1 to 253952, got \"0\"",
        "TTL_SECONDS|99999999999999999999|TTL_SECONDS must be a whole number from 1 to 31536000, got \"99999999999999999999\"",
        "TTL_SECONDS|1e999999999|TTL_SECONDS must be a whole number from 1 to 31536000, got \"1e999999999\"",
        "ORIGIN_URL_TEMPLATE|https://api.example.com/items?id={id}|ORIGIN_URL_TEMPLATE must have {id} in its path (not the host, query or fragment), got 'https://api.example.com/items?id={id}'",
        "ORIGIN_URL_TEMPLATE|https://{id}.example.com/x|ORIGIN_URL_TEMPLATE must have {id} in its path (not the host, query or fragment), got 'https://{id}.example.com/x'",
        "ORIGIN_URL_TEMPLATE|ftp://example.com/{id}|ORIGIN_URL_TEMPLATE must be an absolute http or https URL with a host, got 'ftp://example.com/{id}'",
        "ORIGIN_URL_TEMPLATE|https://u:p@example.com/{id}|ORIGIN_URL_TEMPLATE must not carry user info (credentials), got a template with '@'",
      })
  void rejectsMalformedValuesNamingTheVariable(String name, String value, String message) {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> Settings.from(Map.of(name, value)));
    assertEquals(message, e.getMessage());
  }

  /**
   * Every accepted value gives legal Lambda timeouts: at most 900 s, and the refresh one below the
   * ASL's task timeout.
   */
  @Test
  void derivedFunctionTimeoutsStayLegalAtTheEdgesOfEveryRange() {
    Settings least =
        Settings.from(
            Map.of(
                "MISS_WAIT_MS",
                "0",
                "ORIGIN_CONNECT_TIMEOUT_MS",
                "1",
                "ORIGIN_READ_TIMEOUT_MS",
                "1"));
    Settings most =
        Settings.from(
            Map.of(
                "MISS_WAIT_MS",
                "60000",
                "ORIGIN_CONNECT_TIMEOUT_MS",
                "10000",
                "ORIGIN_READ_TIMEOUT_MS",
                "14000"));
    assertEquals(Duration.ofSeconds(10), least.readerFunctionTimeout());
    assertEquals(Duration.ofSeconds(20), least.refreshFunctionTimeout());
    assertEquals(Duration.ofSeconds(67), most.readerFunctionTimeout());
    assertEquals(Duration.ofSeconds(29), most.refreshFunctionTimeout());
    assertTrue(most.refreshFunctionTimeout().toSeconds() < Settings.WORKFLOW_TASK_TIMEOUT_SECONDS);
    assertTrue(most.readerFunctionTimeout().toSeconds() <= 900);
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () ->
                Settings.from(
                    Map.of(
                        "ORIGIN_CONNECT_TIMEOUT_MS", "10000", "ORIGIN_READ_TIMEOUT_MS", "14001")));
    assertEquals(
        "ORIGIN_CONNECT_TIMEOUT_MS + ORIGIN_READ_TIMEOUT_MS must be at most 24000 so a fetch ends inside "
            + "the refresh function's timeout, got 24001",
        e.getMessage());
  }

  @Test
  void everyDefaultIsInsideItsOwnRangeAndContextKeysAreCamelCase() {
    for (Setting s : Setting.values()) {
      if (s.defaultText() != null) {
        s.normalize(s.defaultText(), s.name());
      }
      assertTrue(s.contextKey().matches("[a-z][A-Za-z]+"), s.contextKey());
    }
    assertEquals("originUrlTemplate", Setting.ORIGIN_URL_TEMPLATE.contextKey());
    assertEquals("missWaitMs", Setting.MISS_WAIT_MS.contextKey());
  }

  @org.junit.jupiter.api.Test
  void globalTableRegionsAreCheckedRegionNamesWithTheHomeFirst() {
    Settings global =
        Settings.from(java.util.Map.of(Settings.GLOBAL_TABLE_REGIONS, "eu-west-1, us-east-1"));

    org.junit.jupiter.api.Assertions.assertEquals(
        java.util.List.of("eu-west-1", "us-east-1"), global.globalTableRegions());
    org.junit.jupiter.api.Assertions.assertTrue(global.globalTable());
    org.junit.jupiter.api.Assertions.assertFalse(Settings.defaults().globalTable());
    org.junit.jupiter.api.Assertions.assertFalse(
        Settings.from(java.util.Map.of(Settings.GLOBAL_TABLE_REGIONS, "us-east-1")).globalTable());
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidSettingException.class,
        () -> Settings.from(java.util.Map.of(Settings.GLOBAL_TABLE_REGIONS, "us-east-1,mars")));
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidSettingException.class, () -> Settings.regions("us-east-1,us-east-1"));
  }

  @org.junit.jupiter.api.Test
  void aHomeRegionIsCheckedOnlyWhenNamed() {
    Settings local = Settings.from(java.util.Map.of("AWS_REGION", "local"));
    Settings reader =
        Settings.from(
            java.util.Map.of("AWS_REGION", "eu-west-1", Settings.HOME_REGION, "us-east-1"));

    org.junit.jupiter.api.Assertions.assertEquals("local", local.homeRegion());
    org.junit.jupiter.api.Assertions.assertFalse(local.writesElsewhere());
    org.junit.jupiter.api.Assertions.assertEquals("us-east-1", reader.homeRegion());
    org.junit.jupiter.api.Assertions.assertTrue(reader.writesElsewhere());
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidSettingException.class,
        () -> Settings.from(java.util.Map.of(Settings.HOME_REGION, "home")));
  }
}
