package dev.warmcache.testing;

import dev.warmcache.events.CacheEvent;
import dev.warmcache.events.EventPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every published event in order, for tests that check what a component sent. */
public final class RecordingEventPublisher implements EventPublisher {

  private final List<CacheEvent> events = new CopyOnWriteArrayList<>();

  @Override
  public void publish(CacheEvent event) {
    events.add(event);
  }

  public List<CacheEvent> events() {
    return List.copyOf(events);
  }

  public List<CacheEvent> ofType(String detailType) {
    return events.stream().filter(e -> e.detailType().equals(detailType)).toList();
  }

  public void clear() {
    events.clear();
  }
}
