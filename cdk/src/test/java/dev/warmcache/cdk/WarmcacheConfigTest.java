package dev.warmcache.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warmcache.settings.Setting;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.RemovalPolicy;

class WarmcacheConfigTest {

  private static final String ORIGIN = "https://api.example.com/items/{id}";

  private static WarmcacheConfig config(Object... pairs) {
    Map<String, Object> context = new HashMap<>();
    context.put(WarmcacheConfig.ORIGIN_URL_TEMPLATE, ORIGIN);
    for (int i = 0; i < pairs.length; i += 2) {
      context.put((String) pairs[i], pairs[i + 1]);
    }
    return WarmcacheConfig.fromContext(context::get);
  }

  @Test
  void defaultsAreSafeToDeploy() {
    WarmcacheConfig config = config();
    assertEquals("warmcache", config.namePrefix());
    assertEquals(RemovalPolicy.RETAIN, config.removalPolicy());
    assertEquals(1024, config.readerMemoryMb());
    assertEquals(512, config.refreshMemoryMb());
    assertTrue(
        config.environmentOf(Setting.Target.READER).isEmpty(),
        "unset settings keep the functions' defaults");
    assertEquals(10, config.settings().readerFunctionTimeout().toSeconds());
    assertEquals(20, config.settings().refreshFunctionTimeout().toSeconds());
  }

  @Test
  void settingsGoOnlyToTheFunctionThatReadsThem() {
    // -c values arrive as strings, cdk.json values as JSON numbers: both work.
    WarmcacheConfig config =
        config(
            "ttlSeconds", "600", "primeFanout", 8, "memoryTtlSeconds", "30", "ttlJitter", "0.20");
    assertEquals(Map.of("MEMORY_TTL_SECONDS", "30"), config.environmentOf(Setting.Target.READER));
    assertEquals(
        Map.of(
            "TTL_SECONDS",
            "600",
            "PRIME_FANOUT",
            "8",
            "TTL_JITTER",
            "0.2",
            "ORIGIN_URL_TEMPLATE",
            "https://api.example.com/items/{id}"),
        config.environmentOf(Setting.Target.REFRESH));
  }

  @Test
  void originTemplateIsRequired() {
    InvalidContextException e =
        assertThrows(InvalidContextException.class, () -> WarmcacheConfig.fromContext(key -> null));
    assertTrue(e.getMessage().contains("originUrlTemplate is required"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://api.example.com/items", // no slot
        "https://api.example.com/{id}/{id}", // two slots
        "https://{id}.example.com/items", // slot in the host
        "ftp://api.example.com/items/{id}", // not http(s)
        "https://user@api.example.com/items/{id}", // credentials in the URL
        "https:///items/{id}", // no host
        "https://api.example.com/items/{id}#x", // fragment
        "https://api.example.com/items?id={id}", // query: the client encodes one path segment
        "not a url {id}"
      })
  void originTemplateThatCouldLetAnIdEscapeIsRejected(String template) {
    assertThrows(
        InvalidContextException.class, () -> config(WarmcacheConfig.ORIGIN_URL_TEMPLATE, template));
  }

  @Test
  void badValuesAreTypedErrorsThatNameTheKey() {
    assertMessage(
        "ttlSeconds must be a whole number from 1 to 31536000, got \"0\"", "ttlSeconds", "0");
    assertMessage("primeFanout must be a number from 0 to 40, got \"many\"", "primeFanout", "many");
    assertMessage("ttlJitter must be a number from 0 to 0.5, got \"1.5\"", "ttlJitter", "1.5");
    assertMessage(
        "missWaitMs must be a whole number from 0 to 60000, got \"900000\"", "missWaitMs", 900000);
    assertMessage(
        "memoryTtlSeconds must be a whole number from 0 to 86400, got \"-1\"",
        "memoryTtlSeconds",
        -1);
    assertMessage(
        "maxValueBytes must be a whole number from 1 to 253952, got \"2147483648\"",
        "maxValueBytes",
        2147483648L);
    assertMessage(
        "leaseSeconds must be a whole number from 1 to 3600, got \"86400\"", "leaseSeconds", 86400);
    assertMessage(
        "ORIGIN_CONNECT_TIMEOUT_MS + ORIGIN_READ_TIMEOUT_MS must be at most 24000 so a fetch ends inside "
            + "the refresh function's timeout, got 30000 (context keys are the camelCase names, e.g. originReadTimeoutMs)",
        "originReadTimeoutMs",
        20000,
        "originConnectTimeoutMs",
        10000);
    assertMessage(
        "removalPolicy must be 'retain' or 'destroy', got 'snapshot'", "removalPolicy", "snapshot");
    assertMessage("readerMemoryMb must be between 128 and 10240, got 64", "readerMemoryMb", "64");
    assertMessage(
        "logRetentionDays must be one of [1, 3, 5, 7, 14, 30, 60, 90, 180, 365], got 10",
        "logRetentionDays",
        10);
    assertMessage(
        "namePrefix must match [a-z][a-z0-9-]{2,29}, got 'Warm_Cache'", "namePrefix", "Warm_Cache");
    assertMessage("namePrefix must match [a-z][a-z0-9-]{2,29}, got 'wc'", "namePrefix", "wc");
    assertMessage("alarmEmail is not an e-mail address: 'ops'", "alarmEmail", "ops");
  }

  @Test
  void destroyIsAccepted() {
    assertEquals(RemovalPolicy.DESTROY, config("removalPolicy", "Destroy").removalPolicy());
  }

  private static void assertMessage(String message, Object... keysAndValues) {
    InvalidContextException e =
        assertThrows(InvalidContextException.class, () -> config(keysAndValues));
    assertEquals(message, e.getMessage());
    assertEquals(0, e.getStackTrace().length, "no stack trace to leak");
  }
}
