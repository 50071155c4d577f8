package dev.warmcache.local.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.item.Item;
import dev.warmcache.item.ItemAttributes;
import dev.warmcache.item.ItemStore;
import dev.warmcache.local.Twin;
import dev.warmcache.local.TwinOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One key that 16 warm reader instances all want refreshed at once starts one workflow execution
 * and one origin fetch: the reader that wins the claim on the item publishes, the others do not.
 * Before the claim, every instance published, and every execution but one ended "Already
 * refreshing".
 *
 * <p>The instances ask for an early refresh of a fresh key (β = 100 makes every read in the window
 * ask), which goes through the same claim as an expired key. An expired key cannot be held on the
 * twin for the length of the test: DynamoDB Local's TTL sweep deletes it within seconds, and an
 * absent key is never claimed (a claim must not make it look present). The expired case is covered
 * against DynamoDB Local in the reader's tests.
 */
class FleetClaimTest {

  /**
   * With and without {@code idleRefreshes}: an item written without it (an import, a restore, an
   * older warmcache) was never claimed, so its readers never asked for a refresh at all.
   */
  @ParameterizedTest(name = "with idleRefreshes: {0}")
  @ValueSource(booleans = {true, false})
  void sixteenInstancesWantingOneKeyRefreshedStartOneExecution(boolean withIdleCount)
      throws Exception {
    try (Twin twin =
            Twin.start(
                TwinOptions.builder()
                    .port(0)
                    .seed(false)
                    .settings(Map.of("PRIME_FANOUT", "0", "EARLY_REFRESH_BETA", "100"))
                    .build());
        Fleet fleet = new Fleet(twin)) {
      String id = "5";
      assertEquals(16, fleet.provisionReaders(16));
      long now = System.currentTimeMillis();
      // Lifetime 200 s, so the early window (8 %) is open for the last 16 s; 12 s are left.
      Map<String, AttributeValue> stored =
          new HashMap<>(
              ItemStore.toAttributes(
                  Item.builder(ItemId.of(id))
                      .value("{\"old\":true}")
                      .contentType("application/json")
                      .version(1)
                      .fetchedAtMillis(now - 188_000)
                      .expiresAtEpochSeconds(now / 1000 + 12)
                      .refreshMillis(1_000)
                      .build()));
      if (!withIdleCount) {
        stored.remove(ItemAttributes.IDLE_REFRESHES);
      }
      fleet.seedAttributes(stored);
      long fetchesBefore = twin.origin().requests(id);

      Map<String, JsonNode> answers = fleet.reads(id);
      Map<String, Long> served = new HashMap<>();
      answers.forEach((instance, a) -> served.put(instance, a.path("version").asLong(-1)));
      fleet.awaitVersionAbove(id, 1, Duration.ofSeconds(30));
      fleet.awaitWorkflowsDone(Duration.ofSeconds(30));

      assertEquals(16, served.size());
      assertTrue(
          served.values().stream().allMatch(v -> v == 1),
          () -> "all served the current value: " + answers);
      assertEquals(
          1, fleet.executionsStarted(), "one execution for 16 instances asking, fleet-wide");
      assertEquals(1, twin.origin().requests(id) - fetchesBefore, "one origin fetch");
    }
  }
}
