package dev.warmcache.local.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warmcache.events.RefreshTrigger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each trigger's native shape, read from the project's own samples in events/samples. */
class TriggerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode sample(String name) throws Exception {
    return JSON.readTree(Path.of("..", "events", "samples", name).toFile());
  }

  @Test
  void forceRefreshEvent() throws Exception {
    Trigger t = Trigger.of(sample("force-refresh.json"));
    assertEquals(RefreshTrigger.FORCE.wireName(), t.kind());
    assertEquals("15", t.id());
  }

  @Test
  void cacheMissEventKeepsItsReason() throws Exception {
    Trigger t = Trigger.of(sample("cache-miss.json"));
    assertEquals(RefreshTrigger.MISS.wireName(), t.kind());
    assertEquals("15", t.id());
    assertEquals("CacheMiss (absent)", t.detail());
  }

  @Test
  void ttlDeletionFromThePipe() throws Exception {
    Trigger t = Trigger.of(sample("ttl-expiry.json"));
    assertEquals(RefreshTrigger.EXPIRY.wireName(), t.kind());
    assertEquals("15", t.id());
  }

  @Test
  void anythingElseWasStartedByHand() throws Exception {
    assertEquals(
        new Trigger("manual", "7", "StartExecution"), Trigger.of(JSON.readTree("{\"id\":7}")));
    Trigger odd =
        Trigger.of(JSON.readTree("{\"detail-type\":\"Other\",\"source\":\"x\",\"detail\":{}}"));
    assertEquals("manual", odd.kind());
    assertNull(odd.id());
    assertEquals("manual", Trigger.of(JSON.readTree("[]")).kind());
    assertNull(Trigger.of(JSON.readTree("null")).id());
  }
}
