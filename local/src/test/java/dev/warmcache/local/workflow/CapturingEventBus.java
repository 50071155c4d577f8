package dev.warmcache.local.workflow;

import dev.warmcache.local.eventbridge.bus.EventSink;
import dev.warmcache.local.eventbridge.bus.PutEntry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts every event and keeps it, standing in for the twin's EventBridge and its rules. */
final class CapturingEventBus implements EventSink {

  private final List<PutEntry> events = new CopyOnWriteArrayList<>();

  @Override
  public PutEntry.Result put(PutEntry entry) {
    events.add(entry);
    return PutEntry.Result.accepted(UUID.randomUUID().toString());
  }

  List<PutEntry> ofType(String detailType) {
    return events.stream().filter(e -> detailType.equals(e.detailType())).toList();
  }

  void clear() {
    events.clear();
  }
}
