package dev.warmcache.local.lambda.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
 * environment: its own product classes and statics, Powertools, Log4j context and CRaC, its own
 * memory tier and cold-start flag; and two functions share nothing at all.
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
            "com.github.benmanes.caffeine.cache.Caffeine",
            "org.apache.logging.log4j.LogManager",
            "org.apache.logging.log4j.core.config.plugins.util.PluginRegistry",
            "software.amazon.lambda.powertools.logging.argument.StructuredArgument",
            "org.slf4j.LoggerFactory",
            "org.apache.logging.slf4j.Log4jLoggerFactory",
            "com.amazonaws.services.lambda.runtime.Context")) {
      assertSame(load(a, shared), load(b, shared), shared + " is loaded once per function");
      assertFalse(SharedLibraries.perInstance(shared));
    }
    for (String own :
        List.of(
            "dev.warmcache.reader.ReaderHandler",
            "dev.warmcache.client.MemoryTier",
            "software.amazon.lambda.powertools.metrics.MetricsFactory",
            "software.amazon.lambda.powertools.common.internal.LambdaHandlerProcessor",
            "software.amazon.lambda.powertools.logging.PowertoolsLogging",
            "org.crac.Core")) {
      Class<?> inA = load(a, own);
      Class<?> inB = load(b, own);
      assertNotSame(inA, inB, own + " is the instance's own");
      assertSame(a, inA.getClassLoader());
      assertNotSame(inA.getProtectionDomain(), inB.getProtectionDomain());
      assertEquals(
          jar(Twin.READER),
          inA.getProtectionDomain().getCodeSource().getLocation(),
          own + " comes from the function's jar");
      assertEquals(inA.getPackageName(), inA.getPackage().getName());
    }
  }

  /**
   * An instance's per-instance classes are read from the jar once per function, but each instance
   * defines its own: same bytes, another class, with its own statics.
   */
  @Test
  void instancesDefineTheirOwnClassesFromBytesReadOnce() throws Exception {
    List<ClassLoader> readers = loaders(Twin.READER);
    Class<?> inA = load(readers.get(0), "dev.warmcache.client.MemoryTier");
    Class<?> inB = load(readers.get(1), "dev.warmcache.client.MemoryTier");
    assertNotSame(inA, inB);
    String resource = "dev/warmcache/client/MemoryTier.class";
    try (var a = readers.get(0).getResourceAsStream(resource);
        var b = readers.get(1).getResourceAsStream(resource)) {
      assertTrue(java.util.Arrays.equals(a.readAllBytes(), b.readAllBytes()));
    }
    assertThrows(
        ClassNotFoundException.class, () -> load(readers.get(0), "dev.warmcache.reader.Nothing"));
  }

  /**
   * A retired function's loader opens no jar again: a class no instance read before it closed is
   * not found, rather than read from a jar reopened behind the pool's back.
   */
  @Test
  void aClosedFunctionLoaderReadsNoMoreClasses() throws Exception {
    java.net.URL[] classpath = {jar(Twin.READER)};
    ClassLoader shared = SharedLibraries.parent("closing", classpath);
    ClassLoader instance = SharedLibraries.instance("closing-1", classpath, shared);
    assertSame(instance, load(instance, "dev.warmcache.id.ItemId").getClassLoader());
    ((java.io.Closeable) shared).close();
    assertThrows(
        ClassNotFoundException.class, () -> load(instance, "dev.warmcache.client.MemoryTier"));
    assertThrows(
        IllegalArgumentException.class,
        () -> SharedLibraries.instance("stray", classpath, ClassLoader.getPlatformClassLoader()));
    ((java.io.Closeable) instance).close();
  }

  private static java.net.URL jar(String function) throws Exception {
    return twin.lambda().function(function).orElseThrow().classpath().get(0).toUri().toURL();
  }

  /**
   * Log4j is shared, but its state is not: each instance configures its own context, with the
   * product's Powertools JSON layout, even after the shared libraries' loggers gave the shared
   * loader a context of its own (which Log4j would hand to a loader's descendants); and a reclaimed
   * instance's context is stopped with it.
   */
  @Test
  void eachInstanceOwnsItsLog4jContextAndLosesItWhenReclaimed() throws Exception {
    ClassLoader shared =
        load(loaders(Twin.READER).get(0), "software.amazon.awssdk.utils.Logger").getClassLoader();
    Object sdkLogger =
        load(shared, "software.amazon.awssdk.utils.Logger")
            .getMethod("loggerFor", String.class)
            .invoke(null, "software.amazon.awssdk.request");
    assertTrue(hasLog4jContext(shared), "the SDK's loggers live in the shared loader's context");

    twin.lambda().reclaimAll(Twin.READER);
    twin.lambda().provision(Twin.READER, 2);
    List<ClassLoader> readers = loaders(Twin.READER);
    Object a = log4jContext(readers.get(0));
    Object b = log4jContext(readers.get(1));
    Object sharedContext = log4jContext(shared);
    assertNotSame(a, b);
    assertNotSame(sharedContext, a, "an instance does not inherit the shared loader's context");
    assertNotSame(sharedContext, b);
    assertTrue(sdkLogger != null);
    for (Object context : List.of(a, b, sharedContext)) {
      assertTrue((boolean) call(context, "isStarted"));
      Object configuration = call(context, "getConfiguration");
      Map<?, ?> appenders = (Map<?, ?>) call(configuration, "getAppenders");
      Object layout = call(appenders.get("JsonAppender"), "getLayout");
      assertEquals(
          "org.apache.logging.log4j.layout.template.json.JsonTemplateLayout",
          layout.getClass().getName(),
          "the function's own log4j2.properties, Powertools layout and all");
    }

    twin.lambda().reclaimAll(Twin.READER);
    try {
      assertFalse((boolean) call(a, "isStarted"), "a reclaimed instance's context is stopped");
      assertFalse(hasLog4jContext(readers.get(0)));
    } finally {
      twin.lambda().provision(Twin.READER, 2);
    }
  }

  private static Object log4jContext(ClassLoader instance) throws Exception {
    assertTrue(hasLog4jContext(instance), "Log4j was configured for " + instance);
    Class<?> logManager = load(instance, "org.apache.logging.log4j.LogManager");
    return logManager
        .getMethod("getContext", ClassLoader.class, boolean.class)
        .invoke(null, instance, false);
  }

  private static boolean hasLog4jContext(ClassLoader loader) throws Exception {
    // Log4j is the function's shared parent's, so any of its loaders finds the same LogManager.
    Class<?> logManager = load(loader, "org.apache.logging.log4j.LogManager");
    Object factory = logManager.getMethod("getFactory").invoke(null);
    return (boolean)
        factory
            .getClass()
            .getMethod("hasContext", String.class, ClassLoader.class, boolean.class)
            .invoke(factory, logManager.getName(), loader, false);
  }

  private static Object call(Object target, String method) throws Exception {
    return target.getClass().getMethod(method).invoke(target);
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
