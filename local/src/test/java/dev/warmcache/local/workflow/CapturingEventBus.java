package dev.warmcache.local.workflow;

import dev.warmcache.local.tasks.EventBus;
import dev.warmcache.local.tasks.EventEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts every event and keeps it, standing in for the twin's EventBridge and its rules. */
final class CapturingEventBus implements EventBus {

  private final List<EventEntry> events = new CopyOnWriteArrayList<>();

  @Override
  public List<Result> putEvents(List<EventEntry> entries) {
    List<Result> results = new ArrayList<>();
    for (EventEntry entry : entries) {
      events.add(entry);
      results.add(Result.accepted(UUID.randomUUID().toString()));
    }
    return results;
  }

  List<EventEntry> ofType(String detailType) {
    return events.stream().filter(e -> detailType.equals(e.detailType())).toList();
  }

  void clear() {
    events.clear();
  }
}
