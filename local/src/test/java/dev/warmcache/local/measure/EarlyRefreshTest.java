package dev.warmcache.local.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Under a steady read load, a key with TTL_SECONDS=10 is refreshed ahead of its expiry for three
 * TTL periods: no read is answered stale or pending, and the origin is asked at most once per
 * period. Everything real: reader and refresh jars, ASL, event patterns, DynamoDB Local (whose TTL
 * sweep would start an expiry refresh if early refresh did not come first).
 */
class EarlyRefreshTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TTL_SECONDS = 10;
  private static final String ID = "7";

  @Test
  void aSteadilyReadKeyIsNeverStaleAndCostsOneFetchPerTtlPeriod() throws Exception {
    // No TTL jitter, so a period is exactly TTL_SECONDS; the CacheMiss limiter must be shorter
    // than a period, or one instance could not ask again the next time.
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(
                        Map.of(
                            "TTL_SECONDS",
                            Integer.toString(TTL_SECONDS),
                            "TTL_JITTER",
                            "0",
                            "MISS_INTERVAL_SECONDS",
                            "2",
                            "MISS_WAIT_MS",
                            "10000"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      JsonNode first = read(twin);
      assertEquals("origin", first.path("source").asText(), first::toString);
      long start = System.currentTimeMillis();
      long fetchesBefore = twin.origin().requests(ID);
      List<String> unfresh = new ArrayList<>();
      long reads = 0;
      while (System.currentTimeMillis() < start + 3L * TTL_SECONDS * 1000) {
        JsonNode answer = read(twin);
        reads++;
        if (answer.path("stale").asBoolean(false)
            || answer.path("pending").asBoolean(false)
            || "origin".equals(answer.path("source").asText())) {
          unfresh.add(answer.toString());
        }
        Thread.sleep(20);
      }
      long fetches = twin.origin().requests(ID) - fetchesBefore;

      assertTrue(reads > 500, "a steady load: " + reads + " reads");
      assertEquals(List.of(), unfresh, "every read was answered fresh, none waited for the origin");
      assertTrue(fetches >= 2, "refreshed ahead, not only at the end: " + fetches + " fetches");
      assertTrue(
          fetches <= 3, "at most one origin fetch per TTL period: " + fetches + " in 3 periods");
      assertTrue(fleet.storedVersion(ID) >= 3, "the value moved on with each refresh");
    }
  }

  private static JsonNode read(Twin twin) throws Exception {
    byte[] request = ("{\"id\":\"" + ID + "\"}").getBytes(StandardCharsets.UTF_8);
    return JSON.readTree(twin.lambda().invoke(Twin.READER, request).payload());
  }
}
