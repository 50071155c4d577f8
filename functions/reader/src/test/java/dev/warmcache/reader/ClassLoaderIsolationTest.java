package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.json.Json;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two handler instances, each loaded by its own class loader (how the twin models Lambda execution
 * environments), keep separate memory tiers and statics.
 */
class ClassLoaderIsolationTest {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  /** A handler living in its own class loader, called only through JDK types. */
  private static final class Instance implements AutoCloseable {
    final URLClassLoader loader;
    final Object handler;
    final Method handle;

    Instance(Map<String, String> env) throws Exception {
      loader =
          new URLClassLoader("reader-instance", classpath(), ClassLoader.getPlatformClassLoader());
      Class<?> type = loader.loadClass(ReaderHandler.class.getName());
      handler = type.getConstructor(Map.class).newInstance(env);
      handle =
          type.getMethod(
              "handleRequest",
              InputStream.class,
              OutputStream.class,
              loader.loadClass("com.amazonaws.services.lambda.runtime.Context"));
    }

    JsonNode call(String payload) throws Exception {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handle.invoke(
          handler, new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
      return Json.MAPPER.readTree(out.toByteArray());
    }

    @Override
    public void close() throws Exception {
      loader.close();
    }
  }

  private static URL[] classpath() throws Exception {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return urls.toArray(URL[]::new);
  }

  @Test
  void eachInstanceHasItsOwnMemory() throws Exception {
    ItemStore store = new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE);
    long expires = System.currentTimeMillis() / 1000 + 300;
    ItemId id = ItemId.of("15");
    store.put(
        Item.builder(id)
            .value("\"one\"")
            .contentType("application/json")
            .version(1)
            .fetchedAtMillis(1)
            .expiresAtEpochSeconds(expires)
            .build());

    Map<String, String> env = DYNAMODB.env();
    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9");
    try (Instance a = new Instance(env);
        Instance b = new Instance(env)) {
      assertNotSame(a.handler.getClass(), b.handler.getClass(), "same name, different loaders");

      assertEquals("dynamodb", a.call("{\"id\":\"15\"}").get("source").asText());
      assertEquals("memory", a.call("{\"id\":\"15\"}").get("source").asText());

      store.put(
          Item.builder(id)
              .value("\"two\"")
              .contentType("application/json")
              .version(2)
              .fetchedAtMillis(2)
              .expiresAtEpochSeconds(expires)
              .build());

      JsonNode fromB = b.call("{\"id\":\"15\"}");
      assertEquals("dynamodb", fromB.get("source").asText(), "B's memory is not A's");
      assertEquals("two", fromB.get("value").asText());

      JsonNode fromA = a.call("{\"id\":\"15\"}");
      assertEquals("memory", fromA.get("source").asText());
      assertEquals("one", fromA.get("value").asText(), "A still holds its own copy");

      assertEquals(
          true, a.call("{\"prime\":{\"id\":\"15\",\"version\":2}}").get("primed").asBoolean());
      assertEquals("two", a.call("{\"id\":\"15\"}").get("value").asText());
      assertEquals(
          "up-to-date", b.call("{\"prime\":{\"id\":\"15\",\"version\":2}}").get("reason").asText());
    }
  }
}
