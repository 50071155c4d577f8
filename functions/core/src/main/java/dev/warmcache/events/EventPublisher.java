package dev.warmcache.events;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes {@link CacheEvent}s. Production code uses {@link EventBridgePublisher}; tests may
 * record events instead, because the thing they test is the caller, not the bus.
 */
@FunctionalInterface
public interface EventPublisher {

  /** Sends the event; throws {@link EventPublishException} if the bus rejected it. */
  void publish(CacheEvent event);

  /**
   * Sends {@code events}, batched where the transport batches, and answers those that were not
   * accepted (empty if all were). This default sends them one by one.
   */
  default List<CacheEvent> publishAll(List<CacheEvent> events) {
    List<CacheEvent> failed = new ArrayList<>();
    for (CacheEvent event : events) {
      try {
        publish(event);
      } catch (EventPublishException e) {
        failed.add(event);
      }
    }
    return failed;
  }
}
