package dev.warmcache.local.lambda.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the third-party classes shared, every reader instance still is its own execution
 * environment: its own product classes and statics, Powertools, Log4j and CRaC, its own memory tier
 * and cold-start flag; and two functions share nothing at all.
 */
class SharedLibrariesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Twin twin;

  @BeforeAll
  static void start() throws Exception {
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(Map.of("PRIME_FANOUT", "0"))
                .build());
    twin.lambda().provision(Twin.READER, 2);
    twin.lambda().provision(Twin.REFRESH, 1);
  }

  @AfterAll
  static void stop() {
    if (twin != null) {
      twin.close();
    }
  }

  private static List<ClassLoader> loaders(String function) {
    return new ArrayList<>(
        twin.lambda().probe(function, h -> h.getClass().getClassLoader()).values());
  }

  private static Class<?> load(ClassLoader loader, String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  @Test
  void instancesShareTheSdkJacksonAndCaffeineButNothingWithState() throws Exception {
    List<ClassLoader> readers = loaders(Twin.READER);
    assertEquals(2, readers.size());
    ClassLoader a = readers.get(0);
    ClassLoader b = readers.get(1);
    assertNotSame(a, b);

    for (String shared :
        List.of(
            "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "com.github.benmanes.caffeine.cache.Caffeine")) {
      assertSame(load(a, shared), load(b, shared), shared + " is loaded once per function");
      assertFalse(SharedLibraries.perInstance(shared));
    }
    for (String own :
        List.of(
            "dev.warmcache.reader.ReaderHandler",
            "dev.warmcache.reader.MemoryTier",
            "software.amazon.lambda.powertools.metrics.MetricsFactory",
            "org.apache.logging.log4j.LogManager",
            "org.slf4j.LoggerFactory",
            "org.crac.Core",
            "com.amazonaws.services.lambda.runtime.Context")) {
      Class<?> inA = load(a, own);
      Class<?> inB = load(b, own);
      assertNotSame(inA, inB, own + " is the instance's own");
      assertSame(a, inA.getClassLoader());
    }
  }

  @Test
  void twoFunctionsShareNoClassAtAll() throws Exception {
    ClassLoader reader = loaders(Twin.READER).get(0);
    ClassLoader refresh = loaders(Twin.REFRESH).get(0);
    for (String name :
        List.of(
            "dev.warmcache.settings.Settings",
            "com.fasterxml.jackson.databind.ObjectMapper",
            "software.amazon.lambda.powertools.logging.PowertoolsLogging")) {
      assertNotSame(load(reader, name), load(refresh, name), name);
    }
  }

  /**
   * The cold-start flag and the memory tier are per instance, observed through the product itself.
   */
  @Test
  void eachInstanceHasItsOwnColdStartAndMemoryTier() throws Exception {
    List<String> ids = new ArrayList<>(twin.lambda().probe(Twin.READER, h -> "").keySet());
    byte[] prime = "{\"prime\":{\"id\":\"zz\",\"version\":1}}".getBytes(StandardCharsets.UTF_8);
    for (String instance : ids) {
      JsonNode first =
          JSON.readTree(twin.lambda().invokeOn(Twin.READER, instance, prime).payload());
      JsonNode second =
          JSON.readTree(twin.lambda().invokeOn(Twin.READER, instance, prime).payload());
      assertTrue(first.path("coldStart").asBoolean(), instance + " starts cold: " + first);
      assertFalse(second.path("coldStart").asBoolean(), instance + " is warm after: " + second);
    }
    byte[] read = "{\"id\":\"1\"}".getBytes(StandardCharsets.UTF_8);
    JsonNode fromA = JSON.readTree(twin.lambda().invokeOn(Twin.READER, ids.get(0), read).payload());
    JsonNode againA =
        JSON.readTree(twin.lambda().invokeOn(Twin.READER, ids.get(0), read).payload());
    JsonNode firstOnB =
        JSON.readTree(twin.lambda().invokeOn(Twin.READER, ids.get(1), read).payload());
    assertEquals("memory", againA.path("source").asText(), againA.toString());
    assertFalse(
        firstOnB.path("source").asText().equals("memory"),
        "instance B does not see A's memory tier: " + firstOnB + " after " + fromA);
  }
}
