package dev.warmcache.local.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import dev.warmcache.local.UserFunction;
import dev.warmcache.local.cli.AwsCli;
import dev.warmcache.local.measure.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example consumer (examples/product-page), hosted by the twin as {@code ./twin --function}
 * hosts it, driven with the real AWS CLI as a user would: it reads two keys with the embedded
 * client, and after an operator's {@code ForceRefresh} it serves the new version once {@code
 * COHERENCE_INTERVAL_MS} has passed, through the change feed, with nothing priming it.
 */
class ProductPageOnTheTwinTest {

  private static final long INTERVAL_MS = 500;
  private static final String FUNCTION = "product-page";

  static Twin twin;
  static Fleet fleet;
  static AwsCli aws;

  @BeforeAll
  static void start() throws Exception {
    AwsCli.assumeInstalled();
    Path jar = Path.of("../examples/product-page/target/product-page.jar");
    twin =
        Twin.start(
            TwinOptions.builder()
                .port(0)
                .seed(false)
                .settings(
                    Map.of(
                        "COHERENCE_INTERVAL_MS",
                        Long.toString(INTERVAL_MS),
                        "MISS_WAIT_MS",
                        "20000"))
                .function(
                    new UserFunction(
                        FUNCTION, jar, "example.productpage.ProductPageHandler::handleRequest"))
                .build());
    fleet = new Fleet(twin);
    aws = new AwsCli(twin.endpoint());
  }

  @AfterAll
  static void stop() {
    if (fleet != null) fleet.close();
    if (twin != null) twin.close();
  }

  private static JsonNode page(String id) throws Exception {
    return aws.invoke(FUNCTION, "{\"id\":\"" + id + "\",\"related\":\"16\"}");
  }

  @Test
  void theExampleServesANewVersionOnceTheIntervalHasPassed() throws Exception {
    JsonNode first = page("15");
    assertTrue(
        first.path("product").path("value").toString().contains("demo item 15"), first::toString);
    assertTrue(
        first.path("related").path("value").toString().contains("demo item 16"), first::toString);
    JsonNode held = page("15");
    assertEquals("memory", held.path("product").path("source").asText(), held::toString);
    long before = held.path("product").path("version").asLong();

    aws.run(
            "events",
            "put-events",
            "--entries",
            "[{\"EventBusName\":\"warmcache\",\"Source\":\"warmcache.admin\","
                + "\"DetailType\":\"ForceRefresh\",\"Detail\":\"{\\\"id\\\":\\\"15\\\"}\"}]")
        .ok();
    long written = fleet.awaitVersionAbove("15", before, Duration.ofSeconds(30));
    Fleet.sleepUntil(written + INTERVAL_MS + 50);

    JsonNode after = page("15");
    assertTrue(
        after.path("product").path("version").asLong() > before,
        () ->
            "the first page asked COHERENCE_INTERVAL_MS after the write has the new version: "
                + after);
  }

  @Test
  void aBadIdIsAnAnswerNotACrash() throws Exception {
    JsonNode page = page("../admin");
    assertEquals("InvalidId", page.path("error").asText(), page::toString);
  }
}
