package dev.warmcache.events;

/**
 * Publishes {@link CacheEvent}s. Production code uses {@link EventBridgePublisher}; tests may
 * record events instead, because the thing they test is the caller, not the bus.
 */
@FunctionalInterface
public interface EventPublisher {

  /** Sends the event; throws {@link EventPublishException} if the bus rejected it. */
  void publish(CacheEvent event);
}
