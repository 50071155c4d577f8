package dev.warmcache.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warmcache.id.ItemId;
import dev.warmcache.json.Json;
import java.util.Objects;

/**
 * One event for the bus: source, detail-type and the detail as a JSON object text.
 *
 * <pre>{@code
 * publisher.publish(CacheEvent.cacheMiss(ItemId.of("15"), MissReason.ABSENT));
 * // detail-type CacheMiss, source warmcache.reader, detail {"id":"15","reason":"absent"}
 * }</pre>
 */
public record CacheEvent(String source, String detailType, String detail) {

  public CacheEvent {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detailType, "detailType");
    Objects.requireNonNull(detail, "detail");
  }

  public static CacheEvent cacheMiss(ItemId id, MissReason reason) {
    ObjectNode detail =
        Json.MAPPER.createObjectNode().put("id", id.value()).put("reason", reason.wire());
    return of(EventNames.SOURCE_READER, EventNames.CACHE_MISS, detail);
  }

  /**
   * A CacheMiss that names the version the reader saw, so a refresh that finds a newer one already
   * stored skips the origin: instances that fire late for an expiry someone else already refreshed
   * cost nothing.
   */
  public static CacheEvent cacheMiss(ItemId id, MissReason reason, long seenVersion) {
    ObjectNode detail =
        Json.MAPPER
            .createObjectNode()
            .put("id", id.value())
            .put("reason", reason.wire())
            .put("version", seenVersion);
    return of(EventNames.SOURCE_READER, EventNames.CACHE_MISS, detail);
  }

  public static CacheEvent of(String source, String detailType, ObjectNode detail) {
    try {
      return new CacheEvent(source, detailType, Json.MAPPER.writeValueAsString(detail));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an ObjectNode always serializes", e);
    }
  }
}
