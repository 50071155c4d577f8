package dev.warmcache.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemStore;
import dev.warmcache.json.Json;
import dev.warmcache.testing.DynamoDbLocalFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployable jar on its own (nothing from the build's classpath): it answers from DynamoDB
 * Local, logs Powertools JSON (proof that the Log4j plugin caches were merged when shading), and
 * carries none of the test-only or excluded dependencies.
 */
class ShadedJarIT {

  @RegisterExtension static final DynamoDbLocalFixture DYNAMODB = new DynamoDbLocalFixture();

  private static final Path JAR = Path.of("target", "warmcache-reader.jar");

  @Test
  void carriesOnlyWhatTheLambdaNeeds() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertTrue(jar.getEntry("dev/warmcache/reader/ReaderHandler.class") != null);
      assertTrue(
          jar.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")
              != null);
      assertTrue(
          jar.getEntry("org/crac/Core.class") != null,
          "the Lambda runtime expects org.crac in the function");
      for (String forbidden :
          new String[] {
            "com/amazonaws/services/dynamodbv2/local/",
            "org/junit/",
            "io/netty/",
            "org/apache/http/",
            "software/amazon/awssdk/http/apache/",
            "software/amazon/awssdk/http/nio/",
            "org/eclipse/jetty/",
            "com/almworks/sqlite4java/",
            "dev/warmcache/testing/"
          }) {
        assertFalse(
            jar.stream().anyMatch(e -> e.getName().startsWith(forbidden)),
            "jar contains " + forbidden);
      }
    }
  }

  @Test
  void answersAndLogsJsonFromTheJarAlone() throws Exception {
    new ItemStore(DYNAMODB.client(), DynamoDbLocalFixture.TABLE)
        .put(
            Item.builder(ItemId.of("15"))
                .value("{\"n\":15}")
                .contentType("application/json")
                .version(1)
                .fetchedAtMillis(1)
                .expiresAtEpochSeconds(System.currentTimeMillis() / 1000 + 300)
                .build());
    Map<String, String> env = DYNAMODB.env();
    env.put("AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9");

    PrintStream realOut = System.out;
    ClassLoader realContext = Thread.currentThread().getContextClassLoader();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(
            "shaded-reader",
            new URL[] {JAR.toUri().toURL()},
            ClassLoader.getPlatformClassLoader())) {
      // Log4j binds its console appender to System.out when it first configures, inside this
      // loader.
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      Thread.currentThread().setContextClassLoader(loader);
      Class<?> type = loader.loadClass("dev.warmcache.reader.ReaderHandler");
      Object handler = type.getConstructor(Map.class).newInstance(env);
      Class<?> contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
      Method handle =
          type.getMethod("handleRequest", InputStream.class, OutputStream.class, contextType);
      // The runtime's Context is an input here, like the payload: answer its getters plainly.
      Object context =
          java.lang.reflect.Proxy.newProxyInstance(
              loader,
              new Class<?>[] {contextType},
              (proxy, method, args) ->
                  switch (method.getName()) {
                    case "getAwsRequestId" -> "req-0001";
                    case "getFunctionName" -> "warmcache-reader";
                    case "getFunctionVersion" -> "$LATEST";
                    case "getInvokedFunctionArn" ->
                        "arn:aws:lambda:us-east-1:000000000000:function:warmcache-reader";
                    case "getMemoryLimitInMB" -> 512;
                    case "getRemainingTimeInMillis" -> 30_000;
                    case "toString" -> "test context";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> null;
                  });

      ByteArrayOutputStream withContext = new ByteArrayOutputStream();
      handle.invoke(
          handler,
          new ByteArrayInputStream("{\"id\":\"15\"}".getBytes(StandardCharsets.UTF_8)),
          withContext,
          context);
      JsonNode hit = Json.MAPPER.readTree(withContext.toByteArray());
      assertEquals("dynamodb", hit.get("source").asText());
      assertEquals(15, hit.get("value").get("n").asInt());
      JsonNode bad = invoke(handle, handler, "{\"id\":\"a/b\"}");
      assertEquals("InvalidId", bad.get("error").asText());
    } finally {
      System.setOut(realOut);
      Thread.currentThread().setContextClassLoader(realContext);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertTrue(
        logs.contains("\"message\":\"answered\"") && logs.contains("\"tier\":\"dynamodb\""), logs);
    assertTrue(
        logs.contains("\"function_request_id\":\"req-0001\"") && logs.contains("\"key\":\"15\""),
        logs);
    assertTrue(logs.contains("\"latencyMs\""), logs);
    assertTrue(logs.contains("\"CloudWatchMetrics\""), "EMF metrics are emitted: " + logs);
  }

  private static JsonNode invoke(Method handle, Object handler, String payload) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handle.invoke(
        handler, new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.MAPPER.readTree(out.toByteArray());
  }

  @Test
  void sizeIsReported() throws Exception {
    long bytes = Files.size(JAR);
    assertTrue(bytes > 0);
    System.err.println("warmcache-reader.jar " + bytes + " bytes");
  }
}
